import { DevMailbox, type MailMessage } from '../mail/mailer.ts';

/** A development mailbox whose SMTP server can be switched off, to test the outbox's retries. */
export class FlakyMailbox extends DevMailbox {
  down = false;
  /** Every hand-over tried, delivered or not. */
  attempts = 0;
  /** Runs before each hand-over, for a test to look at the world as the mailer sees it. */
  beforeSend: ((message: MailMessage) => Promise<void>) | undefined;

  override async send(message: MailMessage): Promise<void> {
    this.attempts += 1;
    await this.beforeSend?.(message);
    if (this.down) throw new Error('SMTP server unreachable');
    await super.send(message);
  }
}
