import type { AuditAction } from '../../shared/constants.ts';
import type { AuditEntry } from '../../shared/schemas.ts';
import { listAuditEntries } from '../db/repositories/audit-log.ts';
import type { NewAuditRow } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { newSortableId } from '../tokens.ts';
import type { Caller } from './actor.ts';
import { toApiAuditEntry } from './mappers.ts';

/** One audit entry; `actor` null is the system. A bulk write passes ids drawn at once (`newSortableIds`). */
export function auditEntry(
  workspaceId: string,
  actor: Pick<Caller, 'id' | 'email'> | null,
  action: AuditAction,
  target: { id: string; email: string } | null,
  nowIso: string,
  details?: Record<string, unknown>,
  id: string = newSortableId(),
): NewAuditRow {
  return {
    id,
    workspace_id: workspaceId,
    actor_id: actor?.id ?? null,
    actor_email: actor?.email ?? null,
    action,
    target_id: target?.id ?? null,
    target_email: target?.email ?? null,
    details: details ? JSON.stringify(details) : null,
    created_at: nowIso,
  };
}

export async function listAudit(
  deps: Deps,
  caller: Caller,
  filter: { targetId?: string | undefined; offset: number; limit: number },
): Promise<{ items: AuditEntry[]; total: number }> {
  const { rows, total } = await listAuditEntries(deps.db, caller.workspaceId, filter);
  return { items: rows.map(toApiAuditEntry), total };
}
