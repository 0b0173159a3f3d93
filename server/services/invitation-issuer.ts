import { DAY_MS, addMs } from '../clock.ts';
import type { DB } from '../db/database.ts';
import { insertInvitation } from '../db/repositories/invitations.ts';
import { insertOutboxMessage } from '../db/repositories/outbox.ts';
import { findWorkspaceById } from '../db/repositories/workspaces.ts';
import type { NewInvitationRow, NewOutboxRow, UserRow } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import type { QueuedInvitation } from '../mail/templates.ts';
import { hashToken, newSortableIds } from '../tokens.ts';
import type { Caller } from './actor.ts';
import { displayName } from './text.ts';

/**
 * Creates a fresh one-time link for a pending user and queues its email, inside the caller's
 * transaction, in the inviter's language. The token is written nowhere: the invitation keeps its hash, the outbox the nonce
 * it is derived from under the server secret (server/invitation-keys.ts).
 */
export async function issueInvitation(
  trx: DB,
  deps: Deps,
  user: Pick<UserRow, 'id' | 'workspace_id' | 'email' | 'first_name'>,
  inviter: Pick<Caller, 'email' | 'firstName' | 'lastName' | 'language'>,
  now: Date,
): Promise<void> {
  const workspace = await findWorkspaceById(trx, user.workspace_id);
  const { invitations, messages } = invitationRows(deps, [user], inviter, now, workspace?.name ?? 'PANTA OS');
  await insertInvitation(trx, invitations[0]!);
  await insertOutboxMessage(trx, messages[0]!);
}

/**
 * An invitation row and its queued email for each user (a bulk import passes thousands): tokens
 * come from one AES pass and ids from one draw of the CSPRNG, and what the rows share is worked
 * out once.
 */
export function invitationRows(
  deps: Deps,
  users: readonly Pick<UserRow, 'id' | 'workspace_id' | 'email' | 'first_name'>[],
  inviter: Pick<Caller, 'email' | 'firstName' | 'lastName' | 'language'>,
  now: Date,
  workspaceName: string,
): { invitations: NewInvitationRow[]; messages: NewOutboxRow[]; tokens: readonly string[] } {
  const { keyId, nonce, tokens } = deps.invitationKeys.issue(users.length);
  const ids = newSortableIds(users.length * 2);
  const nowIso = now.toISOString();
  const expiresAt = addMs(now, deps.settings.inviteTtlDays * DAY_MS).toISOString();
  const language = inviter.language ?? 'en';
  const inviterName = displayName({ first_name: inviter.firstName, last_name: inviter.lastName, email: inviter.email });
  const invitations = new Array<NewInvitationRow>(users.length);
  const messages = new Array<NewOutboxRow>(users.length);
  users.forEach((user, index) => {
    const token = tokens[index]!;
    const invitationId = ids[2 * index]!;
    invitations[index] = {
      id: invitationId,
      workspace_id: user.workspace_id,
      user_id: user.id,
      token_hash: hashToken(token),
      created_at: nowIso,
      expires_at: expiresAt,
      used_at: null,
      revoked_at: null,
      revoked_reason: null,
      language,
    };
    const payload: QueuedInvitation = { keyId, nonce, index, workspaceName, inviterName, firstName: user.first_name, expiresAt, language };
    messages[index] = {
      id: ids[2 * index + 1]!,
      workspace_id: user.workspace_id,
      kind: 'invitation',
      recipient: user.email,
      payload: JSON.stringify(payload),
      invitation_id: invitationId,
      created_at: nowIso,
      attempts: 0,
      next_attempt_at: nowIso,
      locked_until: null,
      delivered_at: null,
      dropped_at: null,
      last_error: null,
    };
  });
  return { invitations, messages, tokens };
}
