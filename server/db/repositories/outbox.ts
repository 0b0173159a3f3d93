import type { Kysely } from 'kysely';
import { insertMany } from '../bulk-insert.ts';
import type { Database, NewOutboxRow, OutboxRow } from '../schema/index.ts';

type Db = Kysely<Database>;

export async function insertOutboxMessage(db: Db, row: NewOutboxRow): Promise<void> {
  await db.insertInto('outbox').values(row).execute();
}

export async function findDueOutboxMessages(db: Db, nowIso: string, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('delivered_at', 'is', null)
    .where('dropped_at', 'is', null)
    .where('next_attempt_at', '<=', nowIso)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
}

/** Claims a message for delivery by this server; false when another server holds it. */
export async function claimOutboxMessage(db: Db, id: string, nowIso: string, lockedUntilIso: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ locked_until: lockedUntilIso })
    .where('id', '=', id)
    .where('delivered_at', 'is', null)
    .where('dropped_at', 'is', null)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateOutboxMessage(db: Db, id: string, patch: Partial<OutboxRow>): Promise<void> {
  await db.updateTable('outbox').set(patch).where('id', '=', id).execute();
}

export async function insertOutboxMessages(db: Db, rows: readonly NewOutboxRow[]): Promise<void> {
  await insertMany(db, 'outbox', rows);
}
