import { type DB, dialectOf } from './database.ts';

/** PostgreSQL's codes for a transaction it aborted so that another could go on: safe to run again. */
const RETRYABLE_CODES = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const MAX_ATTEMPTS = 5;

const isRetryable = (error: unknown) => RETRYABLE_CODES.has(String((error as { code?: unknown } | null)?.code));

/**
 * Runs `work` in one transaction. PostgreSQL may abort a transaction that deadlocked with another
 * (two servers touching the same rows in a different order): the whole of `work` then runs again
 * on a fresh transaction, so `work` must do nothing but database work (and build values it returns).
 * SQLite never needs this: BEGIN IMMEDIATE lets one writer in at a time.
 */
export async function inTransaction<T>(db: DB, work: (trx: DB) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
    }
  }
}

/**
 * Runs a write of one workspace in a transaction that holds that workspace's write lock, so the
 * guards `work` checks (the caller is still an active admin, the last active admin stays, an email
 * is not taken, the resend cooldown has passed) still hold when it commits.
 *
 * Why a lock on the workspace row and not SERIALIZABLE or locks on the users being changed: these
 * guards read rows that `work` does not change, or that do not exist yet (the user another
 * server is inviting with the same email at this moment). Row locks on the changed users cannot
 * cover those; locking every admin row as well covers the admin guards but not the invite.
 * SERIALIZABLE covers all of it but aborts the loser, and every write would have to be safe to
 * replay. One lock per workspace is what SQLite's BEGIN IMMEDIATE already gives, narrowed to a
 * workspace: writes of one workspace take turns across all servers (admins make them by hand, so
 * the turns are short and few), reads never wait, other workspaces write in parallel, and under
 * READ COMMITTED every statement after the lock sees what the previous holder committed.
 *
 * `FOR NO KEY UPDATE`, not `FOR UPDATE`: inserting a row that references the workspace (a session
 * at sign-in, an audit entry) takes a KEY SHARE lock on it, which this one does not block.
 * On SQLite the transaction already holds the database's write lock and there is nothing to add.
 */
export async function inWorkspaceWrite<T>(db: DB, workspaceId: string, work: (trx: DB) => Promise<T>): Promise<T> {
  return inTransaction(db, async (trx) => {
    if (dialectOf(trx) === 'postgres') {
      await trx.selectFrom('workspaces').select('id').where('id', '=', workspaceId).forNoKeyUpdate().execute();
    }
    return work(trx);
  });
}
