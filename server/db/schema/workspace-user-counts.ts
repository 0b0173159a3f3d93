import type { Selectable } from 'kysely';

/**
 * How many users a workspace has in each tab, and how many of them are admins. Kept by triggers
 * on `users` (migrations 0004, 0010) in the transaction of every write; nothing writes it directly.
 */
export interface WorkspaceUserCountsTable {
  workspace_id: string;
  active: number;
  pending: number;
  deleted: number;
  active_admins: number;
  pending_admins: number;
  deleted_admins: number;
  /** Raised by the same triggers on every write to the workspace's users (migration 0010). */
  revision: number | string;
  /** The revision at which each tab's rows last changed. */
  active_revision: number | string;
  pending_revision: number | string;
  deleted_revision: number | string;
}

export type WorkspaceUserCountsRow = Selectable<WorkspaceUserCountsTable>;
