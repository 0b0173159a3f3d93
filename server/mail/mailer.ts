import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends one message; throws when it could not be handed over (the outbox retries). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface DeliveredMessage extends MailMessage {
  id: number;
  sentAt: string;
}

/**
 * The development mailbox: keeps the latest messages in memory so the demo can show them and
 * tests can follow the links. Used when no SMTP_URL is set.
 */
export class DevMailbox implements Mailer {
  readonly messages: DeliveredMessage[] = [];
  #nextId = 1;

  constructor(private readonly capacity = 200) {}

  async send(message: MailMessage): Promise<void> {
    this.messages.unshift({ ...message, id: this.#nextId++, sentAt: new Date().toISOString() });
    this.messages.length = Math.min(this.messages.length, this.capacity);
  }

  /** The newest message to an address, if any. */
  latestTo(address: string): DeliveredMessage | undefined {
    const wanted = address.trim().toLowerCase();
    return this.messages.find((message) => message.to.toLowerCase() === wanted);
  }

  clear(): void {
    this.messages.length = 0;
  }
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
  };
}
