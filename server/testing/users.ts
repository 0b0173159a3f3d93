import type { DB } from '../db/database.ts';

/**
 * The ids of a workspace's active admins, read from the database: the API needs an admin to ask,
 * and the last-admin guards are about the moment there may be none.
 */
export async function activeAdminIds(db: DB, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .where('deleted_at', 'is', null)
    .execute();
  return rows.map((row) => row.id);
}
