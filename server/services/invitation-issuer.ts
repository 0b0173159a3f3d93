import { DAY_MS, addMs } from '../clock.ts';
import type { DB } from '../db/database.ts';
import { insertInvitation } from '../db/repositories/invitations.ts';
import { insertOutboxMessage } from '../db/repositories/outbox.ts';
import { findWorkspaceById } from '../db/repositories/workspaces.ts';
import type { NewInvitationRow, NewOutboxRow, UserRow } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import type { InvitationPayload } from '../mail/templates.ts';
import { generateToken, hashToken, newId } from '../tokens.ts';
import type { Caller } from './actor.ts';
import { displayName } from './text.ts';

/**
 * Creates a fresh one-time link for a pending user and queues its email, inside the caller's
 * transaction. The token leaves this function only inside the outbox payload.
 */
export async function issueInvitation(
  trx: DB,
  deps: Deps,
  user: Pick<UserRow, 'id' | 'workspace_id' | 'email' | 'first_name'>,
  inviter: Pick<Caller, 'email' | 'firstName' | 'lastName'>,
  now: Date,
): Promise<void> {
  const workspace = await findWorkspaceById(trx, user.workspace_id);
  const { invitation, message } = invitationRows(deps, user, inviter, now, workspace?.name ?? 'PANTA OS');
  await insertInvitation(trx, invitation);
  await insertOutboxMessage(trx, message);
}

/** The invitation row and its queued email for one user; a bulk import inserts many at once. */
export function invitationRows(
  deps: Deps,
  user: Pick<UserRow, 'id' | 'workspace_id' | 'email' | 'first_name'>,
  inviter: Pick<Caller, 'email' | 'firstName' | 'lastName'>,
  now: Date,
  workspaceName: string,
): { invitation: NewInvitationRow; message: NewOutboxRow } {
  const token = generateToken();
  const invitationId = newId();
  const expiresAt = addMs(now, deps.settings.inviteTtlDays * DAY_MS).toISOString();
  const invitation: NewInvitationRow = {
    id: invitationId,
    workspace_id: user.workspace_id,
    user_id: user.id,
    token_hash: hashToken(token),
    created_at: now.toISOString(),
    expires_at: expiresAt,
    used_at: null,
    revoked_at: null,
    revoked_reason: null,
  };
  const payload: InvitationPayload = {
    token,
    workspaceName,
    inviterName: displayName({ first_name: inviter.firstName, last_name: inviter.lastName, email: inviter.email }),
    firstName: user.first_name,
    expiresAt,
  };
  const message: NewOutboxRow = {
    id: newId(),
    workspace_id: user.workspace_id,
    kind: 'invitation',
    recipient: user.email,
    payload: JSON.stringify(payload),
    invitation_id: invitationId,
    created_at: now.toISOString(),
    attempts: 0,
    next_attempt_at: now.toISOString(),
    locked_until: null,
    delivered_at: null,
    dropped_at: null,
    last_error: null,
  };
  return { invitation, message };
}
