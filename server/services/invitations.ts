import type { InvitationPreview, User } from '../../shared/schemas.ts';
import type { DB } from '../db/database.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import { findInvitationByTokenHash, markInvitationUsed } from '../db/repositories/invitations.ts';
import { findUserById, findUserViewById, updateUsers } from '../db/repositories/users.ts';
import { findWorkspaceById } from '../db/repositories/workspaces.ts';
import { inTransaction } from '../db/transactions.ts';
import type { InvitationRow, UserRow } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { hashToken } from '../tokens.ts';
import { auditEntry } from './audit.ts';
import { toApiUser } from './mappers.ts';
import { type IssuedSession, createSession } from './sessions.ts';
import { searchTextFor, sortNameFor } from './text.ts';

/** Finds the open invitation a token names, or says exactly why it cannot be used. */
async function resolveInvitation(db: DB, token: string, nowIso: string): Promise<{ invitation: InvitationRow; user: UserRow }> {
  const invitation = await findInvitationByTokenHash(db, hashToken(token));
  if (!invitation) throw new DomainError('NOT_FOUND', 'TOKEN_INVALID', 'This invitation link is not valid');
  // The invitation's language goes with each refusal, so the page says why in it.
  const details = { language: invitation.language };
  if (invitation.used_at) {
    throw new DomainError('PRECONDITION_FAILED', 'TOKEN_USED', 'This invitation link has already been used: sign in instead', details);
  }
  if (invitation.revoked_at) {
    const message =
      invitation.revoked_reason === 'rotated'
        ? 'This invitation link was replaced by a newer one: use the link in the latest email'
        : 'This invitation was withdrawn by an administrator';
    throw new DomainError('PRECONDITION_FAILED', 'TOKEN_REVOKED', message, details);
  }
  if (invitation.expires_at <= nowIso) {
    throw new DomainError('PRECONDITION_FAILED', 'TOKEN_EXPIRED', 'This invitation link has expired: ask an administrator to resend it', details);
  }
  const user = await findUserById(db, invitation.workspace_id, invitation.user_id);
  if (!user || user.deleted_at || user.status !== 'pending') {
    throw new DomainError('PRECONDITION_FAILED', 'TOKEN_REVOKED', 'This invitation was withdrawn by an administrator', details);
  }
  return { invitation, user };
}

export async function previewInvitation(deps: Deps, token: string): Promise<InvitationPreview> {
  const { invitation, user } = await resolveInvitation(deps.db, token, deps.clock.now().toISOString());
  const workspace = await findWorkspaceById(deps.db, user.workspace_id);
  return {
    email: user.email,
    firstName: user.first_name,
    lastName: user.last_name,
    workspaceName: workspace?.name ?? '',
    expiresAt: invitation.expires_at,
    language: invitation.language,
  };
}

/** The invitee completes onboarding: they become active and are signed in. */
export async function acceptInvitation(
  deps: Deps,
  input: { token: string; firstName: string; lastName: string },
): Promise<{ session: IssuedSession; user: User }> {
  const nowIso = deps.clock.now().toISOString();
  const { session, userId, workspaceId } = await inTransaction(deps.db, async (trx) => {
    const { invitation, user } = await resolveInvitation(trx, input.token, nowIso);
    if (!(await markInvitationUsed(trx, invitation.id, nowIso))) {
      throw new DomainError('PRECONDITION_FAILED', 'TOKEN_USED', 'This invitation link has already been used: sign in instead');
    }
    const names = { first_name: input.firstName, last_name: input.lastName, email: user.email };
    await updateUsers(trx, user.workspace_id, [user.id], {
      first_name: input.firstName,
      last_name: input.lastName,
      search_text: searchTextFor(names),
      sort_name: sortNameFor(names),
      status: 'active',
      onboarded_at: nowIso,
      updated_at: nowIso,
    });
    await insertAuditEntries(trx, [auditEntry(user.workspace_id, user, 'user.onboarded', user, nowIso)]);
    const session = await createSession(trx, deps, user);
    return { session, userId: user.id, workspaceId: user.workspace_id };
  });
  deps.notifyChanged(workspaceId);
  const row = await findUserViewById(deps.db, workspaceId, userId);
  if (!row) throw new DomainError('NOT_FOUND', 'USER_NOT_FOUND', 'No such user');
  return { session, user: toApiUser(row) };
}
