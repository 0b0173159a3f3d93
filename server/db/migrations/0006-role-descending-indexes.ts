import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * Sorting by role descending keeps the name ascending within each role, an order that 0005's
 * role indexes can serve only ascending (read backwards they give the names descending too), so
 * SQLite sorted the whole tab. These serve the descending order in one forward read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('users_live_by_role_desc')
    .on('users')
    .columns(['workspace_id', 'status', 'role desc', 'sort_name', 'email_normalized'])
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('users_deleted_by_role_desc')
    .on('users')
    .columns(['workspace_id', 'role desc', 'sort_name', 'email_normalized'])
    .where(sql.ref('deleted_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_live_by_role_desc').execute();
  await db.schema.dropIndex('users_deleted_by_role_desc').execute();
}
