import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * Sorting by when onboarding was completed, served from an index like 0005's other sorts: one for
 * the live tabs led by the status, one for Recently deleted, each ending with the email that
 * breaks ties. Users who have not completed onboarding have no date, which the list counts as
 * earlier than any: SQLite's own order of NULLs. PostgreSQL puts NULLs last in an ascending index,
 * so there the column is written `nulls first`, and the index read backwards gives the descending
 * order with NULLs last, as the list asks (SQLite does not accept `nulls first` in an index).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const onboardedAt = dialectOf(db) === 'postgres' ? sql`${sql.ref('onboarded_at')} nulls first` : sql.ref('onboarded_at');
  await db.schema
    .createIndex('users_live_by_onboarded')
    .on('users')
    .columns([sql.ref('workspace_id'), sql.ref('status'), onboardedAt, sql.ref('email_normalized')])
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('users_deleted_by_onboarded')
    .on('users')
    .columns([sql.ref('workspace_id'), onboardedAt, sql.ref('email_normalized')])
    .where(sql.ref('deleted_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_live_by_onboarded').execute();
  await db.schema.dropIndex('users_deleted_by_onboarded').execute();
}
