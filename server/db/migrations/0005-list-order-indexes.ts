import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * An index per sort of each tab, so that a page is read in order from an index (the first page
 * reads its rows and stops; a deep page skips index entries, not rows) instead of sorting the tab.
 * The live tabs (active, pending) share indexes on `deleted_at is null` led by the status;
 * Recently deleted has its own on `deleted_at is not null`. Each ends with the email, which is
 * unique in a workspace and so breaks every tie. Partial indexes work alike on both dialects.
 * They replace 0001's (workspace_id, deleted_at, status, sort_name).
 */
const LIVE = {
  users_live_by_name: ['sort_name', 'email_normalized'],
  users_live_by_email: ['email_normalized'],
  users_live_by_role: ['role', 'sort_name', 'email_normalized'],
  users_live_by_invited: ['invited_at', 'email_normalized'],
};
const DELETED = {
  users_deleted_by_name: ['sort_name', 'email_normalized'],
  users_deleted_by_email: ['email_normalized'],
  users_deleted_by_role: ['role', 'sort_name', 'email_normalized'],
  users_deleted_by_invited: ['invited_at', 'email_normalized'],
  users_deleted_by_deleted: ['deleted_at', 'email_normalized'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, columns] of Object.entries(LIVE)) {
    await db.schema
      .createIndex(name)
      .on('users')
      .columns(['workspace_id', 'status', ...columns])
      .where(sql.ref('deleted_at'), 'is', null)
      .execute();
  }
  for (const [name, columns] of Object.entries(DELETED)) {
    await db.schema
      .createIndex(name)
      .on('users')
      .columns(['workspace_id', ...columns])
      .where(sql.ref('deleted_at'), 'is not', null)
      .execute();
  }
  await db.schema.dropIndex('users_workspace_state_name').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('users_workspace_state_name')
    .on('users')
    .columns(['workspace_id', 'deleted_at', 'status', 'sort_name'])
    .execute();
  for (const name of [...Object.keys(LIVE), ...Object.keys(DELETED)]) await db.schema.dropIndex(name).execute();
}
