import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * PostgreSQL: 0003's one trigram index (GIN, pg_trgm) over every user becomes one per tab, each
 * partial on its tab's condition, so that a search of a tab collects only that tab's candidates.
 * A search reads each candidate's row to recheck its pattern (GIN names candidates only): with one
 * index over all tabs, the other tabs' candidates were read and thrown away too. "zoe" on the
 * Active tab at a million users: 13,158 candidates in 13,144 heap blocks, 5,264 of them pending
 * or deleted; now 7,894 candidates, each a match. "ller": 44,764 candidates, now 29,093.
 *
 * The three indexes hold what the one did (each user is in one tab): a little more room, since
 * each has its own entry per trigram (72 MB against 56 MB at a million users, built in about
 * 11 s), and a write costs the same: a change of tab (accept, delete, restore) already inserted
 * new entries, since `status` and `deleted_at` are in other indexes (no HOT update); measured,
 * an insert, a delete and a purge took as long with either layout. The queries' conditions (`whereTab`) are the indexes' predicates, with the
 * tab's status bound as a parameter: a statement is planned with its parameters (node-postgres'
 * unnamed statements), so the planner proves the predicate. SQLite: nothing to do (its FTS5
 * index's keys carry the tab since 0008).
 */
const TABS = [
  { index: 'users_active_search_trigram', where: sql`deleted_at is null and status = 'active'` },
  { index: 'users_pending_search_trigram', where: sql`deleted_at is null and status = 'pending'` },
  { index: 'users_deleted_search_trigram', where: sql`deleted_at is not null` },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  for (const { index, where } of TABS) {
    await sql`create index ${sql.id(index)} on users using gin (search_text gin_trgm_ops) where ${where}`.execute(db);
  }
  await sql`drop index users_search_trigram`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  await sql`create index users_search_trigram on users using gin (search_text gin_trgm_ops)`.execute(db);
  for (const { index } of TABS) await sql`drop index ${sql.id(index)}`.execute(db);
}
