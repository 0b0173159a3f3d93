import { addMs } from '../clock.ts';
import type { DB } from '../db/database.ts';
import { findLiveSessionWithUser, insertSession, revokeSession } from '../db/repositories/sessions.ts';
import { findUserByEmail, findUserById, recordSignIn } from '../db/repositories/users.ts';
import { PLAIN_EMAIL } from '../../shared/field-rules.ts';
import { normalizeEmail } from './email-rule.ts';
import type { Deps } from '../deps.ts';
import { generateToken, hashToken, newId } from '../tokens.ts';
import type { Me } from '../../shared/schemas.ts';
import { findWorkspaceById } from '../db/repositories/workspaces.ts';
import { type Caller, isActiveAdmin } from './actor.ts';
import type { UserRow } from '../db/schema/index.ts';

/** Who a request says it is, before the database has been asked about them. */
export interface Identity {
  workspaceId: string;
  userId: string;
  sessionId?: string | null;
}

export interface IssuedSession {
  token: string;
  expiresAt: string;
}

export async function createSession(
  db: DB,
  deps: Pick<Deps, 'clock' | 'settings'>,
  user: { id: string; workspace_id: string },
): Promise<IssuedSession> {
  const now = deps.clock.now();
  const token = generateToken();
  const expiresAt = addMs(now, deps.settings.sessionTtlHours * 3600_000).toISOString();
  await insertSession(db, {
    id: newId(),
    workspace_id: user.workspace_id,
    user_id: user.id,
    token_hash: hashToken(token),
    created_at: now.toISOString(),
    expires_at: expiresAt,
    revoked_at: null,
  });
  // A session made is a sign-in (in the same transaction as the session, when there is one).
  await recordSignIn(db, user.workspace_id, user.id, now.toISOString(), now.toISOString());
  return { token, expiresAt };
}

/**
 * The identity of a workspace member named by email, for hosts whose own sign-in (for example a
 * signed JWT) names people by email. Null when nobody has that email there.
 */
export async function identityFromEmail(deps: Pick<Deps, 'db'>, workspaceId: string, email: string): Promise<Identity | null> {
  // No address holds a control character, and PostgreSQL would refuse to look one up.
  if (!PLAIN_EMAIL.test(email.trim())) return null;
  const user = await findUserByEmail(deps.db, workspaceId, normalizeEmail(email));
  return user ? { workspaceId, userId: user.id } : null;
}

/**
 * The caller read in the same statement as the session that named them, for the one `loadCaller`
 * of the same request: an identity from `identityFromSessionToken` is made per request, and the
 * entry is taken on first use, so nothing read here outlives the request that read it.
 */
const readWithSession = new WeakMap<Identity, Caller | null>();

/**
 * Maps a bearer token to the identity of a live session, or null. The session's user is read in
 * the same statement, so `loadCaller` on this identity needs no second one.
 */
export async function identityFromSessionToken(deps: Deps, token: string): Promise<Identity | null> {
  const found = await findLiveSessionWithUser(deps.db, hashToken(token), deps.clock.now().toISOString());
  if (!found) return null;
  const identity: Identity = { workspaceId: found.workspace_id, userId: found.user_id, sessionId: found.session_id };
  const user =
    found.found_user_id === null || found.deleted_at !== null
      ? null
      : { id: found.found_user_id, workspace_id: found.workspace_id, email: found.email!, first_name: found.first_name!, last_name: found.last_name!, role: found.role!, status: found.status! };
  readWithSession.set(identity, user && callerOf(user, identity));
  return identity;
}

/**
 * Reads the caller from the database on every request, so a demoted or deleted user loses their
 * rights on their next request. A deleted user is nobody.
 */
export async function loadCaller(deps: Deps, identity: Identity): Promise<Caller | null> {
  if (readWithSession.has(identity)) {
    const caller = readWithSession.get(identity)!;
    readWithSession.delete(identity);
    return caller;
  }
  const user = await findUserById(deps.db, identity.workspaceId, identity.userId);
  return user && !user.deleted_at ? callerOf(user, identity) : null;
}

function callerOf(
  user: Pick<UserRow, 'id' | 'workspace_id' | 'email' | 'first_name' | 'last_name' | 'role' | 'status'>,
  identity: Identity,
): Caller {
  return {
    id: user.id,
    workspaceId: user.workspace_id,
    email: user.email,
    firstName: user.first_name,
    lastName: user.last_name,
    role: user.role,
    status: user.status,
    sessionId: identity.sessionId ?? null,
  };
}

export async function signOut(deps: Deps, caller: Caller): Promise<void> {
  if (caller.sessionId) await revokeSession(deps.db, caller.sessionId, deps.clock.now().toISOString());
}

export async function describeCaller(deps: Deps, caller: Caller): Promise<NonNullable<Me>> {
  const workspace = await findWorkspaceById(deps.db, caller.workspaceId);
  return {
    user: { id: caller.id, email: caller.email, firstName: caller.firstName, lastName: caller.lastName, role: caller.role },
    isAdmin: isActiveAdmin(caller),
    workspace: { id: caller.workspaceId, name: workspace?.name ?? '' },
  };
}
