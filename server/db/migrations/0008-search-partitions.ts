import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { dialectOf } from '../dialect.ts';
import * as searchIndex from './0003-search-index.ts';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * SQLite: the search index's rowid says where its user counts, so that a search's total is a
 * range of the FTS5 doclists and never reads `users` (0003 keyed it by the user's rowid alone:
 * a total had to look up every match's row to learn its workspace and tab, 190 ms for "mar" at
 * a million users).
 *
 *   search key = workspace's rowid << 41 | tab << 39 | user's rowid << 1 | 1 if an admin
 *
 * A workspace's tab is one rowid range, which FTS5 seeks to within each doclist (`rowid between`);
 * the role is the lowest bit, read from the rowid without a row. The role is not beside the tab
 * (which would make a role one range too): an import of users and admins would then write its
 * keys out of order, and FTS5 writes a segment each time a key goes down. Room: 2^22 workspaces
 * and 2^38 users ever inserted; the insert trigger refuses a row beyond that instead of mixing
 * keys. Rowids are implicit (text primary keys), which VACUUM and the backup API keep; a test
 * checks that searching still answers after VACUUM.
 *
 * The index reads its content through a view computing the key, ordered by it, so FTS5's
 * `rebuild` (here, and after the bench's bulk load) writes keys in order. Triggers keep the index
 * in the writer's transaction as before, now also when a user changes tab (delete, restore,
 * accept) or role: the old key is deleted and the new one inserted. A workspace's users leave
 * before the workspace does, so their keys can still be worked out (in a cascade the workspace's
 * row would be gone already).
 *
 * A search's page is mostly read by walking the tab in list order and trying each user's search
 * text. The live tabs' index by name (0005's, the default order) now ends with `search_text`, so
 * that walk tries index entries without reading rows: "mar" at a million users walks some 4,300
 * entries for its first 25 matches, 0.7 ms instead of 22 ms (about 40 MB more index).
 *
 * PostgreSQL keeps 0003's pg_trgm index and 0005's indexes: nothing to do.
 */
export const SEARCH_KEY = {
  workspaceShift: 41,
  tabShift: 39,
  userShift: 1,
  userBits: 38,
  workspaceBits: 22,
  tabs: { active: 0, pending: 1, deleted: 2 },
} as const;

const tabOf = (row: string) =>
  `(case when ${row}.deleted_at is not null then ${SEARCH_KEY.tabs.deleted} when ${row}.status = 'pending' then ${SEARCH_KEY.tabs.pending} else ${SEARCH_KEY.tabs.active} end)`;
const workspaceRowid = (row: string) => `(select w.rowid from workspaces w where w.id = ${row}.workspace_id)`;
/** SQLite's `<<` and `|` bind alike, left to right: every shift is in parentheses of its own. */
const searchKey = (row: string) =>
  `((${workspaceRowid(row)} << ${SEARCH_KEY.workspaceShift}) | (${tabOf(row)} << ${SEARCH_KEY.tabShift})` +
  ` | (${row}.rowid << ${SEARCH_KEY.userShift}) | (${row}.role = 'admin'))`;
const deleteEntry = (row: string) =>
  `insert into users_search (users_search, rowid, search_text) values ('delete', ${searchKey(row)}, ${row}.search_text);`;
const insertEntry = (row: string) => `insert into users_search (rowid, search_text) values (${searchKey(row)}, ${row}.search_text);`;

const TRIGGERS = ['users_search_insert', 'users_search_delete', 'users_search_update', 'workspaces_users_leave_first'];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') return;
  for (const trigger of ['users_search_insert', 'users_search_delete', 'users_search_update']) {
    await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  }
  await sql`drop table users_search`.execute(db);
  await sql.raw(`create view users_search_rows as select ${searchKey('u')} as search_key, u.search_text from users u order by search_key`).execute(db);
  await sql`
    create virtual table users_search using fts5(
      search_text, content = 'users_search_rows', content_rowid = 'search_key', tokenize = 'trigram case_sensitive 1'
    )`.execute(db);
  await sql
    .raw(`create trigger users_search_insert after insert on users begin
      select raise(abort, 'users_search: the user or workspace number is beyond the search key')
      where new.rowid >= ${2 ** SEARCH_KEY.userBits} or ${workspaceRowid('new')} >= ${2 ** SEARCH_KEY.workspaceBits};
      ${insertEntry('new')}
    end`)
    .execute(db);
  await sql.raw(`create trigger users_search_delete after delete on users begin ${deleteEntry('old')} end`).execute(db);
  await sql
    .raw(`create trigger users_search_update after update of search_text, workspace_id, status, deleted_at, role on users
      when old.search_text is not new.search_text or old.workspace_id is not new.workspace_id
        or ${tabOf('old')} <> ${tabOf('new')} or old.role is not new.role
      begin ${deleteEntry('old')} ${insertEntry('new')} end`)
    .execute(db);
  await sql`
    create trigger workspaces_users_leave_first before delete on workspaces begin
      delete from users where workspace_id = old.id;
    end`.execute(db);
  await sql`insert into users_search (users_search) values ('rebuild')`.execute(db);
  await replaceLiveByName(db, ['workspace_id', 'status', 'sort_name', 'email_normalized', 'search_text']);
}

async function replaceLiveByName(db: Kysely<unknown>, columns: string[]): Promise<void> {
  await db.schema.dropIndex('users_live_by_name').execute();
  await db.schema.createIndex('users_live_by_name').on('users').columns(columns).where(sql.ref('deleted_at'), 'is', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') return;
  for (const trigger of TRIGGERS) await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  await sql`drop table users_search`.execute(db);
  await sql`drop view users_search_rows`.execute(db);
  await searchIndex.up(db);
  await replaceLiveByName(db, ['workspace_id', 'status', 'sort_name', 'email_normalized']);
}
