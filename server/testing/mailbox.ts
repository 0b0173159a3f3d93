import { DevMailbox, type MailMessage } from '../mail/mailer.ts';

/** A development mailbox whose SMTP server can be switched off, to test the outbox's retries. */
export class FlakyMailbox extends DevMailbox {
  down = false;
  /** Every hand-over tried, delivered or not. */
  attempts = 0;

  override async send(message: MailMessage): Promise<void> {
    this.attempts += 1;
    if (this.down) throw new Error('SMTP server unreachable');
    await super.send(message);
  }
}
