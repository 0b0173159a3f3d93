import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * The Message-ID header, `<…>`. The outbox gives every attempt at one message the same one, so
   * the receiving side can recognise a message sent again after a crash (see deliver-outbox.ts).
   */
  messageId?: string;
}

/**
 * Sends one message; throws when it could not be handed over (the outbox retries). A host may
 * implement it over its own provider's API; `createSmtpMailer` is the SMTP one.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Without a mailer invitations would reach nobody, unnoticed: production refuses that. */
export const MISSING_MAILER =
  'A mailer is required in production: pass `mailer` to UserManagement (createSmtpMailer(smtpUrl, from), or a Mailer of your own); ' +
  'without one, invitation emails would go to an in-memory development mailbox and reach nobody';

/** The same for the standalone server, which makes its mailer from SMTP_URL. */
export const MISSING_SMTP_URL =
  'SMTP_URL is required in production: set it to your SMTP server (such as smtps://user:pass@smtp.example.com), and MAIL_FROM to the sender; ' +
  'without it, invitation emails would go to an in-memory development mailbox and reach nobody';

export const DEVELOPMENT_MAILBOX_WARNING =
  'No mailer: invitation emails go to an in-memory development mailbox and reach nobody. ' +
  'Pass `mailer` to UserManagement (createSmtpMailer(smtpUrl, from), or a Mailer of your own); production (NODE_ENV=production) requires one';

export interface DeliveredMessage extends MailMessage {
  id: number;
  sentAt: string;
}

/**
 * The development mailbox: keeps the latest messages in memory so the demo can show them and
 * tests can follow the links. Used when no mailer is given (no SMTP_URL), outside production.
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

  /** Drops the messages that match: the demo's reset forgets its own workspace's mail and no one else's. */
  removeWhere(matches: (message: DeliveredMessage) => boolean): void {
    const kept = this.messages.filter((message) => !matches(message));
    this.messages.splice(0, this.messages.length, ...kept);
  }
}

/**
 * Every hand-over ends, delivered or failed, well within the outbox's one-minute claim on the
 * message, so no other server takes the message over while this one is still sending it.
 * (nodemailer's own defaults wait up to 2 minutes for a connection and 10 for a silent socket.)
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/**
 * Sends through SMTP with nodemailer: `smtpUrl` such as `smtps://user:pass@smtp.example.com:465`
 * (nodemailer's URL options, `?pool=true` among them), `from` the sender (`PANTA <no-reply@portal.example>`).
 */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS });
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
  };
}
