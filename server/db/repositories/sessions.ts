import type { Kysely } from 'kysely';
import { reusableQuery } from '../reusable-query.ts';
import type { Database, NewSessionRow, SessionRow } from '../schema/index.ts';

type Db = Kysely<Database>;

export async function insertSession(db: Db, row: NewSessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** A session that is neither revoked nor expired. */
export async function findLiveSessionByTokenHash(db: Db, tokenHash: string, nowIso: string): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
}

/**
 * A live session and its user's row as it is now, in one statement: the user's columns are null
 * when the user no longer exists. Read on every request: compiled once (`reusableQuery`).
 */
export async function findLiveSessionWithUser(db: Db, tokenHash: string, nowIso: string) {
  const [found] = await liveSessionWithUser(db, null, { tokenHash, nowIso });
  return found;
}

const liveSessionWithUser = reusableQuery('live session', (db: Db, _shape: null, values: { tokenHash: string; nowIso: string }) =>
  db
    .selectFrom('sessions as s')
    .leftJoin('users as u', (join) => join.onRef('u.workspace_id', '=', 's.workspace_id').onRef('u.id', '=', 's.user_id'))
    .select([
      's.id as session_id',
      's.workspace_id',
      's.user_id',
      'u.id as found_user_id',
      'u.email',
      'u.first_name',
      'u.last_name',
      'u.role',
      'u.status',
      'u.deleted_at',
    ])
    .where('s.token_hash', '=', values.tokenHash)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', values.nowIso),
);

export async function revokeSessionsOfUsers(db: Db, workspaceId: string, userIds: readonly string[], nowIso: string): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .updateTable('sessions')
    .set({ revoked_at: nowIso })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', 'in', userIds)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeSession(db: Db, id: string, nowIso: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: nowIso }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Which of these sessions are still live (not revoked, not expired), each with when it expires. */
export async function findLiveSessionExpiries(db: Db, sessionIds: readonly string[], nowIso: string): Promise<Map<string, string>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'expires_at'])
    .where('id', 'in', sessionIds)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .execute();
  return new Map(rows.map((row) => [row.id, row.expires_at]));
}
