import { addMs } from '../clock.ts';
import { claimOutboxMessage, findDueOutboxMessages, updateOutboxMessage } from '../db/repositories/outbox.ts';
import type { OutboxRow } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import type { Mailer } from '../mail/mailer.ts';
import { type InvitationPayload, type QueuedInvitation, renderInvitation } from '../mail/templates.ts';
import { hashToken } from '../tokens.ts';

const BATCH_SIZE = 25;
const CLAIM_MS = 60_000;
const MAX_ATTEMPTS = 12;

/** 30 s, 1 min, 2 min … capped at an hour: an SMTP outage delays mail, never loses it. */
export const retryDelayMs = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 3600_000);

type DeliveryDeps = Pick<Deps, 'db' | 'clock' | 'settings' | 'invitationKeys'>;

/** Told why a message was given up without trying SMTP (its link cannot be made here). */
export type OnUndeliverable = (error: Error) => void;

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
 *     rotated or withdrawn), after 12 failed attempts, or given up at once when its link cannot be
 *     made (the secret it was made under is unknown here: `onUndeliverable` says so); a crash at
 *     any point leaves it claimed at worst, and it is due again when the claim runs out;
 *   - no two servers send one message at once, and a message marked delivered is never sent again;
 *   - a crash between SMTP accepting a message and step 2 committing (a window of one database
 *     write) leaves the message "in doubt": we cannot know whether it went out, so it is sent again
 *     once its claim runs out, with the same Message-ID (`outboxMessageId`). So delivery is at
 *     least once, and exactly once for a receiving side that drops a Message-ID it has seen (mail
 *     clients and many mail stores show such duplicates once). One server delivers one message at
 *     a time, so a crash leaves at most one message per server in doubt.
 */
export async function deliverOutbox(deps: DeliveryDeps, mailer: Mailer, onUndeliverable: OnUndeliverable = () => {}): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, failed: 0, dropped: 0 };
  for (;;) {
    const now = deps.clock.now();
    const due = await findDueOutboxMessages(deps.db, now.toISOString(), BATCH_SIZE);
    if (due.length === 0) return report;
    for (const message of due) {
      if (!(await claimOutboxMessage(deps.db, message.id, now.toISOString(), addMs(now, CLAIM_MS).toISOString()))) continue;
      report[await deliverOne(deps, mailer, message, onUndeliverable)] += 1;
    }
    if (due.length < BATCH_SIZE) return report;
  }
}

async function deliverOne(
  deps: DeliveryDeps,
  mailer: Mailer,
  message: OutboxRow,
  onUndeliverable: OnUndeliverable,
): Promise<keyof DeliveryReport> {
  const invitation = message.invitation_id ? await openInvitation(deps, message.invitation_id) : undefined;
  if (!message.payload || (message.invitation_id && !invitation)) {
    // The link was rotated, used or withdrawn before we got to it: sending it would only confuse.
    await updateOutboxMessage(deps.db, message.id, { dropped_at: deps.clock.now().toISOString(), payload: null, locked_until: null });
    return 'dropped';
  }
  const payload = invitationPayload(deps, JSON.parse(message.payload) as QueuedInvitation | InvitationPayload, invitation?.token_hash);
  if (typeof payload === 'string') {
    // Retrying cannot help: given up now, and said why, so that an admin resends the invitation.
    const nowIso = deps.clock.now().toISOString();
    await updateOutboxMessage(deps.db, message.id, { last_error: payload, dropped_at: nowIso, payload: null, locked_until: null });
    onUndeliverable(new Error(`Outbox message ${message.id} (invitation ${message.invitation_id}) was given up: ${payload}`));
    return 'failed';
  }
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
  // Delivered: nothing on our side can make the token again.
  await updateOutboxMessage(deps.db, message.id, {
    delivered_at: deps.clock.now().toISOString(),
    attempts: message.attempts + 1,
    payload: null,
    locked_until: null,
    last_error: null,
  });
  return 'delivered';
}

/**
 * The email's contents with its token derived again; or, when that cannot be done here, why.
 * A message queued by an earlier version carries its token in clear: it is sent as it is (the
 * token is in that database already) and erased like any other once delivered.
 */
function invitationPayload(deps: DeliveryDeps, queued: QueuedInvitation | InvitationPayload, tokenHash: string | undefined): InvitationPayload | string {
  if ('token' in queued) return queued;
  const { keyId, nonce, index, ...contents } = queued;
  const altered = 'its link does not match its invitation (the outbox row was altered): resend the invitation';
  let token: string | undefined;
  try {
    token = deps.invitationKeys.tokenOf(keyId, nonce, index);
  } catch {
    return altered;
  }
  if (token === undefined) {
    return `its link was made under key ${keyId}, a secret this server does not have: resend the invitation, and keep a replaced secret in PANTA_SECRET_PREVIOUS until the outbox has drained`;
  }
  if (tokenHash !== undefined && hashToken(token) !== tokenHash) return altered;
  return { token, ...contents };
}

async function openInvitation(deps: Pick<Deps, 'db'>, invitationId: string): Promise<{ token_hash: string } | undefined> {
  return deps.db
    .selectFrom('invitations')
    .select('token_hash')
    .where('id', '=', invitationId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}
