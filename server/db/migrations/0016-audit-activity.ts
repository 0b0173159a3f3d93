import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * The Activity view and a user's history read the audit log newest first, a page at a time after
 * a (time, id) cursor, filtered by one of target, actor, action or target email. Each filter gets
 * an index led by the workspace and that column and ending in (created_at, id), so that every
 * page is read in order from its index, whatever the log's size; a date range is a range of the
 * same index. They replace 0001's (workspace_id, created_at) and (workspace_id, target_id).
 *
 * The target's email is kept normalized as the users' is (`email_normalized`), so that a search
 * by address finds it in any case. Existing entries take it from their user where one still
 * exists, else from the email as written in the entry, lower-cased.
 */
const INDEXES = {
  audit_log_by_time: [],
  audit_log_by_target: ['target_id'],
  audit_log_by_actor: ['actor_id'],
  audit_log_by_action: ['action'],
  audit_log_by_target_email: ['target_email_normalized'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('target_email_normalized', 'text').execute();
  await sql`update audit_log set target_email_normalized = coalesce(
      (select u.email_normalized from users u where u.id = audit_log.target_id),
      lower(audit_log.target_email))
    where target_email is not null`.execute(db);
  for (const [name, columns] of Object.entries(INDEXES)) {
    await db.schema
      .createIndex(name)
      .on('audit_log')
      .columns(['workspace_id', ...columns, 'created_at', 'id'])
      .execute();
  }
  await db.schema.dropIndex('audit_log_workspace_time').execute();
  await db.schema.dropIndex('audit_log_target').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('audit_log_workspace_time').on('audit_log').columns(['workspace_id', 'created_at']).execute();
  await db.schema.createIndex('audit_log_target').on('audit_log').columns(['workspace_id', 'target_id']).execute();
  for (const name of Object.keys(INDEXES)) await db.schema.dropIndex(name).execute();
  await db.schema.alterTable('audit_log').dropColumn('target_email_normalized').execute();
}
