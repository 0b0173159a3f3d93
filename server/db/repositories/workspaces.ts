import type { Kysely } from 'kysely';
import type { Database, WorkspaceRow } from '../schema/index.ts';

type Db = Kysely<Database>;

export async function findWorkspaceById(db: Db, id: string): Promise<WorkspaceRow | undefined> {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every workspace of exactly this name, oldest first: names are not unique. */
export async function findWorkspacesByName(db: Db, name: string): Promise<WorkspaceRow[]> {
  return db.selectFrom('workspaces').selectAll().where('name', '=', name).orderBy('created_at').orderBy('id').execute();
}

export async function insertWorkspace(db: Db, row: WorkspaceRow): Promise<void> {
  await db.insertInto('workspaces').values(row).execute();
}
