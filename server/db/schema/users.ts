import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Role, Status } from '../../../shared/constants.ts';

/**
 * A person in a workspace. The tab an admin sees them in is derived: `deleted_at` set means
 * Recently deleted, otherwise `status` (pending until onboarding is completed, then active).
 * Times are ISO 8601 strings in UTC, which sort as text on every dialect.
 */
export interface UsersTable {
  id: string;
  workspace_id: string;
  /** As entered, trimmed. */
  email: string;
  /** Lower-cased; unique per workspace across all three states. */
  email_normalized: string;
  first_name: string;
  last_name: string;
  /** Accent- and case-folded name and email, for search. */
  search_text: string;
  /** Accent- and case-folded display name (the email when there is no name), for sorting. */
  sort_name: string;
  role: Role;
  status: Status;
  invited_by_id: string | null;
  invited_at: string;
  last_invitation_sent_at: string | null;
  invitation_send_count: number;
  onboarded_at: string | null;
  /** When they last signed in: a session made, or a host's sign-in seen (at most one write an hour). */
  last_signed_in_at: string | null;
  deleted_at: string | null;
  deleted_by_id: string | null;
  purge_at: string | null;
  created_at: string;
  updated_at: string;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
