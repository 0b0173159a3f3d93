import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * The free-text columns lists are ordered by. Times (ISO 8601 in UTC) and ids (UUIDs) have one
 * fixed shape of digits, lower-case letters and fixed punctuation, which every locale orders as
 * bytes; the role is `admin` or `user`.
 */
const ORDERED_COLUMNS = { users: ['sort_name', 'email_normalized'] } as const;

/**
 * PostgreSQL orders text by the database's locale: ICU's en-US puts `a_b@…` before `a-b@…`,
 * glibc's en_US skips spaces and hyphens, so `anna berg` would follow `annabel`. SQLite compares
 * bytes. The "C" collation makes PostgreSQL compare bytes too, so every list pages in the same
 * order on both, whatever locale the database was created with. Nothing to do on SQLite.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  for (const [table, columns] of Object.entries(ORDERED_COLUMNS)) {
    const alterations = columns.map((column) => sql`alter column ${sql.ref(column)} type text collate "C"`);
    await sql`alter table ${sql.table(table)} ${sql.join(alterations)}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  for (const [table, columns] of Object.entries(ORDERED_COLUMNS)) {
    const alterations = columns.map((column) => sql`alter column ${sql.ref(column)} type text collate "default"`);
    await sql`alter table ${sql.table(table)} ${sql.join(alterations)}`.execute(db);
  }
}
