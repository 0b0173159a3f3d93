import type { AuditLogTable } from './audit-log.ts';
import type { InvitationsTable } from './invitations.ts';
import type { OutboxTable } from './outbox.ts';
import type { RateLimitWindowsTable } from './rate-limit-windows.ts';
import type { SessionsTable } from './sessions.ts';
import type { UsersTable } from './users.ts';
import type { WorkspaceUserCountsTable } from './workspace-user-counts.ts';
import type { WorkspacesTable } from './workspaces.ts';

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  workspace_user_counts: WorkspaceUserCountsTable;
  rate_limit_windows: RateLimitWindowsTable;
}

export type * from './audit-log.ts';
export type * from './invitations.ts';
export type * from './outbox.ts';
export type * from './rate-limit-windows.ts';
export type * from './sessions.ts';
export type * from './users.ts';
export type * from './workspace-user-counts.ts';
export type * from './workspaces.ts';
