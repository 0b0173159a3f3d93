import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import { deleteUsersPastRetention } from '../db/repositories/users.ts';
import { inTransaction } from '../db/transactions.ts';
import type { Deps } from '../deps.ts';
import { auditEntry } from '../services/audit.ts';

/**
 * Permanently deletes every user whose retention has run out, with an audit entry each.
 * Idempotent, and safe from two servers at once: the DELETE … RETURNING decides who removed whom,
 * so each purge is recorded exactly once.
 */
export async function purgeExpiredUsers(deps: Pick<Deps, 'db' | 'clock' | 'notifyChanged'>): Promise<number> {
  const nowIso = deps.clock.now().toISOString();
  const purged = await inTransaction(deps.db, async (trx) => {
    const rows = await deleteUsersPastRetention(trx, nowIso);
    await insertAuditEntries(
      trx,
      rows.map((user) => auditEntry(user.workspace_id, null, 'user.purged_by_retention', user, nowIso)),
    );
    return rows;
  });
  for (const workspaceId of new Set(purged.map((user) => user.workspace_id))) deps.notifyChanged(workspaceId);
  return purged.length;
}
