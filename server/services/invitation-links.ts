import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import { insertInvitation, revokeOpenInvitations } from '../db/repositories/invitations.ts';
import { findUserById } from '../db/repositories/users.ts';
import { findWorkspaceById } from '../db/repositories/workspaces.ts';
import type { Deps } from '../deps.ts';
import { DomainError, notFound } from '../errors.ts';
import { invitationLink } from '../mail/templates.ts';
import type { Caller } from './actor.ts';
import { auditEntry } from './audit.ts';
import { invitationRows } from './invitation-issuer.ts';
import { write } from './users.ts';

/**
 * A fresh invitation link for a pending user, handed to the admin instead of emailed: for hosts
 * whose users cannot receive email. It rotates the link as a resend does (the previous one stops
 * working) but queues no email and counts no send; audited as `user.invitation_link_issued`. The
 * link is answered once and kept nowhere: the invitation holds its hash only.
 */
export async function issueInvitationLink(deps: Deps, caller: Caller, id: string): Promise<{ link: string; expiresAt: string }> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  return write(deps, caller, async (trx) => {
    const user = await findUserById(trx, caller.workspaceId, id);
    if (!user) throw notFound(id);
    const ref = { userId: user.id, email: user.email };
    if (user.deleted_at) throw new DomainError('CONFLICT', 'USER_DELETED', `${user.email} is in Recently deleted: restore the user first`, ref);
    if (user.status !== 'pending') throw new DomainError('CONFLICT', 'NOT_PENDING', `${user.email} has already completed onboarding`, ref);
    const workspace = await findWorkspaceById(trx, caller.workspaceId);
    const { invitations, tokens } = invitationRows(deps, [user], caller, now, workspace?.name ?? 'PANTA OS');
    const invitation = invitations[0]!;
    await revokeOpenInvitations(trx, caller.workspaceId, [user.id], 'rotated', nowIso);
    await insertInvitation(trx, invitation);
    await insertAuditEntries(trx, [auditEntry(caller.workspaceId, caller, 'user.invitation_link_issued', user, nowIso)]);
    return { link: invitationLink(deps.settings.publicUrl, tokens[0]!), expiresAt: invitation.expires_at };
  });
}
