import { type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { type Role, type RoleFilter, SEARCH_COUNT_CAP, type SortDirection, type SortField, type Tab } from '../../../shared/constants.ts';
import { insertMany } from '../bulk-insert.ts';
import { dialectOf } from '../dialect.ts';
import { reusableQuery } from '../reusable-query.ts';
import { SEARCH_KEY } from '../migrations/0008-search-partitions.ts';
import type { Database, NewUserRow, UserRow, UserUpdate } from '../schema/index.ts';

type Db = Kysely<Database>;

/** A user with the people and the open invitation the admin sees beside them. */
export interface UserViewRow extends UserRow {
  inviter_email: string | null;
  inviter_first_name: string | null;
  inviter_last_name: string | null;
  deleter_email: string | null;
  deleter_first_name: string | null;
  deleter_last_name: string | null;
  invitation_expires_at: string | null;
}

function selectUserView(db: Db) {
  return db
    .selectFrom('users as u')
    .leftJoin('users as inviter', 'inviter.id', 'u.invited_by_id')
    .leftJoin('users as deleter', 'deleter.id', 'u.deleted_by_id')
    .leftJoin('invitations as inv', (join) =>
      join.onRef('inv.user_id', '=', 'u.id').on('inv.used_at', 'is', null).on('inv.revoked_at', 'is', null),
    )
    .selectAll('u')
    .select([
      'inviter.email as inviter_email',
      'inviter.first_name as inviter_first_name',
      'inviter.last_name as inviter_last_name',
      'deleter.email as deleter_email',
      'deleter.first_name as deleter_first_name',
      'deleter.last_name as deleter_last_name',
      'inv.expires_at as invitation_expires_at',
    ]);
}

type UserQuery<O> = SelectQueryBuilder<Database & { u: Database['users'] }, 'u', O>;

/** Narrows a query on `users as u` to one tab. */
function whereTab<O>(query: UserQuery<O>, tab: Tab): UserQuery<O> {
  if (tab === 'deleted') return query.where('u.deleted_at', 'is not', null);
  return query.where('u.deleted_at', 'is', null).where('u.status', '=', tab);
}

export async function findUserViewById(db: Db, workspaceId: string, id: string): Promise<UserViewRow | undefined> {
  return selectUserView(db).where('u.workspace_id', '=', workspaceId).where('u.id', '=', id).executeTakeFirst();
}

export async function findUserViewsByIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<UserViewRow[]> {
  if (ids.length === 0) return [];
  return selectUserView(db).where('u.workspace_id', '=', workspaceId).where('u.id', 'in', ids).execute();
}

export async function findUserById(db: Db, workspaceId: string, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function findUsersByIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

export async function findUserByEmail(db: Db, workspaceId: string, emailNormalized: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('email_normalized', '=', emailNormalized)
    .executeTakeFirst();
}

export async function insertUser(db: Db, row: NewUserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function updateUsers(db: Db, workspaceId: string, ids: readonly string[], patch: UserUpdate): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('users').set(patch).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

export async function deleteUsers(db: Db, workspaceId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('users').where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

/**
 * How many users each tab of a workspace has and how many of them are admins: one row that
 * triggers keep in step with every write (migration 0004), so reading it costs the same at forty
 * users as at a million.
 */
export async function readUserCounts(db: Db, workspaceId: string): Promise<UserCounts> {
  const [row] = await countersRow(db, null, { workspaceId });
  return {
    active: Number(row?.active ?? 0),
    pending: Number(row?.pending ?? 0),
    deleted: Number(row?.deleted ?? 0),
    activeAdmins: Number(row?.active_admins ?? 0),
    pendingAdmins: Number(row?.pending_admins ?? 0),
    deletedAdmins: Number(row?.deleted_admins ?? 0),
  };
}

/** Read on every list and summary request: compiled once (`reusableQuery`). */
const countersRow = reusableQuery('counters row', (db: Db, _shape: null, { workspaceId }: { workspaceId: string }) =>
  db
    .selectFrom('workspace_user_counts')
    .select(['active', 'pending', 'deleted', 'active_admins', 'pending_admins', 'deleted_admins'])
    .where('workspace_id', '=', workspaceId),
);

export interface TabCounts {
  active: number;
  pending: number;
  deleted: number;
}

export interface UserCounts extends TabCounts {
  activeAdmins: number;
  pendingAdmins: number;
  deletedAdmins: number;
}

/** Active admins who are not deleted, leaving out `excludingIds`. */
/** The active admins' addresses of these workspaces, by workspace; for provisioning, not for lists. */
export async function activeAdminEmails(db: Db, workspaceIds: readonly string[]): Promise<Map<string, string[]>> {
  const byWorkspace = new Map<string, string[]>(workspaceIds.map((id) => [id, []]));
  if (workspaceIds.length === 0) return byWorkspace;
  const rows = await db
    .selectFrom('users')
    .select(['workspace_id', 'email'])
    .where('workspace_id', 'in', workspaceIds)
    .where('deleted_at', 'is', null)
    .where('status', '=', 'active')
    .where('role', '=', 'admin')
    .orderBy('email_normalized')
    .execute();
  for (const row of rows) byWorkspace.get(row.workspace_id)?.push(row.email);
  return byWorkspace;
}

export async function countActiveAdmins(db: Db, workspaceId: string, excludingIds: readonly string[] = []): Promise<number> {
  const { activeAdmins } = await readUserCounts(db, workspaceId);
  if (excludingIds.length === 0) return activeAdmins;
  const excluded = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', excludingIds)
    .where('deleted_at', 'is', null)
    .where('status', '=', 'active')
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return activeAdmins - Number(excluded.count);
}

export interface UserListFilter {
  tab: Tab;
  /** Already folded the way `search_text` is; each word must occur. */
  searchWords: string[];
  role: RoleFilter;
  sortBy: SortField;
  direction: SortDirection;
  offset: number;
  limit: number;
  /**
   * Keyset paging: the page right after (or before) the row with this sort key, found in the
   * order's index without counting the rows before it; `offset` is then not used. The key holds
   * the values of `SORT_KEY_COLUMNS[sortBy]`.
   */
  cursor?: { way: 'after' | 'before'; key: readonly (string | null)[] };
  /** Only users who have not signed in since this time (ISO), never signed in included. */
  signedInBefore?: string | undefined;
  /** Only users whose open invitation link expired at or before this time (ISO): "Expired invitations". */
  invitationExpiredBy?: string | undefined;
  /** Only users whose invitation was last sent at or before this time (ISO): those a resend is due for. */
  invitationSentBy?: string | undefined;
  /** How a SQLite page tries the expiry filter: by each walked user's open link (see `withLinkProbe`). */
  probeLinks?: boolean;
}

/** Which users a list shows, before sorting and paging. */
export type UserListScope = Pick<
  UserListFilter,
  'tab' | 'searchWords' | 'role' | 'signedInBefore' | 'invitationExpiredBy' | 'invitationSentBy' | 'probeLinks'
>;

/** The filters tried on each user's row (or an index entry of it), beside the tab, role and search. */
const ROW_FILTERS = ['signedInBefore', 'invitationExpiredBy', 'invitationSentBy'] as const;
const hasRowFilters = (filter: UserListScope) => ROW_FILTERS.some((key) => filter[key] !== undefined);
const rowFiltersOf = (filter: UserListScope) => Object.fromEntries(ROW_FILTERS.map((key) => [key, filter[key]])) as Pick<UserListScope, (typeof ROW_FILTERS)[number]>;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/**
 * Narrows a query on `users as u` to a workspace's tab, role and search words.
 *
 * `byLinks`, for a count or the ids of every match: with the expiry filter, SQLite is to read the
 * expired links' users by primary key (migration 0017's index names them) rather than walk the
 * whole tab to try each user against them, so no index on `users` may serve the workspace
 * (`+workspace_id`). A page, which needs only its first rows in order, walks the order's index.
 */
function whereListed<O>(db: Db, query: UserQuery<O>, workspaceId: string, filter: UserListScope, { byLinks = false } = {}): UserQuery<O> {
  const linksFirst = byLinks && filter.invitationExpiredBy !== undefined && dialectOf(db) === 'sqlite';
  const inWorkspace = linksFirst ? query.where(sql<boolean>`+${sql.ref('u.workspace_id')} = ${workspaceId}`) : query.where('u.workspace_id', '=', workspaceId);
  let narrowed = whereTab(inWorkspace, filter.tab);
  if (filter.role !== 'all') narrowed = narrowed.where('u.role', '=', filter.role as Role);
  return whereWordsOccur(whereRowFilters(db, narrowed, workspaceId, filter, byLinks), filter.searchWords);
}

function whereRowFilters<O>(db: Db, query: UserQuery<O>, workspaceId: string, filter: UserListScope, byLinks = false): UserQuery<O> {
  let narrowed = whereNotSignedInSince(query, filter.signedInBefore);
  const expiredLinks = byLinks ? 'array' : filter.probeLinks ? 'probe' : 'list';
  narrowed = whereInvitationExpired(db, narrowed, workspaceId, filter.invitationExpiredBy, expiredLinks);
  if (filter.invitationSentBy !== undefined) narrowed = narrowed.where('u.last_invitation_sent_at', '<=', filter.invitationSentBy);
  return narrowed;
}

/**
 * Users whose open invitation link expired by `by`. Only a pending user has an open link
 * (accepting uses it, a delete revokes it), one at most. Three ways:
 * - `list`: the expired links are the first entries of the workspace's range in migration 0017's
 *   index of open links by expiry, each naming its user; the users are tried against that list.
 * - `array`, for a count or every match: the same, and PostgreSQL is given them as an array
 *   (`= any(array(…))`, computed once), so that it reads those users by primary key: as a
 *   semi-join it hashed them over a read of the whole `users` table.
 * - `probe`, for a page walking the order's index or a bounded count: each walked user's open link
 *   and its expiry are looked up in migration 0019's index of open links by user, without reading
 *   the link, so the page costs what it walks, not what expired.
 */
function whereInvitationExpired<O>(
  db: Db,
  query: UserQuery<O>,
  workspaceId: string,
  by: string | undefined,
  way: 'list' | 'array' | 'probe',
): UserQuery<O> {
  if (by === undefined) return query;
  if (way === 'probe') {
    return query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('invitations as inv')
          .select('inv.id')
          .whereRef('inv.user_id', '=', 'u.id')
          .where('inv.used_at', 'is', null)
          .where('inv.revoked_at', 'is', null)
          .where('inv.expires_at', '<=', by),
      ),
    );
  }
  const expired = db
    .selectFrom('invitations as inv')
    .select('inv.user_id')
    .where('inv.workspace_id', '=', workspaceId)
    .where('inv.used_at', 'is', null)
    .where('inv.revoked_at', 'is', null)
    .where('inv.expires_at', '<=', by);
  if (way === 'array' && dialectOf(db) === 'postgres') return query.where(sql<boolean>`${sql.ref('u.id')} = any(array(${expired}))`);
  return query.where('u.id', 'in', expired);
}

/**
 * Users who have not signed in since `before` (never signed in included): in migration 0015's
 * index by sign-in, the NULLs and then the dates before it, the first entries of the tab.
 */
function whereNotSignedInSince<O>(query: UserQuery<O>, before: string | undefined): UserQuery<O> {
  if (before === undefined) return query;
  return query.where((eb) => eb.or([eb('u.last_signed_in_at', 'is', null), eb('u.last_signed_in_at', '<', before)]));
}

/**
 * Every word must occur in `search_text`: that is the LIKE, which stays the definition; on
 * PostgreSQL the trigram index serves it by itself. SQLite's FTS5 trigram table finds the same
 * rows for words of three or more characters (a quoted trigram phrase is a substring), which is
 * what lets a total be counted in the index alone.
 */
function whereWordsOccur<O>(query: UserQuery<O>, words: readonly string[]): UserQuery<O> {
  let narrowed = query;
  for (const word of words) {
    narrowed = narrowed.where(sql<boolean>`${sql.ref('u.search_text')} like ${`%${escapeLike(word)}%`} escape '\\'`);
  }
  return narrowed;
}

/** Words the trigram index can look up: three characters or more. Shorter ones are matched by LIKE alone. */
const indexedWords = (words: readonly string[]) => words.filter((word) => [...word].length >= TRIGRAM);
const usesSearchIndex = (db: Db, words: readonly string[]) => dialectOf(db) === 'sqlite' && indexedWords(words).length > 0;

const TRIGRAM = 3;

/**
 * An FTS5 query that every word must match, each as a quoted string: inside double quotes FTS5
 * reads nothing as syntax (`OR`, `NEAR`, `*`, `-`, `^`, parentheses are plain text) except the
 * quote itself, which is doubled.
 */
const ftsPhrases = (words: readonly string[]) => words.map((word) => `"${word.replaceAll('"', '""')}"`).join(' AND ');

/**
 * The entries of the search index (`users_search`, migration 0008) in a workspace's tab, of the
 * role asked for, that hold every indexed word: one rowid range of the doclists, and the role in
 * the rowid's lowest bit. The bounds are SQL integers: bound from JavaScript they would be
 * doubles, which cannot tell apart keys past 2^53.
 */
function inSearchIndex(workspaceId: string, filter: UserListScope) {
  const tabStart = SEARCH_KEY.tabs[filter.tab] * 2 ** SEARCH_KEY.tabShift;
  const tabEnd = tabStart + 2 ** SEARCH_KEY.tabShift - 1;
  const workspaceStart = sql`(select rowid << ${sql.lit(SEARCH_KEY.workspaceShift)} from workspaces where id = ${workspaceId})`;
  const inRole = filter.role === 'all' ? sql`` : sql` and (rowid & 1) = ${sql.lit(filter.role === 'admin' ? 1 : 0)}`;
  return sql<boolean>`users_search match ${ftsPhrases(indexedWords(filter.searchWords))}
    and rowid between ${workspaceStart} + ${sql.lit(tabStart)} and ${workspaceStart} + ${sql.lit(tabEnd)}${inRole}`;
}

/** The users' rowid in a search key. */
const USER_OF_KEY = sql.raw(`(rowid >> ${SEARCH_KEY.userShift}) & ${2 ** SEARCH_KEY.userBits - 1}`);

/**
 * A listed query (SQLite, with words the index can find) that reads only the rows the index
 * names: the workspace's column is written so that no index on `users` can serve it
 * (`+workspace_id`), and SQLite looks the index's entries up by rowid instead of walking the tab.
 */
function searchedFirst<O>(db: Db, query: UserQuery<O>, workspaceId: string, filter: UserListScope): UserQuery<O> {
  const named = query
    .where(sql<boolean>`${sql.ref('u.rowid')} in (select ${USER_OF_KEY} from users_search where ${inSearchIndex(workspaceId, filter)})`)
    .where(sql<boolean>`+${sql.ref('u.workspace_id')} = ${workspaceId}`);
  let narrowed = whereTab(named, filter.tab);
  if (filter.role !== 'all') narrowed = narrowed.where('u.role', '=', filter.role as Role);
  return whereWordsOccur(whereRowFilters(db, narrowed, workspaceId, filter), filter.searchWords);
}

/** How many users of a tab have the role asked for, by the workspace's counters. */
function countedInTab(counts: UserCounts, { tab, role }: Pick<UserListFilter, 'tab' | 'role'>): number {
  const admins = { active: counts.activeAdmins, pending: counts.pendingAdmins, deleted: counts.deletedAdmins }[tab];
  return { all: counts[tab], admin: admins, user: counts[tab] - admins }[role];
}

/**
 * A page and the total. With a cursor, `more` says whether rows lie beyond the page in the way it
 * was read (after it reading on, before it reading back): one row more than the page is read. A
 * search on PostgreSQL counts up to `SEARCH_COUNT_CAP` (`countListedUsers`); past it the total is
 * the cap, `totalCapped` is true, and a page found by offset reads one row more too, for `more`.
 */
export async function listUsers(
  db: Db,
  workspaceId: string,
  filter: UserListFilter,
): Promise<{ rows: UserViewRow[]; total: number; totalCapped: boolean; more: boolean }> {
  const cap = cappedCount(db, filter) ? SEARCH_COUNT_CAP : undefined;
  const counted = await countListedUsers(db, workspaceId, filter, cap);
  const totalCapped = cap !== undefined && counted > cap;
  const total = totalCapped ? cap : counted;
  if (!filter.cursor && !totalCapped) return { rows: await listUserViews(db, workspaceId, filter, total), total, totalCapped, more: false };
  const rows = await listUserViews(db, workspaceId, { ...filter, limit: filter.limit + 1 }, counted);
  const more = rows.length > filter.limit;
  if (!more) return { rows, total, totalCapped, more };
  return { rows: filter.cursor?.way === 'before' ? rows.slice(1) : rows.slice(0, filter.limit), total, totalCapped, more };
}

/**
 * How many users `listUsers` has on all its pages. Without a search the workspace's counters
 * answer (the role filter included). On SQLite a search of words the index can find counts its
 * entries in the tab's key range and never reads `users`; shorter words beside them are tried on
 * the rows those entries name.
 *
 * With a `cap`, a search on PostgreSQL stops counting at `cap + 1` matches: its trigram index only
 * names candidates, each of whose rows is read to recheck it, and words without a trigram ("k",
 * "ab") scan the tab, so an exact count of a common word reads most of the workspace ("mar" at a
 * million users: 114,170 rows, 114 ms). SQLite counts from its search index's entries without
 * reading rows, and counts on, but for words too short for that index (`cappedCount`).
 */
export async function countListedUsers(db: Db, workspaceId: string, filter: UserListScope, cap?: number): Promise<number> {
  if (withoutOpenLinks(filter)) return 0;
  const byRow = hasRowFilters(filter);
  if (filter.searchWords.length === 0 && !byRow) return countedInTab(await readUserCounts(db, workspaceId), filter);
  if (onlyExpiredLinks(filter)) return countExpiredLinks(db, workspaceId, filter.invitationExpiredBy, cap);
  if (cap !== undefined && filter.invitationExpiredBy !== undefined) return countExpiredUsers(db, workspaceId, filter, filter.invitationExpiredBy, cap);
  if (cap !== undefined && cappedCount(db, filter)) {
    const matches = whereListed(db, scannedForShortWords(db, filter).select(sql<number>`1`.as('one')), workspaceId, filter, { byLinks: true }).limit(cap + 1);
    const { count } = await db.selectFrom(matches.as('m')).select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    return Number(count);
  }
  if (byRow && !usesSearchIndex(db, filter.searchWords)) {
    // The sign-in filter is counted in the tab's index by sign-in (migration 0015), entries only;
    // expired links in the index of open links by expiry (migration 0017).
    const counted = db.selectFrom('users as u').select((eb) => eb.fn.countAll<number>().as('count'));
    return Number((await whereListed(db, counted, workspaceId, filter, { byLinks: true }).executeTakeFirstOrThrow()).count);
  }
  if (!byRow && usesSearchIndex(db, filter.searchWords) && indexedWords(filter.searchWords).length === filter.searchWords.length) {
    const { rows } = await sql<{ count: number }>`select count(*) as count from users_search where ${inSearchIndex(workspaceId, filter)}`.execute(db);
    return Number(rows[0]?.count ?? 0);
  }
  if (usesSearchIndex(db, filter.searchWords)) {
    const counted = db.selectFrom('users as u').select((eb) => eb.fn.countAll<number>().as('count'));
    return Number((await searchedFirst(db, counted, workspaceId, filter).executeTakeFirstOrThrow()).count);
  }
  const counted = scannedForShortWords(db, filter).select((eb) => eb.fn.countAll<number>().as('count'));
  return Number((await whereListed(db, counted, workspaceId, filter).executeTakeFirstOrThrow()).count);
}

/**
 * Whether a `cap` given to `countListedUsers` applies: to the expiry filter (`countExpiredUsers`),
 * to a search on PostgreSQL, and on SQLite to a search of words too short for its index and no row
 * filter, which is counted by trying every entry of the tab's name index ("k" at a million users:
 * 65 ms exact, 0.2 ms capped; "ab" 83 and 6). A SQLite search its index can find counts its
 * entries without reading rows ("mar": 5.6 ms), exactly.
 */
const cappedCount = (db: Db, filter: UserListScope) =>
  filter.invitationExpiredBy !== undefined ||
  (filter.searchWords.length > 0 && (dialectOf(db) === 'postgres' || (!usesSearchIndex(db, filter.searchWords) && !hasRowFilters(filter))));

/**
 * The expiry filter on a tab whose users hold no open link: only a pending user has one (accepting
 * uses it, a delete revokes it). Answered without a statement: the Active tab tried each of its
 * users for a link, 11 s at a million users to find none.
 */
const withoutOpenLinks = (filter: UserListScope) => filter.invitationExpiredBy !== undefined && filter.tab !== 'pending';

/** "Expired invitations" on the Pending tab, and no other filter. */
const onlyExpiredLinks = (filter: UserListScope): filter is UserListScope & { invitationExpiredBy: string } =>
  filter.tab === 'pending' &&
  filter.role === 'all' &&
  filter.searchWords.length === 0 &&
  filter.invitationExpiredBy !== undefined &&
  filter.signedInBefore === undefined &&
  filter.invitationSentBy === undefined;

/**
 * The expired open links of a workspace, counted in migration 0017's index alone: each is a
 * different pending user's who is not deleted (at most one open link per user, 0001's unique
 * index; accepting uses it, a delete revokes it, a purge removes it), so the Pending tab's
 * "Expired invitations" are counted without reading `users`. Nearly every pending user may be
 * among them: a workspace's old invitations expire and stay, and each is an index entry to count
 * (298,095 of them at a million users: 26 ms on SQLite, 44 ms on PostgreSQL). With a `cap`, the
 * count stops at `cap + 1`: the first entries of the workspace's range, whatever lies beyond.
 */
async function countExpiredLinks(db: Db, workspaceId: string, by: string, cap?: number): Promise<number> {
  const links = db
    .selectFrom('invitations as inv')
    .select('inv.user_id')
    .where('inv.workspace_id', '=', workspaceId)
    .where('inv.used_at', 'is', null)
    .where('inv.revoked_at', 'is', null)
    .where('inv.expires_at', '<=', by);
  const counted = cap === undefined ? links : links.limit(cap + 1);
  const { count } = await db.selectFrom(counted.as('l')).select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  return Number(count);
}

/**
 * The expiry filter beside other filters (a role, a search, the sign-in filter), counted up to
 * `cap + 1`. Few expired links (`cap` at most): their users are read by primary key and counted
 * exactly, at most `cap` reads. More: each user the tab's indexes yield is tried for its open link
 * (SQLite; PostgreSQL's planner chooses) until `cap + 1` are found, which soon happens where the
 * links are many; reading every expired link's user instead cost 0.95 s on SQLite at a million
 * users for the 295,021 expired standard users, 1.8 s for the 3,074 admins.
 */
async function countExpiredUsers(db: Db, workspaceId: string, filter: UserListScope, by: string, cap: number): Promise<number> {
  const counted = db.selectFrom('users as u').select((eb) => eb.fn.countAll<number>().as('count'));
  if ((await countExpiredLinks(db, workspaceId, by, cap)) <= cap) {
    return Number((await whereListed(db, counted, workspaceId, filter, { byLinks: true }).executeTakeFirstOrThrow()).count);
  }
  const probed = { ...filter, probeLinks: true };
  const one = sql<number>`1`.as('one');
  const matches = usesSearchIndex(db, filter.searchWords)
    ? searchedFirst(db, db.selectFrom('users as u').select(one), workspaceId, probed)
    : whereListed(db, scannedForShortWords(db, filter).select(one), workspaceId, probed);
  const { count } = await db.selectFrom(matches.limit(cap + 1).as('m')).select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  return Number(count);
}

/**
 * The ids of the users a list's scope selects, at most `limit` of them, in no particular order:
 * read as the total is counted (a search of words SQLite's index can find from that index).
 */
export async function findListedUserIds(db: Db, workspaceId: string, filter: UserListScope, limit: number): Promise<string[]> {
  const ids = db.selectFrom('users as u').select('u.id');
  const listed = usesSearchIndex(db, filter.searchWords) ? searchedFirst(db, ids, workspaceId, filter) : whereListed(db, ids, workspaceId, filter, { byLinks: true });
  return (await listed.limit(limit).execute()).map((row) => row.id);
}

/**
 * `users as u` for counting a search whose words are all too short for the search index. A live
 * tab of every role is then counted in the index by name, the one index that holds the search
 * text (migration 0008): it tries entries, never rows. On SQLite that index is named
 * (`INDEXED BY`): without statistics the planner weighs the tab's indexes alike, and once 0009's
 * index by onboarding date was added it counted through that one instead, reading every row of
 * the tab (1.2 s instead of 0.1 s at a million users). A named index that is gone is an error, not
 * a slower plan. With a role filter the role's indexes serve; Recently deleted has no index with
 * the search text.
 */
function scannedForShortWords(db: Db, filter: UserListScope) {
  if (dialectOf(db) !== 'sqlite' || filter.tab === 'deleted' || filter.role !== 'all') return db.selectFrom('users as u');
  return db.selectFrom(sql<Database['users']>`${sql.table('users')}`.as<'u'>(sql`u indexed by users_live_by_name`));
}

/**
 * What the two ways of reading a search's page cost, in reads of one match through the search
 * index (about 1.3 µs at a million users: its rows come in rowid order).
 *
 * Reading through the index (`read`) reads every match, after going through the index entries of
 * the tab (about 0.08 µs each), which with a role filter are the other role's too: SQLite tells
 * the role from the key's lowest bit.
 *
 * Walking the tab in list order (`walked` users, each `perWalked`) tries each user's search text.
 * By name the live tabs' index ends with the search text (migration 0008), so the walk reads index
 * entries only (about 0.15 µs each); a role filter is then tried after the search text, on the
 * rows of the entries that matched (`roleAfterWalk`). Otherwise each walked user's row is read at
 * a place of the table the order decides (about 4 µs); with a role filter the indexes by role
 * serve the name and role orders, and the others go through the whole tab. With a role filter
 * the cheaper walk is taken.
 */
function pageCosts(filter: UserListFilter, counts: UserCounts, matches: number) {
  const inTab = counts[filter.tab];
  const inRole = countedInTab(counts, filter);
  const entries = filter.role === 'all' ? matches : (matches * inTab) / Math.max(inRole, 1);
  const read = matches + 0.06 * entries;
  const byName = filter.sortBy === 'name' && filter.tab !== 'deleted';
  if (filter.role === 'all') return { read, walk: { walked: inTab, perWalked: byName ? 0.12 : 3, roleAfterWalk: false } };
  const byRole = filter.sortBy === 'name' || filter.sortBy === 'role';
  const walks = [{ walked: inRole, perWalked: byRole ? 3 : (3 * inTab) / Math.max(inRole, 1), roleAfterWalk: false }];
  if (byName) walks.push({ walked: inTab, perWalked: 0.12 + entries / Math.max(inTab, 1), roleAfterWalk: true });
  const cost = ({ walked, perWalked }: (typeof walks)[number]) => walked * perWalked;
  return { read, walk: walks.reduce((cheapest, walk) => (cost(walk) < cost(cheapest) ? walk : cheapest)) };
}

/**
 * One page of `listUsers` without the total: an export walks every page with it. The page's ids
 * come first from the tab's index in list order (skipping `offset` index entries, not joined
 * rows; with a cursor, starting right after it: see `keysetIds`); only those rows are then read
 * with the people beside them.
 *
 * A search with words SQLite's index can find reads its page one of two ways, by `matches` (the
 * total, when known; see `pageCosts`): walking the tab in list order until the page is full,
 * trying each user's search text, goes through about (offset + limit) × tab / matches users if
 * the matches are spread evenly; reading every match through the index and sorting them costs
 * about `matches`. The walk is taken when it should cost at most half as much, and stopped where
 * it would cost more than reading every match (matches gather: "zoe" sorted by name lies at the
 * very end of the tab); then the matches are read after all. A cursor counts as offset 0: both
 * ways start right after it.
 */
export async function listUserViews(db: Db, workspaceId: string, filter: UserListFilter, matches?: number): Promise<UserViewRow[]> {
  if (withoutOpenLinks(filter)) return [];
  const reading = readingOrder(filter);
  if (dialectOf(db) === 'postgres') return listPostgresPage(db, workspaceId, filter, matches);
  if (!usesSearchIndex(db, filter.searchWords)) return orderedPage(db, workspaceId, await withLinkProbe(db, workspaceId, filter, matches));
  // With the expiry filter the total may have stopped counting (`countExpiredUsers`): the walk is
  // then always tried first, as on PostgreSQL (`listPostgresPage`), and tries each walked user's link.
  filter = await withLinkProbe(db, workspaceId, filter, matches);
  const atLeast = matches !== undefined && matches > SEARCH_COUNT_CAP;
  const offset = filter.cursor ? 0 : filter.offset;
  if (matches !== undefined && offset >= matches && !atLeast) return [];
  if (matches !== undefined) {
    const { read, walk } = pageCosts(filter, await readUserCounts(db, workspaceId), matches);
    const walked = ((offset + filter.limit) * walk.walked) / matches;
    const walkLimit = Math.ceil(read / walk.perWalked);
    if (atLeast || 2 * walked <= walkLimit) {
      const page = await selectPage(db, workspaceId, filter, 'u.rowid', walkedPage(db, workspaceId, filter, walkLimit, walk.roleAfterWalk) as never);
      if (page.length === filter.limit || walkLimit >= walk.walked) return page;
    }
  }
  const named = searchedFirst(db, db.selectFrom('users as u').select(sql<number>`${sql.ref('u.rowid')}`.as('user_rowid')), workspaceId, filter);
  return selectPage(db, workspaceId, filter, 'u.rowid', inOrder(pastCursor(named, filter), reading).offset(offset).limit(filter.limit));
}

/**
 * How a SQLite page of "Expired invitations" tries each user (`whereInvitationExpired`): by a probe
 * of each user it tries for an open link (about 3 µs), or against the list of expired links' users
 * (about 1 µs per link in the workspace, however few the page needs). Walking the order's index it
 * tries about (offset + limit) × tab / matches users if the matches are spread evenly; beside a
 * search, the matches it reads. The links are counted up to three times the users it would try:
 * more, and the probe. Old invitations stay expired, so nearly the whole tab may be among them, and
 * a search may keep few of them ("anna berg": 463 of 298,095, 0.6 s with the list). A total that
 * stopped counting (more than `SEARCH_COUNT_CAP`) says there are at least as many links: the probe.
 * Without the total (an export's pages), the list.
 */
async function withLinkProbe(db: Db, workspaceId: string, filter: UserListFilter, matches: number | undefined): Promise<UserListFilter> {
  if (filter.invitationExpiredBy === undefined || matches === undefined) return filter;
  if (matches > SEARCH_COUNT_CAP) return { ...filter, probeLinks: true };
  const offset = filter.cursor ? 0 : filter.offset;
  const inTab = countedInTab(await readUserCounts(db, workspaceId), filter);
  const tried = usesSearchIndex(db, filter.searchWords) ? matches : ((offset + filter.limit) * inTab) / Math.max(matches, 1);
  const bound = Math.ceil(3 * tried);
  return { ...filter, probeLinks: (await countExpiredLinks(db, workspaceId, filter.invitationExpiredBy, bound)) > bound };
}

/**
 * A page on PostgreSQL. A search with a word of 3+ characters reads its page one of two ways, as
 * SQLite's does and by the same costs (`pageCosts`), once the total is known: walking the order's
 * index (the live tabs' index by name holds the search text and the id, migration 0014, so that
 * walk reads no rows either) up to where reading every match would cost less, or reading every
 * match through the trigram index and sorting them. Left to itself, PostgreSQL's planner expects
 * matches to be spread evenly along the order and walks: "zoe" by name lies at the end of the
 * tab, and it threw away 642,107 rows for 25 (1.9 s at a million users).
 *
 * The matches are read in a subquery with `offset 0`, which PostgreSQL plans on its own (it does
 * not pull such a subquery up into the query around it), so the order and the limit outside
 * cannot turn it back into a walk of the order's index.
 *
 * A total that stopped counting (`matches` is then `SEARCH_COUNT_CAP` + 1, fewer than there are)
 * says only that reading every match costs at least `read`: the walk is then always tried, up to
 * where it has cost that much, so it costs at most what reading the matches does. Judged by the
 * cap as if it were the total, "mar" (114,170 matches) with a cap of 1,000 sorted every match.
 */
async function listPostgresPage(db: Db, workspaceId: string, filter: UserListFilter, matches?: number): Promise<UserViewRow[]> {
  const reading = readingOrder(filter);
  const offset = filter.cursor ? 0 : filter.offset;
  const searched = indexedWords(filter.searchWords).length > 0 && matches !== undefined;
  // Past `SEARCH_COUNT_CAP` the count stopped: more matches may lie beyond it.
  const atLeast = searched && matches > SEARCH_COUNT_CAP;
  if (searched && offset >= matches && !atLeast) return [];
  if (searched) {
    const { read, walk } = pageCosts(filter, await readUserCounts(db, workspaceId), matches);
    const walked = ((offset + filter.limit) * walk.walked) / Math.max(matches, 1);
    const walkLimit = Math.ceil(read / walk.perWalked);
    if (atLeast || 2 * walked <= walkLimit) {
      const page = await selectPage(db, workspaceId, filter, 'u.id', walkedPage(db, workspaceId, filter, walkLimit, walk.roleAfterWalk) as never);
      if (page.length === filter.limit || walkLimit >= walk.walked) return page;
    }
    const columns = reading.map(({ column }) => `u.${column}` as const);
    const everyMatch = pastCursor(whereListed(db, db.selectFrom('users as u').select(['u.id', ...columns]), workspaceId, filter), filter).offset(0);
    const ids = db.selectFrom(everyMatch.as('u')).select('u.id') as unknown as UserQuery<{ id: string }>;
    return selectPage(db, workspaceId, filter, 'u.id', inOrder(ids, reading).offset(offset).limit(filter.limit));
  }
  return orderedPage(db, workspaceId, filter);
}

/** A page read from the order's index, the search words tried on each entry: after the cursor, or skipping `offset` entries. */
function orderedPage(db: Db, workspaceId: string, filter: UserListFilter): Promise<UserViewRow[]> {
  if (filter.cursor) return selectPage(db, workspaceId, filter, 'u.id', keysetIds(db, workspaceId, filter, filter.cursor.key));
  if (filter.searchWords.length > 0 || hasRowFilters(filter)) return pageByOffset(db, workspaceId, filter).execute();
  const { tab, role, sortBy, direction, offset, limit } = filter;
  return unsearchedPage(db, { tab, role, sortBy, direction }, { workspaceId, offset, limit });
}

/** The statement of `orderedPage` without a cursor. */
function pageByOffset(db: Db, workspaceId: string, filter: UserListFilter) {
  const ids = whereListed(db, db.selectFrom('users as u').select('u.id'), workspaceId, filter);
  return pageQuery(db, workspaceId, filter, 'u.id', inOrder(ids, listOrder(filter)).offset(filter.offset).limit(filter.limit));
}

/**
 * The page every list opens with (no search, no row filter, no cursor): compiled once per dialect, tab, role and
 * order (`reusableQuery`), the same statement `pageByOffset` builds.
 */
const unsearchedPage = reusableQuery(
  'unsearched page',
  (db: Db, shape: Pick<UserListFilter, 'tab' | 'role' | 'sortBy' | 'direction'>, values: { workspaceId: string; offset: number; limit: number }) =>
    pageByOffset(db, values.workspaceId, { ...shape, searchWords: [], offset: values.offset, limit: values.limit }),
);

/**
 * The rowids of a search's page among the first `walkLimit` users of the tab in list order (after
 * the cursor, if any); fewer than a page when the page lies further on. SQLite reads the inner
 * query in the order of the tab's index and stops once the outer one has its page; it leaves out
 * the inner columns the outer query does not use, so a walked user's row is read only when the
 * index lacks a column the order or the search needs.
 */
function walkedPage(db: Db, workspaceId: string, filter: UserListFilter, walkLimit: number, roleAfterWalk: boolean) {
  // A page's users are looked up by rowid on SQLite (the search index names them so), by id on PostgreSQL.
  const key = dialectOf(db) === 'sqlite' ? 'rowid' : 'id';
  const inTab = db
    .selectFrom('users as u')
    .select([
      sql<number>`${sql.ref(`u.${key}`)}`.as('user_rowid'),
      'u.search_text',
      'u.sort_name',
      'u.email_normalized',
      'u.role',
      'u.invited_at',
      'u.onboarded_at',
      'u.deleted_at',
      'u.last_signed_in_at',
    ]);
  const reading = readingOrder(filter);
  // A link looked up for each walked user is looked up for the search's matches only, after the words.
  const linkAfterWords = filter.invitationExpiredBy !== undefined && (key === 'id' || filter.probeLinks === true);
  const walkedScope: UserListScope = {
    tab: filter.tab,
    searchWords: [],
    role: roleAfterWalk ? 'all' : filter.role,
    ...rowFiltersOf(filter),
    ...(linkAfterWords ? { invitationExpiredBy: undefined } : { probeLinks: filter.probeLinks }),
  };
  const firstOfTab = inOrder(pastCursor(whereListed(db, inTab, workspaceId, walkedScope), filter), reading).limit(walkLimit);
  // The outer query sees the columns it orders and searches by under the names of `users as u`.
  const walked = db.selectFrom(firstOfTab.as('u')).select('u.user_rowid') as unknown as UserQuery<{ user_rowid: number }>;
  let found = whereWordsOccur(walked, filter.searchWords);
  // SQLite tries a correlated subquery after the other terms: only matches have their row read.
  if (roleAfterWalk) found = found.where(sql<boolean>`(select r.role from users r where ${sql.ref(`r.${key}`)} = ${sql.ref('u.user_rowid')}) = ${filter.role}`);
  if (linkAfterWords) found = found.where(linkExpiredOf(key, filter.invitationExpiredBy!));
  return inOrder(found, reading).offset(filter.cursor ? 0 : filter.offset).limit(filter.limit);
}

/** Whether the walked user `u.user_rowid` (a rowid on SQLite, an id on PostgreSQL) has an open link expired by `by`. */
function linkExpiredOf(key: 'rowid' | 'id', by: string) {
  const user = key === 'id' ? sql.ref('u.user_rowid') : sql`(select r.id from users r where r.rowid = ${sql.ref('u.user_rowid')})`;
  return sql<boolean>`exists (select 1 from invitations inv where inv.user_id = ${user}
    and inv.used_at is null and inv.revoked_at is null and inv.expires_at <= ${by})`;
}

/**
 * The users of a page, given by a query of their ids or rowids, with the people beside them, in
 * list order. The workspace is checked on each row found: on SQLite written so that no index
 * serves it, since one led by it would walk the workspace instead of looking the page up.
 */
function selectPage(
  db: Db,
  workspaceId: string,
  filter: UserListFilter,
  key: 'u.id' | 'u.rowid',
  page: UserQuery<{ id: string }> | UserQuery<{ user_rowid: number }>,
): Promise<UserViewRow[]> {
  return pageQuery(db, workspaceId, filter, key, page).execute();
}

/** The statement of `selectPage`. */
function pageQuery(
  db: Db,
  workspaceId: string,
  filter: UserListFilter,
  key: 'u.id' | 'u.rowid',
  page: UserQuery<{ id: string }> | UserQuery<{ user_rowid: number }>,
): UserQuery<UserViewRow> {
  // Kysely puts the subquery in parentheses itself.
  const found = selectUserView(db).where(sql<boolean>`${sql.ref(key)} in ${page}`);
  const inWorkspace =
    dialectOf(db) === 'sqlite'
      ? found.where(sql<boolean>`+${sql.ref('u.workspace_id')} = ${workspaceId}`)
      : found.where('u.workspace_id', '=', workspaceId);
  return inOrder(inWorkspace as UserQuery<UserViewRow>, listOrder(filter));
}

/** The columns the list is sorted by. */
type SortColumn = 'sort_name' | 'email_normalized' | 'role' | 'invited_at' | 'onboarded_at' | 'deleted_at' | 'last_signed_in_at';

/** One column of an order. A nullable one counts NULL as earlier than any value: first ascending, last descending. */
interface OrderKey {
  column: SortColumn;
  direction: SortDirection;
  nullable: boolean;
}

/** The values a page cursor's key holds, by sort (shared/list-cursor.ts): a row's sort columns, the email last. */
export const SORT_KEY_COLUMNS: Record<SortField, readonly SortColumn[]> = {
  name: ['sort_name', 'email_normalized'],
  email: ['email_normalized'],
  role: ['role', 'sort_name', 'email_normalized'],
  invitedAt: ['invited_at', 'email_normalized'],
  onboardedAt: ['onboarded_at', 'email_normalized'],
  deletedAt: ['deleted_at', 'email_normalized'],
  lastSignedInAt: ['last_signed_in_at', 'email_normalized'],
};

/**
 * The list's order. The email is unique in a workspace, so it breaks every tie and pages are
 * stable; the sort indexes (migrations 0005, 0006 and 0009) end with it.
 */
function listOrder(filter: Pick<UserListFilter, 'tab' | 'sortBy' | 'direction'>): OrderKey[] {
  const key = (column: SortColumn, direction: SortDirection = 'asc', nullable = false): OrderKey => ({ column, direction, nullable });
  const dir = filter.direction;
  const email = key('email_normalized');
  switch (filter.sortBy) {
    case 'name':
      return [key('sort_name', dir), email];
    case 'email':
      return [key('email_normalized', dir)];
    case 'role':
      return [key('role', dir), key('sort_name'), email];
    case 'invitedAt':
      return [key('invited_at', dir), email];
    case 'onboardedAt':
      // Only active users have completed onboarding. Anyone who has not (every pending invitee,
      // and the deleted ones who were pending) has no date, which counts as earlier than any
      // date: first ascending, last descending, in email order like every tie. That is SQLite's
      // own order of NULLs; PostgreSQL's is the opposite, so it is written out, and its indexes
      // (migration 0009) keep NULLs first too. The pending tab is then all one tie, in email
      // order both ways; asked for as that, its email index serves it instead of the tab being
      // sorted as one tie.
      if (filter.tab === 'pending') return [email];
      return [key('onboarded_at', dir, true), email];
    case 'deletedAt':
      // Nobody in a live tab is deleted: all one tie, in email order, read from the email index
      // (PostgreSQL sorted the whole tab by a column that is null throughout).
      if (filter.tab !== 'deleted') return [email];
      return [key('deleted_at', dir), email];
    case 'lastSignedInAt':
      // Never signed in counts as earliest, like onboarding (migration 0015's indexes keep NULLs
      // first). Only active users sign in (`recordSignIn`): the pending tab is one tie, by email.
      if (filter.tab === 'pending') return [email];
      return [key('last_signed_in_at', dir, true), email];
  }
}

/** The order a page is read in: the list's, or backwards for the page before a cursor. */
function readingOrder(filter: UserListFilter): OrderKey[] {
  const keys = listOrder(filter);
  if (filter.cursor?.way !== 'before') return keys;
  return keys.map((key) => ({ ...key, direction: key.direction === 'asc' ? 'desc' : 'asc' }));
}

function inOrder<O>(query: UserQuery<O>, keys: readonly OrderKey[]): UserQuery<O> {
  return keys.reduce((ordered, { column, direction, nullable }) => {
    const ref = `u.${column}` as const;
    if (!nullable) return ordered.orderBy(ref, direction);
    return ordered.orderBy(ref, (order) => (direction === 'asc' ? order.asc().nullsFirst() : order.desc().nullsLast()));
  }, query);
}

/**
 * The rows past a cursor's key in the order `keys`, as alternatives, each a conjunction of
 * conditions an index range serves: equal to the key on the columns before one column, past it
 * on that column. For (name, email) after ("berg anna", "anna.berg.7@…"): the same name and a
 * later email, or a later name. A nullable column descending has two ranges past a value: the
 * smaller values, and then NULL.
 */
function pastKey(keys: readonly OrderKey[], valueOf: (column: SortColumn) => string | null): RawBuilder<boolean>[][] {
  const equal = ({ column }: OrderKey) => {
    const value = valueOf(column);
    return value === null ? sql<boolean>`${sql.ref(`u.${column}`)} is null` : sql<boolean>`${sql.ref(`u.${column}`)} = ${value}`;
  };
  const past = ({ column, direction, nullable }: OrderKey): RawBuilder<boolean>[] => {
    const value = valueOf(column);
    const ref = sql.ref(`u.${column}`);
    if (value === null) return direction === 'asc' && nullable ? [sql<boolean>`${ref} is not null`] : [];
    const beyond = direction === 'asc' ? sql<boolean>`${ref} > ${value}` : sql<boolean>`${ref} < ${value}`;
    return direction === 'desc' && nullable ? [beyond, sql<boolean>`${ref} is null`] : [beyond];
  };
  return keys.flatMap((key, index) => past(key).map((range) => [...keys.slice(0, index).map(equal), range]));
}

const cursorValues = (filter: UserListFilter, key: readonly (string | null)[]) => (column: SortColumn) =>
  key[SORT_KEY_COLUMNS[filter.sortBy].indexOf(column)] ?? null;

/**
 * The ids of the page after (or before) a cursor: each alternative of `pastKey` is a range of the
 * order's index, read in order up to a page, and the first page of their union is the page. Each
 * range starts at the key, so the page costs what the first does at any depth; one condition with
 * ORs instead would be a filter on a walk from the tab's start (by role, that is half the tab).
 */
function keysetIds(db: Db, workspaceId: string, filter: UserListFilter, key: readonly (string | null)[]) {
  const reading = readingOrder(filter);
  const columns = reading.map(({ column }) => `u.${column}` as const);
  const ranges = pastKey(reading, cursorValues(filter, key)).map((conditions, index) => {
    const listed = whereListed(db, db.selectFrom('users as u').select(['u.id', ...columns]), workspaceId, filter);
    const range = conditions.reduce((narrowed, condition) => narrowed.where(condition), listed);
    return db.selectFrom(inOrder(range, reading).limit(filter.limit).as(`range${index}`)).selectAll();
  });
  const union = ranges.reduce((all, range) => all.unionAll(range));
  const ids = db.selectFrom(union.as('u')).select('u.id') as unknown as UserQuery<{ id: string }>;
  return inOrder(ids, reading).limit(filter.limit);
}

/**
 * A listed query narrowed to the rows past the filter's cursor, as one condition: the
 * alternatives of `pastKey` joined by OR, and the first column's range beside them, which an
 * index can seek to. For SQLite's search, whose walk or read of the matches tries the condition
 * on each row it has anyway.
 */
function pastCursor<O>(query: UserQuery<O>, filter: UserListFilter): UserQuery<O> {
  if (!filter.cursor) return query;
  const reading = readingOrder(filter);
  const valueOf = cursorValues(filter, filter.cursor.key);
  const alternatives = pastKey(reading, valueOf).map((conditions) => sql<boolean>`(${sql.join(conditions, sql` and `)})`);
  const narrowed = query.where(sql<boolean>`(${sql.join(alternatives, sql` or `)})`);
  const [first] = reading;
  const start = first && !first.nullable ? valueOf(first.column) : null;
  if (!first || start === null) return narrowed;
  return narrowed.where(`u.${first.column}`, first.direction === 'asc' ? '>=' : '<=', start);
}

/** Removes every deleted user whose retention has run out; returns who was removed. */
export async function deleteUsersPastRetention(db: Db, nowIso: string) {
  return db
    .deleteFrom('users')
    .where('deleted_at', 'is not', null)
    .where('purge_at', '<=', nowIso)
    .returning(['id', 'workspace_id', 'email'])
    .execute();
}

/** Counts one more invitation sent to each of these users, now. */
export async function recordInvitationSent(db: Db, workspaceId: string, ids: readonly string[], nowIso: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('users')
    .set((eb) => ({
      last_invitation_sent_at: nowIso,
      invitation_send_count: eb('invitation_send_count', '+', 1),
      updated_at: nowIso,
    }))
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .execute();
}

/** Inserts many users (a bulk import) in the caller's transaction. */
export async function insertUsers(db: Db, rows: readonly NewUserRow[]): Promise<void> {
  await insertMany(db, 'users', rows);
}

/** The users of a workspace with any of these normalized emails. */
export async function findUsersByEmails(db: Db, workspaceId: string, emailsNormalized: readonly string[]): Promise<UserRow[]> {
  const found: UserRow[] = [];
  for (let start = 0; start < emailsNormalized.length; start += 5000) {
    const chunk = emailsNormalized.slice(start, start + 5000);
    found.push(
      ...(await db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('email_normalized', 'in', chunk).execute()),
    );
  }
  return found;
}

/** Where these users stand now (role, status, deleted), for re-checking callers in bulk. */
export async function findUserStandings(db: Db, userIds: readonly string[]) {
  if (userIds.length === 0) return [];
  return db.selectFrom('users').select(['id', 'workspace_id', 'role', 'status', 'deleted_at']).where('id', 'in', userIds).execute();
}

/**
 * Notes that an active user signed in at `nowIso`, unless a sign-in at or after `unlessSince` is
 * already noted: one conditional statement, so that servers seeing the same user at once write it
 * once. Answers whether it wrote. (The write raises the workspace's revision like any change an
 * admin sees: the Active tab shows the last sign-in.)
 */
export async function recordSignIn(db: Db, workspaceId: string, userId: string, nowIso: string, unlessSince: string): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ last_signed_in_at: nowIso })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('last_signed_in_at', 'is', null), eb('last_signed_in_at', '<', unlessSince)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
