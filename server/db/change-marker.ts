import { sql } from 'kysely';
import type { DB } from './database.ts';
import { dialectOf } from './dialect.ts';

/**
 * SQLite: a value that differs from its last reading whenever the file may have changed since:
 * `data_version` moves when another connection (another process on the file) commits, and
 * `total_changes()` counts every row this connection wrote, its triggers' included. Read before
 * the data it vouches for, an unchanged value means nothing that data depends on changed in
 * between. One statement that touches no table. PostgreSQL has no such counter: null, "maybe".
 */
export async function readChangeMarker(db: DB): Promise<string | null> {
  if (dialectOf(db) !== 'sqlite') return null;
  const { rows } = await sql<{ version: number; changes: number }>`select (select data_version from pragma_data_version) as version, total_changes() as changes`.execute(db);
  return `${rows[0]!.version}:${rows[0]!.changes}`;
}
