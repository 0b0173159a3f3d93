import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * PostgreSQL: the live tabs' index by name (0005's, the default order) carries the id and the
 * search text (`INCLUDE`), so that what SQLite got with 0008 holds here too: a page by offset
 * skips index entries without reading their rows (a deep page read 325,025 rows at a million
 * users), and a search's page walks the names trying each entry's search text without reading
 * its row. Both are index-only scans, which need the table's visibility map: autovacuum keeps it,
 * and after a bulk load `VACUUM ANALYZE users` does (README, PostgreSQL). About 60 MB more index
 * at a million users. SQLite: nothing to do (its index has the search text since 0008, and a row
 * is found by rowid).
 */
const KEY = sql`workspace_id, status, sort_name, email_normalized`;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  await sql`drop index users_live_by_name`.execute(db);
  await sql`create index users_live_by_name on users (${KEY}) include (id, search_text) where deleted_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  await sql`drop index users_live_by_name`.execute(db);
  await sql`create index users_live_by_name on users (${KEY}) where deleted_at is null`.execute(db);
}
