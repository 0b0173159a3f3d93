import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { DevMailbox, type MailMessage } from '../mail/mailer.ts';

/** One hand-over as the file mailbox recorded it. */
export interface FileMailboxEntry {
  to: string;
  messageId: string | null;
}

/**
 * A development mailbox that also appends every hand-over to a file, one JSON line each, before it
 * returns: the file outlives a server killed with SIGKILL, and a restarted server (or the test)
 * reads every delivery of every life from it. Test-only (server/testing/server-process.ts).
 */
export class FileMailbox extends DevMailbox {
  constructor(readonly file: string) {
    super();
  }

  override async send(message: MailMessage): Promise<void> {
    // Written synchronously: once the outbox hears "sent", the line is in the file.
    appendFileSync(this.file, `${JSON.stringify({ to: message.to, messageId: message.messageId ?? null })}\n`);
    await super.send(message);
  }

  /** Every hand-over recorded in the file, oldest first. */
  entries(): FileMailboxEntry[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FileMailboxEntry);
  }
}
