import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * The KPIs, tab counts and the last-admin guard read a row per workspace instead of counting its
 * users. Triggers keep the row in the same transaction as every write to `users` (invite, accept,
 * edit, delete, restore, purge, retention purge, bulk import), so it can never drift from a count.
 * The admin counts per tab also give the role filter's totals.
 */
const COUNTED: Record<string, (row: string) => string> = {
  active: (row) => `${row}.deleted_at is null and ${row}.status = 'active'`,
  pending: (row) => `${row}.deleted_at is null and ${row}.status = 'pending'`,
  deleted: (row) => `${row}.deleted_at is not null`,
  active_admins: (row) => `${row}.deleted_at is null and ${row}.status = 'active' and ${row}.role = 'admin'`,
  pending_admins: (row) => `${row}.deleted_at is null and ${row}.status = 'pending' and ${row}.role = 'admin'`,
  deleted_admins: (row) => `${row}.deleted_at is not null and ${row}.role = 'admin'`,
};
const COLUMNS = Object.keys(COUNTED);

/** 1 when `row` counts in `column`, else 0. */
const indicator = (column: string, row: string) => `case when ${COUNTED[column]!(row)} then 1 else 0 end`;

export async function up(db: Kysely<unknown>): Promise<void> {
  let table = db.schema
    .createTable('workspace_user_counts')
    .addColumn('workspace_id', 'text', (col) => col.primaryKey().references('workspaces.id').onDelete('cascade'));
  for (const column of COLUMNS) table = table.addColumn(column, 'integer', (col) => col.notNull().defaultTo(0));
  await table.execute();

  if (dialectOf(db) === 'postgres') await createPostgresTriggers(db);
  else await createSqliteTriggers(db);

  // Backfill after the triggers exist, in one statement: a write that lands before it is in its
  // count (the trigger had no row to update yet), a write after it goes through the trigger. On
  // PostgreSQL, creating the triggers locks `users` against writes until the migration commits.
  const sums = COLUMNS.map((column) => `coalesce(sum(${indicator(column, 'u')}), 0)`);
  await sql
    .raw(
      `insert into workspace_user_counts (workspace_id, ${COLUMNS.join(', ')})
       select w.id, ${sums.join(', ')} from workspaces w left join users u on u.workspace_id = w.id group by w.id`,
    )
    .execute(db);
}

/** SQLite: row triggers; `sign` is '+' for a row that arrives in a workspace, '-' for one that leaves. */
async function createSqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const apply = (row: 'new' | 'old', sign: '+' | '-') =>
    `update workspace_user_counts set ${COLUMNS.map((column) => `${column} = ${column} ${sign} ${indicator(column, row)}`).join(', ')}
     where workspace_id = ${row}.workspace_id;`;
  await sql
    .raw(`create trigger workspace_user_counts_start after insert on workspaces begin
      insert into workspace_user_counts (workspace_id) values (new.id);
    end`)
    .execute(db);
  await sql.raw(`create trigger users_counts_insert after insert on users begin ${apply('new', '+')} end`).execute(db);
  await sql.raw(`create trigger users_counts_delete after delete on users begin ${apply('old', '-')} end`).execute(db);
  await sql
    .raw(`create trigger users_counts_update after update of workspace_id, status, role, deleted_at on users
      when old.workspace_id is not new.workspace_id or old.status is not new.status or old.role is not new.role
        or (old.deleted_at is null) <> (new.deleted_at is null)
      begin ${apply('old', '-')} ${apply('new', '+')} end`)
    .execute(db);
}

/**
 * PostgreSQL: statement triggers over the transition tables, so a bulk insert or a purge updates
 * each workspace's row once per statement, not once per user. Workspaces are updated in id order:
 * two purges across several workspaces then lock their rows in the same order and cannot deadlock.
 */
async function createPostgresTriggers(db: Kysely<unknown>): Promise<void> {
  const changes = (sources: { table: string; sign: 1 | -1 }[]) =>
    sources
      .map(({ table, sign }) => `select r.workspace_id, ${COLUMNS.map((column) => `${sign} * ${indicator(column, 'r')} as ${column}`).join(', ')} from ${table} r`)
      .join(' union all ');
  const applyFunction = (name: string, sources: { table: string; sign: 1 | -1 }[]) => `
    create function ${name}() returns trigger language plpgsql as $$
    declare delta record;
    begin
      for delta in
        select workspace_id, ${COLUMNS.map((column) => `sum(${column}) as ${column}`).join(', ')}
        from (${changes(sources)}) changes
        group by workspace_id
        having ${COLUMNS.map((column) => `sum(${column}) <> 0`).join(' or ')}
        order by workspace_id
      loop
        update workspace_user_counts
        set ${COLUMNS.map((column) => `${column} = ${column} + delta.${column}`).join(', ')}
        where workspace_id = delta.workspace_id;
      end loop;
      return null;
    end $$`;
  await sql.raw(applyFunction('users_counts_after_insert', [{ table: 'new_rows', sign: 1 }])).execute(db);
  await sql.raw(applyFunction('users_counts_after_delete', [{ table: 'old_rows', sign: -1 }])).execute(db);
  await sql
    .raw(applyFunction('users_counts_after_update', [{ table: 'new_rows', sign: 1 }, { table: 'old_rows', sign: -1 }]))
    .execute(db);
  await sql
    .raw(`create trigger users_counts_insert after insert on users referencing new table as new_rows
      for each statement execute function users_counts_after_insert()`)
    .execute(db);
  await sql
    .raw(`create trigger users_counts_delete after delete on users referencing old table as old_rows
      for each statement execute function users_counts_after_delete()`)
    .execute(db);
  await sql
    .raw(`create trigger users_counts_update after update on users referencing old table as old_rows new table as new_rows
      for each statement execute function users_counts_after_update()`)
    .execute(db);
  await sql
    .raw(`create function workspace_user_counts_start() returns trigger language plpgsql as $$
    begin
      insert into workspace_user_counts (workspace_id) values (new.id);
      return null;
    end $$`)
    .execute(db);
  await sql
    .raw(`create trigger workspace_user_counts_start after insert on workspaces
      for each row execute function workspace_user_counts_start()`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  for (const [trigger, table] of [
    ['users_counts_insert', 'users'],
    ['users_counts_delete', 'users'],
    ['users_counts_update', 'users'],
    ['workspace_user_counts_start', 'workspaces'],
  ] as const) {
    await sql.raw(postgres ? `drop trigger ${trigger} on ${table}` : `drop trigger ${trigger}`).execute(db);
  }
  if (postgres) {
    for (const name of ['users_counts_after_insert', 'users_counts_after_delete', 'users_counts_after_update', 'workspace_user_counts_start']) {
      await sql.raw(`drop function ${name}()`).execute(db);
    }
  }
  await db.schema.dropTable('workspace_user_counts').execute();
}
