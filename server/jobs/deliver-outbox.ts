import { addMs } from '../clock.ts';
import { claimOutboxMessage, findDueOutboxMessages, updateOutboxMessage } from '../db/repositories/outbox.ts';
import type { OutboxRow } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import type { Mailer } from '../mail/mailer.ts';
import { type InvitationPayload, renderInvitation } from '../mail/templates.ts';

const BATCH_SIZE = 25;
const CLAIM_MS = 60_000;
const MAX_ATTEMPTS = 12;

/** 30 s, 1 min, 2 min … capped at an hour: an SMTP outage delays mail, never loses it. */
export const retryDelayMs = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 3600_000);

export interface DeliveryReport {
  delivered: number;
  failed: number;
  dropped: number;
}

/**
 * The Message-ID of an outbox message: the same on every attempt, unique to the message, so a
 * message sent again after a crash is recognisably the same message (see `deliverOutbox`).
 */
export function outboxMessageId(outboxId: string, publicUrl: string): string {
  return `<${outboxId}.invitation@${new URL(publicUrl).hostname}>`;
}

/**
 * Sends what is due in the outbox. Several servers may run this at once.
 *
 * Each message goes through two committed states around the hand-over to SMTP:
 *   1. claimed: `locked_until` set (now + 1 min), committed before anything is sent. No other
 *      delivery run, on this server or another, touches the message until the claim runs out,
 *      and every hand-over ends within it (`SMTP_TIMEOUTS`);
 *   2. delivered (`delivered_at`) or failed (`attempts`, `next_attempt_at`), committed after it.
 * What is guaranteed:
 *   - nothing is lost: a message leaves the outbox only as delivered, dropped (its link was
 *     rotated or withdrawn), or after 12 failed attempts; a crash at any point leaves it claimed
 *     at worst, and it is due again when the claim runs out;
 *   - no two servers send one message at once, and a message marked delivered is never sent again;
 *   - a crash between SMTP accepting a message and step 2 committing (a window of one database
 *     write) leaves the message "in doubt": we cannot know whether it went out, so it is sent again
 *     once its claim runs out, with the same Message-ID (`outboxMessageId`). So delivery is at
 *     least once, and exactly once for a receiving side that drops a Message-ID it has seen (mail
 *     clients and many mail stores show such duplicates once). One server delivers one message at
 *     a time, so a crash leaves at most one message per server in doubt.
 */
export async function deliverOutbox(deps: Pick<Deps, 'db' | 'clock' | 'settings'>, mailer: Mailer): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, failed: 0, dropped: 0 };
  for (;;) {
    const now = deps.clock.now();
    const due = await findDueOutboxMessages(deps.db, now.toISOString(), BATCH_SIZE);
    if (due.length === 0) return report;
    for (const message of due) {
      if (!(await claimOutboxMessage(deps.db, message.id, now.toISOString(), addMs(now, CLAIM_MS).toISOString()))) continue;
      report[await deliverOne(deps, mailer, message)] += 1;
    }
    if (due.length < BATCH_SIZE) return report;
  }
}

async function deliverOne(
  deps: Pick<Deps, 'db' | 'clock' | 'settings'>,
  mailer: Mailer,
  message: OutboxRow,
): Promise<keyof DeliveryReport> {
  if (!message.payload || (message.invitation_id && !(await invitationIsOpen(deps, message.invitation_id)))) {
    // The link was rotated, used or withdrawn before we got to it: sending it would only confuse.
    await updateOutboxMessage(deps.db, message.id, { dropped_at: deps.clock.now().toISOString(), payload: null, locked_until: null });
    return 'dropped';
  }
  const payload = JSON.parse(message.payload) as InvitationPayload;
  try {
    await mailer.send({
      ...renderInvitation(message.recipient, payload, deps.settings.publicUrl),
      messageId: outboxMessageId(message.id, deps.settings.publicUrl),
    });
  } catch (error) {
    const attempts = message.attempts + 1;
    const nowMs = deps.clock.now().getTime();
    const giveUp = attempts >= MAX_ATTEMPTS;
    await updateOutboxMessage(deps.db, message.id, {
      attempts,
      last_error: String((error as Error)?.message ?? error).slice(0, 500),
      next_attempt_at: new Date(nowMs + retryDelayMs(attempts)).toISOString(),
      locked_until: null,
      ...(giveUp ? { dropped_at: new Date(nowMs).toISOString(), payload: null } : {}),
    });
    return 'failed';
  }
  // Delivered: the token no longer needs to exist anywhere on our side.
  await updateOutboxMessage(deps.db, message.id, {
    delivered_at: deps.clock.now().toISOString(),
    attempts: message.attempts + 1,
    payload: null,
    locked_until: null,
    last_error: null,
  });
  return 'delivered';
}

async function invitationIsOpen(deps: Pick<Deps, 'db'>, invitationId: string): Promise<boolean> {
  const row = await deps.db
    .selectFrom('invitations')
    .select('id')
    .where('id', '=', invitationId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}
