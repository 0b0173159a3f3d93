import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * The Pending tab's filter "Expired invitations" (and "Resend all expired"): a workspace's open
 * links by expiry, naming their users, so that the expired ones are the first entries of the
 * workspace's range and are counted and found without reading the tab. Only open links are kept
 * (a used or revoked link's expiry means nothing any more), which keeps the index as small as the
 * Pending tab.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('invitations_open_by_expiry')
    .on('invitations')
    .columns(['workspace_id', 'expires_at', 'user_id'])
    .where(sql.ref('used_at'), 'is', null)
    .where(sql.ref('revoked_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('invitations_open_by_expiry').execute();
}
