import { RESEND_COOLDOWN_SECONDS } from '../../shared/constants.ts';
import type { AuditEntry, User } from '../../shared/schemas.ts';
import type { UserViewRow } from '../db/repositories/users.ts';
import type { AuditViewRow } from '../db/repositories/audit-log.ts';

function personRef(id: string | null, email: string | null, firstName: string | null, lastName: string | null) {
  return id && email !== null ? { id, email, firstName: firstName ?? '', lastName: lastName ?? '' } : null;
}

/** When an invitation last sent at `lastSentAt` may be sent again; null when it never was. */
export function resendAvailableAt(lastSentAt: string | null): string | null {
  return lastSentAt ? new Date(Date.parse(lastSentAt) + RESEND_COOLDOWN_SECONDS * 1000).toISOString() : null;
}

export function toApiUser(row: UserViewRow): User {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    status: row.status,
    state: row.deleted_at ? 'deleted' : row.status,
    invitedAt: row.invited_at,
    invitedBy: personRef(row.invited_by_id, row.inviter_email, row.inviter_first_name, row.inviter_last_name),
    lastInvitationSentAt: row.last_invitation_sent_at,
    invitationSendCount: Number(row.invitation_send_count),
    resendAvailableAt: row.status === 'pending' && !row.deleted_at ? resendAvailableAt(row.last_invitation_sent_at) : null,
    invitationExpiresAt: row.invitation_expires_at,
    onboardedAt: row.onboarded_at,
    lastSignedInAt: row.last_signed_in_at,
    deletedAt: row.deleted_at,
    deletedBy: personRef(row.deleted_by_id, row.deleter_email, row.deleter_first_name, row.deleter_last_name),
    purgeAt: row.purge_at,
  };
}

/** A user's name as the list shows it ("" without one); null when there is no such user any more. */
const nameOf = (first: string | null, last: string | null) => (first === null || last === null ? null : `${first} ${last}`.trim());

export function toApiAuditEntry(row: AuditViewRow): AuditEntry {
  return {
    id: row.id,
    action: row.action,
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    actorName: nameOf(row.actor_first_name, row.actor_last_name),
    targetId: row.target_id,
    targetEmail: row.target_email,
    targetName: nameOf(row.target_first_name, row.target_last_name),
    details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
    createdAt: row.created_at,
  };
}
