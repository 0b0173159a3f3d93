import { AUDIT_COUNT_CAP, type AuditAction } from '../../shared/constants.ts';
import type * as z from 'zod/mini';
import { AUDIT_CURSOR, type AuditList, type listAuditInput } from '../../shared/schemas.ts';
import { type AuditFilter, countAuditEntries, listAuditEntries } from '../db/repositories/audit-log.ts';
import type { NewAuditRow } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { newSortableId } from '../tokens.ts';
import { normalizeEmail } from './email-rule.ts';
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
    target_email_normalized: target ? normalizeEmail(target.email) : null,
    details: details ? JSON.stringify(details) : null,
    created_at: nowIso,
  };
}

/** The filters as `audit.list` and the activity export take them (parsed). */
export type AuditQuery = Omit<z.output<typeof listAuditInput>, 'cursor' | 'limit'>;

/** The repository's filter for a query: the address normalized as the entries keep it. */
export function auditFilterOf(query: AuditQuery): Omit<AuditFilter, 'limit' | 'before'> {
  const { targetEmail, ...rest } = query;
  return { ...rest, targetEmailNormalized: targetEmail ? normalizeEmail(targetEmail) : undefined };
}

export const auditCursorOf = (entry: { created_at: string; id: string }) => `${entry.created_at}~${entry.id}`;

/** A page of the workspace's audit log, newest first, the count of all it matches, and the cursor of the next (older) page. */
export async function listAudit(deps: Deps, caller: Caller, input: z.output<typeof listAuditInput>): Promise<AuditList> {
  const [, createdAt, id] = input.cursor ? (AUDIT_CURSOR.exec(input.cursor) ?? []) : [];
  const before = createdAt && id ? { createdAt, id } : undefined;
  const filter = auditFilterOf(input);
  // One entry more than the page says whether another page follows.
  const rows = await listAuditEntries(deps.db, caller.workspaceId, { ...filter, before, limit: input.limit + 1 });
  const count = await countAuditEntries(deps.db, caller.workspaceId, filter, AUDIT_COUNT_CAP);
  const page = rows.slice(0, input.limit);
  return {
    items: page.map(toApiAuditEntry),
    total: Math.min(count, AUDIT_COUNT_CAP),
    totalCapped: count > AUDIT_COUNT_CAP,
    nextCursor: rows.length > input.limit ? auditCursorOf(page.at(-1)!) : null,
  };
}
