import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * A revision per workspace for the live change feed: every write to `users` (invite, accept, edit,
 * resend, delete, restore, purge, retention purge, bulk import) raises it in its own transaction,
 * through the triggers that already keep the counters row of migration 0004, so it can never
 * announce a write that rolled back nor miss one that committed. A resend changes the invitation
 * an admin sees in the Pending tab through `users` too (last sent, send count), so it is covered.
 *
 * Beside it, per tab, the revision at which that tab last changed: a subscriber that last saw
 * revision R reloads exactly the tabs whose revision is above R, after one change or after many
 * missed while it was away.
 *
 * The triggers of 0004 are replaced rather than joined by new ones, so a bulk import still updates
 * the counters row once per user on SQLite (once per statement on PostgreSQL), not twice. The
 * SQLite update trigger now fires on every update of a user, since a name edit changes what an
 * admin sees as well. On PostgreSQL the same statement triggers also `pg_notify` the workspace
 * (channel `panta_workspace_changes`, payload the workspace id), which PostgreSQL delivers on
 * commit only, once per transaction and workspace: the hint that wakes the other servers' feeds.
 */
const TABS = ['active', 'pending', 'deleted'] as const;
const CHANNEL = 'panta_workspace_changes';

/** As in 0004: which users each counter counts. */
const COUNTED: Record<string, (row: string) => string> = {
  active: (row) => `${row}.deleted_at is null and ${row}.status = 'active'`,
  pending: (row) => `${row}.deleted_at is null and ${row}.status = 'pending'`,
  deleted: (row) => `${row}.deleted_at is not null`,
  active_admins: (row) => `${row}.deleted_at is null and ${row}.status = 'active' and ${row}.role = 'admin'`,
  pending_admins: (row) => `${row}.deleted_at is null and ${row}.status = 'pending' and ${row}.role = 'admin'`,
  deleted_admins: (row) => `${row}.deleted_at is not null and ${row}.role = 'admin'`,
};
const COLUMNS = Object.keys(COUNTED);

const indicator = (column: string, row: string) => `case when ${COUNTED[column]!(row)} then 1 else 0 end`;

/** SET clauses that raise the revision and mark the tabs `touched(tab)` says were touched. */
const revisionSets = (touched: (tab: (typeof TABS)[number]) => string) => [
  'revision = revision + 1',
  ...TABS.map((tab) => `${tab}_revision = case when ${touched(tab)} then revision + 1 else ${tab}_revision end`),
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['revision', ...TABS.map((tab) => `${tab}_revision`)]) {
    await db.schema
      .alterTable('workspace_user_counts')
      .addColumn(column, 'bigint', (col) => col.notNull().defaultTo(0))
      .execute();
  }
  if (dialectOf(db) === 'postgres') await replacePostgresFunctions(db, true);
  else await replaceSqliteTriggers(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') await replacePostgresFunctions(db, false);
  else await replaceSqliteTriggers(db, false);
  for (const column of ['revision', ...TABS.map((tab) => `${tab}_revision`)]) {
    await db.schema.alterTable('workspace_user_counts').dropColumn(column).execute();
  }
}

/** SQLite: the row triggers of 0004, with (or, going down, without) the revision. */
async function replaceSqliteTriggers(db: Kysely<unknown>, revision: boolean): Promise<void> {
  const apply = (row: 'new' | 'old', sign: '+' | '-') => {
    const sets = COLUMNS.map((column) => `${column} = ${column} ${sign} ${indicator(column, row)}`);
    if (revision) sets.push(...revisionSets((tab) => COUNTED[tab]!(row)));
    return `update workspace_user_counts set ${sets.join(', ')} where workspace_id = ${row}.workspace_id;`;
  };
  for (const trigger of ['users_counts_insert', 'users_counts_delete', 'users_counts_update']) {
    await sql.raw(`drop trigger ${trigger}`).execute(db);
  }
  await sql.raw(`create trigger users_counts_insert after insert on users begin ${apply('new', '+')} end`).execute(db);
  await sql.raw(`create trigger users_counts_delete after delete on users begin ${apply('old', '-')} end`).execute(db);
  const update = revision
    ? `create trigger users_counts_update after update on users begin ${apply('old', '-')} ${apply('new', '+')} end`
    : `create trigger users_counts_update after update of workspace_id, status, role, deleted_at on users
      when old.workspace_id is not new.workspace_id or old.status is not new.status or old.role is not new.role
        or (old.deleted_at is null) <> (new.deleted_at is null)
      begin ${apply('old', '-')} ${apply('new', '+')} end`;
  await sql.raw(update).execute(db);
}

/** PostgreSQL: the statement triggers' functions of 0004, with (or without) the revision and the notification. */
async function replacePostgresFunctions(db: Kysely<unknown>, revision: boolean): Promise<void> {
  const changes = (sources: { table: string; sign: 1 | -1 }[]) =>
    sources
      .map(
        ({ table, sign }) =>
          `select r.workspace_id, ${[
            ...COLUMNS.map((column) => `${sign} * ${indicator(column, 'r')} as ${column}`),
            ...TABS.map((tab) => `(${COUNTED[tab]!('r')}) as in_${tab}`),
          ].join(', ')} from ${table} r`,
      )
      .join(' union all ');
  const applyFunction = (name: string, sources: { table: string; sign: 1 | -1 }[]) => `
    create or replace function ${name}() returns trigger language plpgsql as $$
    declare delta record;
    begin
      for delta in
        select workspace_id, ${[
          ...COLUMNS.map((column) => `sum(${column}) as ${column}`),
          ...TABS.map((tab) => `bool_or(in_${tab}) as in_${tab}`),
        ].join(', ')}
        from (${changes(sources)}) changes
        group by workspace_id
        ${revision ? '' : `having ${COLUMNS.map((column) => `sum(${column}) <> 0`).join(' or ')}`}
        order by workspace_id
      loop
        update workspace_user_counts
        set ${[
          ...COLUMNS.map((column) => `${column} = ${column} + delta.${column}`),
          ...(revision ? revisionSets((tab) => `delta.in_${tab}`) : []),
        ].join(', ')}
        where workspace_id = delta.workspace_id;
        ${revision ? `perform pg_notify('${CHANNEL}', delta.workspace_id);` : ''}
      end loop;
      return null;
    end $$`;
  await sql.raw(applyFunction('users_counts_after_insert', [{ table: 'new_rows', sign: 1 }])).execute(db);
  await sql.raw(applyFunction('users_counts_after_delete', [{ table: 'old_rows', sign: -1 }])).execute(db);
  await sql
    .raw(applyFunction('users_counts_after_update', [{ table: 'new_rows', sign: 1 }, { table: 'old_rows', sign: -1 }]))
    .execute(db);
}
