import type { Insertable, Selectable } from 'kysely';

export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: string;
}

export type WorkspaceRow = Selectable<WorkspacesTable>;
export type NewWorkspaceRow = Insertable<WorkspacesTable>;
