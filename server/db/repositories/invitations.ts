import type { Kysely } from 'kysely';
import { insertMany } from '../bulk-insert.ts';
import type { Database, InvitationRevokeReason, InvitationRow, NewInvitationRow } from '../schema/index.ts';

type Db = Kysely<Database>;

export async function insertInvitation(db: Db, row: NewInvitationRow): Promise<void> {
  await db.insertInto('invitations').values(row).execute();
}

export async function findInvitationByTokenHash(db: Db, tokenHash: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Revokes the open links of these users; a revoked link never works again. */
export async function revokeOpenInvitations(
  db: Db,
  workspaceId: string,
  userIds: readonly string[],
  reason: InvitationRevokeReason,
  nowIso: string,
): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .updateTable('invitations')
    .set({ revoked_at: nowIso, revoked_reason: reason })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', 'in', userIds)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Marks a link used, unless another request used or revoked it first; true when this one won. */
export async function markInvitationUsed(db: Db, id: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ used_at: nowIso })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertInvitations(db: Db, rows: readonly NewInvitationRow[]): Promise<void> {
  await insertMany(db, 'invitations', rows);
}
