import type { Kysely } from 'kysely';
import type { Tab } from '../../../shared/constants.ts';
import type { Database } from '../schema/index.ts';
import type { UserCounts } from './users.ts';

type Db = Kysely<Database>;

/** A workspace's revision, the revision at which each tab last changed, and its counts then. */
export interface WorkspaceRevision {
  workspaceId: string;
  revision: number;
  tabRevisions: Record<Tab, number>;
  counts: UserCounts;
}

/** Many workspaces' counters rows, read by primary key in one statement. */
export async function readWorkspaceRevisions(db: Db, workspaceIds: readonly string[]): Promise<WorkspaceRevision[]> {
  if (workspaceIds.length === 0) return [];
  const rows = await db.selectFrom('workspace_user_counts').selectAll().where('workspace_id', 'in', workspaceIds).execute();
  return rows.map((row) => ({
    workspaceId: row.workspace_id,
    // bigint columns: PostgreSQL's driver hands them over as strings.
    revision: Number(row.revision),
    tabRevisions: { active: Number(row.active_revision), pending: Number(row.pending_revision), deleted: Number(row.deleted_revision) },
    counts: {
      active: Number(row.active),
      pending: Number(row.pending),
      deleted: Number(row.deleted),
      activeAdmins: Number(row.active_admins),
      pendingAdmins: Number(row.pending_admins),
      deletedAdmins: Number(row.deleted_admins),
    },
  }));
}
