import type { Insertable, Selectable } from 'kysely';
import type { Language } from '../../../shared/constants.ts';

export const INVITATION_REVOKE_REASONS = ['rotated', 'deleted'] as const;
export type InvitationRevokeReason = (typeof INVITATION_REVOKE_REASONS)[number];

/** A one-time invitation link. Only the SHA-256 of the token is stored. */
export interface InvitationsTable {
  id: string;
  workspace_id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
  revoked_reason: InvitationRevokeReason | null;
  /** The inviting admin's language: the email's and the accept page's. */
  language: Language;
}

export type InvitationRow = Selectable<InvitationsTable>;
export type NewInvitationRow = Insertable<InvitationsTable>;
