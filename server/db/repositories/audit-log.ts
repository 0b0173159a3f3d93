import type { Kysely } from 'kysely';
import { insertMany } from '../bulk-insert.ts';
import type { AuditRow, Database, NewAuditRow } from '../schema/index.ts';

type Db = Kysely<Database>;

export async function insertAuditEntries(db: Db, rows: readonly NewAuditRow[]): Promise<void> {
  await insertMany(db, 'audit_log', rows);
}

export async function listAuditEntries(
  db: Db,
  workspaceId: string,
  filter: { targetId?: string | undefined; offset: number; limit: number },
): Promise<{ rows: AuditRow[]; total: number }> {
  let base = db.selectFrom('audit_log').where('workspace_id', '=', workspaceId);
  if (filter.targetId) base = base.where('target_id', '=', filter.targetId);
  const { count } = await base.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  return { rows, total: Number(count) };
}
