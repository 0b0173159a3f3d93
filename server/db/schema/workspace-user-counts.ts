import type { Selectable } from 'kysely';

/**
 * How many users a workspace has in each tab, and how many of them are admins. Kept by triggers
 * on `users` (migration 0004) in the transaction of every write; nothing writes it directly.
 */
export interface WorkspaceUserCountsTable {
  workspace_id: string;
  active: number;
  pending: number;
  deleted: number;
  active_admins: number;
  pending_admins: number;
  deleted_admins: number;
}

export type WorkspaceUserCountsRow = Selectable<WorkspaceUserCountsTable>;
