import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * Each invitation keeps the language of the admin who sent it (`en` or `de`), so that its email
 * and the accept page speak it. Links issued before this speak English, as they did.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('invitations')
    .addColumn('language', 'text', (col) => col.notNull().defaultTo('en').check(sql`language in ('en', 'de')`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('invitations').dropColumn('language').execute();
}
