import { type Kysely, sql } from 'kysely';
import type { AuditAction } from '../../../shared/constants.ts';
import { insertMany } from '../bulk-insert.ts';
import { dialectOf } from '../dialect.ts';
import type { AuditRow, Database, NewAuditRow } from '../schema/index.ts';

type Db = Kysely<Database>;

export async function insertAuditEntries(db: Db, rows: readonly NewAuditRow[]): Promise<void> {
  await insertMany(db, 'audit_log', rows);
}

export interface AuditFilter {
  action?: AuditAction | undefined;
  actorId?: string | undefined;
  targetId?: string | undefined;
  /** Normalized as `target_email_normalized` is. */
  targetEmailNormalized?: string | undefined;
  /** Inclusive. */
  from?: string | undefined;
  /** Exclusive. */
  to?: string | undefined;
  /** The entries older than this one (keyset paging). */
  before?: { createdAt: string; id: string } | undefined;
  limit: number;
}

/** An entry with the current names of its actor and target: null where that user is gone (purged). */
export type AuditViewRow = AuditRow & {
  actor_first_name: string | null;
  actor_last_name: string | null;
  target_first_name: string | null;
  target_last_name: string | null;
};

/**
 * The index a filter reads (migration 0016): the most selective equality given, else the time.
 * SQLite is told (`INDEXED BY`): without statistics it weighs a two-sided time range (a date range
 * and a cursor) above an equality and read the whole range of the log through the index by time,
 * skipping every entry of other actions or actors. PostgreSQL plans from its statistics.
 */
function auditIndexFor(filter: Omit<AuditFilter, 'before' | 'limit'>): string {
  if (filter.targetId) return 'audit_log_by_target';
  if (filter.targetEmailNormalized) return 'audit_log_by_target_email';
  if (filter.actorId) return 'audit_log_by_actor';
  if (filter.action) return 'audit_log_by_action';
  return 'audit_log_by_time';
}

/** The workspace's entries that match the filter (the cursor aside). */
function matching(db: Db, workspaceId: string, filter: Omit<AuditFilter, 'before' | 'limit'>) {
  let query =
    dialectOf(db) === 'sqlite'
      ? db.selectFrom(sql<Database['audit_log']>`${sql.table('audit_log')}`.as<'a'>(sql`a indexed by ${sql.id(auditIndexFor(filter))}`))
      : db.selectFrom('audit_log as a');
  query = query.where('a.workspace_id', '=', workspaceId);
  if (filter.targetId) query = query.where('a.target_id', '=', filter.targetId);
  if (filter.actorId) query = query.where('a.actor_id', '=', filter.actorId);
  if (filter.action) query = query.where('a.action', '=', filter.action);
  if (filter.targetEmailNormalized) query = query.where('a.target_email_normalized', '=', filter.targetEmailNormalized);
  if (filter.from) query = query.where('a.created_at', '>=', filter.from);
  if (filter.to) query = query.where('a.created_at', '<', filter.to);
  return query;
}

/**
 * Entries newest first, `limit` of them, each filter one more equality before the (created_at, id)
 * order: migration 0016 has an index per filter ending in that order, so a page reads `limit`
 * index entries from its cursor on, however long the log. The names come from the users still
 * there, one primary-key read per entry of the page.
 */
export async function listAuditEntries(db: Db, workspaceId: string, filter: AuditFilter): Promise<AuditViewRow[]> {
  let query = matching(db, workspaceId, filter)
    .leftJoin('users as actor', (join) => join.onRef('actor.id', '=', 'a.actor_id').onRef('actor.workspace_id', '=', 'a.workspace_id'))
    .leftJoin('users as target', (join) => join.onRef('target.id', '=', 'a.target_id').onRef('target.workspace_id', '=', 'a.workspace_id'));
  const { before } = filter;
  if (before) {
    // A row value: both dialects read it as one range of the index's (created_at, id), starting at the cursor.
    query = query.where((eb) => eb(eb.refTuple('a.created_at', 'a.id'), '<', eb.tuple(before.createdAt, before.id)));
  }
  return query
    .selectAll('a')
    .select([
      'actor.first_name as actor_first_name',
      'actor.last_name as actor_last_name',
      'target.first_name as target_first_name',
      'target.last_name as target_last_name',
    ])
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(filter.limit)
    .execute();
}

/**
 * How many entries match, counting no further than `cap` + 1 (the filter's index entries up to
 * there, not the whole log); without a cap, all of them (an export's audit entry says how many).
 */
export async function countAuditEntries(db: Db, workspaceId: string, filter: Omit<AuditFilter, 'before' | 'limit'>, cap?: number): Promise<number> {
  const entries = matching(db, workspaceId, filter).select('a.id');
  const { count } = await db
    .selectFrom((cap === undefined ? entries : entries.limit(cap + 1)).as('m'))
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}
