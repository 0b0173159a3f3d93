import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { DB } from '../db/database.ts';

/**
 * Every workspace's counters (migration 0004) against a real count of its users: the counters
 * are only worth reading if no write path can make them drift.
 */
export async function assertCountsReconcile(db: DB, step: string): Promise<void> {
  const { rows: counted } = await sql<Record<string, unknown>>`
    select w.id as workspace_id,
      count(case when u.deleted_at is null and u.status = 'active' then 1 end) as active,
      count(case when u.deleted_at is null and u.status = 'pending' then 1 end) as pending,
      count(case when u.deleted_at is not null then 1 end) as deleted,
      count(case when u.deleted_at is null and u.status = 'active' and u.role = 'admin' then 1 end) as active_admins,
      count(case when u.deleted_at is null and u.status = 'pending' and u.role = 'admin' then 1 end) as pending_admins,
      count(case when u.deleted_at is not null and u.role = 'admin' then 1 end) as deleted_admins
    from workspaces w left join users u on u.workspace_id = w.id
    group by w.id order by w.id`.execute(db);
  // The counts only: the revisions beside them (migration 0010) have no count to compare with.
  const kept = await db
    .selectFrom('workspace_user_counts')
    .select(['workspace_id', 'active', 'pending', 'deleted', 'active_admins', 'pending_admins', 'deleted_admins'])
    .orderBy('workspace_id')
    .execute();
  const numbers = (row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, key === 'workspace_id' ? value : Number(value)]));
  assert.deepEqual(kept.map(numbers), counted.map(numbers), `counters after ${step}`);
}
