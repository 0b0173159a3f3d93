import type { Insertable, Selectable } from 'kysely';

export const OUTBOX_KINDS = ['invitation'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/**
 * Email waiting to go out. Written in the same transaction as what caused it and delivered after
 * commit, with retries. `payload` carries what the email needs until delivery, then is cleared:
 * never the invitation token itself, only the nonce it is derived from under the server secret
 * (server/invitation-keys.ts), so a copy of this table opens nothing.
 */
export interface OutboxTable {
  id: string;
  workspace_id: string;
  kind: OutboxKind;
  recipient: string;
  /** JSON (`QueuedInvitation`); null once delivered or given up. */
  payload: string | null;
  /** The invitation this message carries; a message whose invitation is no longer open is dropped. */
  invitation_id: string | null;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  /** A delivering server holds the message until then. */
  locked_until: string | null;
  delivered_at: string | null;
  /** Set when the message was dropped (superseded) or retries ran out. */
  dropped_at: string | null;
  last_error: string | null;
}

export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
