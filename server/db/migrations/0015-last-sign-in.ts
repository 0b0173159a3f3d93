import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * When each user last signed in (`last_signed_in_at`, null: never since this column exists), and
 * the indexes that sort by it like 0009 sorts by onboarding: one for the live tabs led by the
 * status, one for Recently deleted, each ending with the email that breaks ties. The live index
 * also serves the filter "not signed in for N days" on the Active tab: the NULLs and the dates
 * before the cutoff are its first entries. PostgreSQL writes the column `nulls first`, which is
 * SQLite's own order of NULLs (see 0009).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('last_signed_in_at', 'text').execute();
  const signedInAt = dialectOf(db) === 'postgres' ? sql`${sql.ref('last_signed_in_at')} nulls first` : sql.ref('last_signed_in_at');
  await db.schema
    .createIndex('users_live_by_signed_in')
    .on('users')
    .columns([sql.ref('workspace_id'), sql.ref('status'), signedInAt, sql.ref('email_normalized')])
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('users_deleted_by_signed_in')
    .on('users')
    .columns([sql.ref('workspace_id'), signedInAt, sql.ref('email_normalized')])
    .where(sql.ref('deleted_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_live_by_signed_in').execute();
  await db.schema.dropIndex('users_deleted_by_signed_in').execute();
  await db.schema.alterTable('users').dropColumn('last_signed_in_at').execute();
}
