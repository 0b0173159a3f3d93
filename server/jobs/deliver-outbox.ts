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

/** Sends what is due in the outbox. Several servers may run this at once: each message is claimed first. */
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
    await mailer.send(renderInvitation(message.recipient, payload, deps.settings.publicUrl));
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
