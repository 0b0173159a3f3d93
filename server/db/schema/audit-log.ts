import type { Insertable, Selectable } from 'kysely';
import type { AuditAction } from '../../../shared/constants.ts';

/**
 * Who did what to whom, and when. Emails are copied in so an entry still reads after a purge;
 * ids are not foreign keys for the same reason.
 */
export interface AuditLogTable {
  id: string;
  workspace_id: string;
  /** Null for the system (the retention job). */
  actor_id: string | null;
  actor_email: string | null;
  action: AuditAction;
  target_id: string | null;
  target_email: string | null;
  /** `target_email` as the users' `email_normalized`, for a search by address (migration 0016). */
  target_email_normalized: string | null;
  /** JSON object, for example `{ "before": {...}, "after": {...} }` of an edit. */
  details: string | null;
  created_at: string;
}

export type AuditRow = Selectable<AuditLogTable>;
export type NewAuditRow = Insertable<AuditLogTable>;
