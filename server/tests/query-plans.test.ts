import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import * as z from 'zod/mini';
import { AUDIT_ACTIONS, type RoleFilter, type SortDirection, type SortField, type Tab } from '../../shared/constants.ts';
import { listAuditInput } from '../../shared/schemas.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import type { Deps } from '../deps.ts';
import type { Caller } from '../services/actor.ts';
import { auditEntry, listAudit } from '../services/audit.ts';
import { openDatabase, sqliteLocation } from '../db/database.ts';
import { insertUsers, listUsers, readUserCounts, SORT_KEY_COLUMNS, type UserListFilter } from '../db/repositories/users.ts';
import type { Database, NewInvitationRow, UserRow } from '../db/schema/index.ts';
import { insertMany } from '../db/bulk-insert.ts';
import { pendingUserRow } from '../services/users.ts';
import { searchWords } from '../services/text.ts';
import { createWorkspace } from '../services/workspaces.ts';
import { ManualClock } from '../clock.ts';
import { newId } from '../tokens.ts';
import { createTestDatabase, type TestDatabase, testDialect } from '../testing/harness.ts';

/**
 * Which index each statement of the list reads, from the database's own plan: `EXPLAIN QUERY
 * PLAN` on SQLite, `EXPLAIN (FORMAT JSON)` on PostgreSQL. A new index can change the plan of a
 * statement it was not meant for (migration 0009's index by onboarding date made the 1-2
 * character search's total read every row of the tab: 1.2 s instead of 0.1 s at a million users),
 * and the tests of results cannot see it. This one fails on any plan that changes.
 *
 * The workspace is large enough for PostgreSQL to prefer its indexes over reading the table, and
 * analyzed, as autovacuum keeps a production database; with fewer than 30,000 users in all,
 * ANALYZE's sample is the whole table, so the statistics and plans are the same every run. SQLite
 * plans without statistics, as the server runs it (nothing runs ANALYZE), so its plans are the
 * same at any size.
 */
const USERS = 27_000;

/** An index on `users` or the counters, the search index, or a whole table read. */
type Access = string;

interface Shape {
  name: string;
  tab: Tab;
  search?: string;
  role?: RoleFilter;
  sortBy?: SortField;
  direction?: SortDirection;
  /** The filter "not signed in for N days": not since this time. */
  signedInBefore?: string;
  /** The filter "Expired invitations": open links expired by this time. */
  invitationExpiredBy?: string;
  /** Keyset paging: the page after (or before) the row at offset 5,000. */
  cursor?: 'after' | 'before';
  /** What the total reads (no entry: the counters row answers it). Each entry is one access; `a|b` accepts either. */
  count?: { sqlite: Access[]; postgres: Access[] };
  /**
   * The expiry filter: its expired links are counted in their own index (up to the cap), as the
   * total alone, beside another filter before it, or for SQLite's page to choose how to try them.
   */
  links?: boolean;
  /** A walk of the order that stopped short of a page (its matches lie further on) before `page` read them. */
  walkFirst?: { sqlite: Access[]; postgres: Access[] };
  page: { sqlite: Access[]; postgres: Access[] };
}

/** One in 16 pending users' links expired by the first, all of them by the second (`seededInvitations`). */
const EXPIRY_CUTOFFS = { few: '2026-03-01T00:00:00.000Z', all: '2026-05-01T00:00:00.000Z' };

const both = (accesses: Access[]) => ({ sqlite: accesses, postgres: accesses });

/** Each tab's first page, in every order, both directions: each read from the order's own index. */
function sortShapes(): Shape[] {
  const live = (tab: Tab): Record<SortField, Record<SortDirection, Access>> => ({
    name: { asc: 'users_live_by_name', desc: 'users_live_by_name' },
    email: { asc: 'users_live_by_email', desc: 'users_live_by_email' },
    role: { asc: 'users_live_by_role', desc: 'users_live_by_role_desc' },
    invitedAt: { asc: 'users_live_by_invited', desc: 'users_live_by_invited' },
    // Nobody pending has completed onboarding: the tab is one tie, in email order.
    onboardedAt: tab === 'pending' ? { asc: 'users_live_by_email', desc: 'users_live_by_email' } : { asc: 'users_live_by_onboarded', desc: 'users_live_by_onboarded' },
    // Nobody live is deleted: the same.
    deletedAt: { asc: 'users_live_by_email', desc: 'users_live_by_email' },
    // Only active users sign in: the pending tab is one tie again.
    lastSignedInAt: tab === 'pending' ? { asc: 'users_live_by_email', desc: 'users_live_by_email' } : { asc: 'users_live_by_signed_in', desc: 'users_live_by_signed_in' },
  });
  const deleted: Record<SortField, Record<SortDirection, Access>> = {
    name: { asc: 'users_deleted_by_name', desc: 'users_deleted_by_name' },
    email: { asc: 'users_deleted_by_email', desc: 'users_deleted_by_email' },
    role: { asc: 'users_deleted_by_role', desc: 'users_deleted_by_role_desc' },
    invitedAt: { asc: 'users_deleted_by_invited', desc: 'users_deleted_by_invited' },
    onboardedAt: { asc: 'users_deleted_by_onboarded', desc: 'users_deleted_by_onboarded' },
    deletedAt: { asc: 'users_deleted_by_deleted', desc: 'users_deleted_by_deleted' },
    lastSignedInAt: { asc: 'users_deleted_by_signed_in', desc: 'users_deleted_by_signed_in' },
  };
  const shapes: Shape[] = [];
  for (const tab of ['active', 'pending', 'deleted'] as const) {
    const indexes = tab === 'deleted' ? deleted : live(tab);
    for (const [sortBy, byDirection] of Object.entries(indexes) as [SortField, Record<SortDirection, Access>][]) {
      for (const direction of ['asc', 'desc'] as const) {
        shapes.push({ name: `${tab}, by ${sortBy} ${direction}`, tab, sortBy, direction, page: both([byDirection[direction]]) });
      }
    }
  }
  return shapes;
}

const LIVE_ROLE = 'users_live_by_role|users_live_by_role_desc';
const DELETED_ROLE = 'users_deleted_by_role|users_deleted_by_role_desc';
/** Recently deleted has no index with the search text: a short word reads the tab's rows through any of its indexes. */
const DELETED_ANY = 'users_deleted_by_\\w+';

/**
 * PostgreSQL's count of a 1-2 character search, which stops at the bound (SEARCH_COUNT_CAP + 1
 * matches): a scan of the table or a walk of the tab's name index (it holds the search text), as
 * its statistics make either look cheaper; both stop at the bound. A fresh-clone CI run saw each.
 */
const SHORT_SEARCH_COUNT = 'users full scan|users_live_by_name';

const SHAPES: Shape[] = [
  ...sortShapes(),
  // The role filter: the tab's index by role, the role one range of it.
  { name: 'active, admins', tab: 'active', role: 'admin', page: both([LIVE_ROLE]) },
  // PostgreSQL may as well walk the names and skip the 1 % admins.
  { name: 'pending, standard users', tab: 'pending', role: 'user', page: { sqlite: [LIVE_ROLE], postgres: [`${LIVE_ROLE}|users_live_by_name`] } },
  { name: 'deleted, admins', tab: 'deleted', role: 'admin', page: both([DELETED_ROLE]) },
  // Words of 1-2 characters have no trigram. SQLite counts them in the index by name, which holds
  // the search text (migration 0008), and walks it for the page; PostgreSQL reads the tab (see SHORT_SEARCH_COUNT).
  ...(['k', 'ab'] as const).flatMap((search): Shape[] => [
    {
      name: `active, "${search}"`,
      tab: 'active',
      search,
      count: { sqlite: ['users_live_by_name'], postgres: [SHORT_SEARCH_COUNT] },
      page: { sqlite: ['users_live_by_name'], postgres: ['users_live_by_name'] },
    },
    {
      name: `pending, "${search}"`,
      tab: 'pending',
      search,
      count: { sqlite: ['users_live_by_name'], postgres: [SHORT_SEARCH_COUNT] },
      page: { sqlite: ['users_live_by_name'], postgres: ['users_live_by_name'] },
    },
    {
      name: `deleted, "${search}"`,
      tab: 'deleted',
      search,
      count: { sqlite: [DELETED_ANY], postgres: [DELETED_ANY] },
      page: both(['users_deleted_by_name']),
    },
  ]),
  {
    name: 'active, "k" by email descending',
    tab: 'active',
    search: 'k',
    sortBy: 'email',
    direction: 'desc',
    count: { sqlite: ['users_live_by_name'], postgres: [SHORT_SEARCH_COUNT] },
    page: both(['users_live_by_email']),
  },
  {
    name: 'active, "k", admins',
    tab: 'active',
    search: 'k',
    role: 'admin',
    count: both([LIVE_ROLE]),
    page: both([LIVE_ROLE]),
  },
  // Words of 3+ characters: SQLite counts them in its FTS5 trigram index alone (migration 0008)
  // and walks the order's index for the page while matches are common. PostgreSQL counts them
  // through its pg_trgm index (vacuumed and analyzed as below, also for "mar", a third of the tab).
  {
    name: 'active, "mar"',
    tab: 'active',
    search: 'mar',
    count: { sqlite: ['users_search'], postgres: ['users_active_search_trigram|users full scan'] },
    page: both(['users_live_by_name']),
  },
  {
    name: 'active, "mar" by onboarding descending',
    tab: 'active',
    search: 'mar',
    sortBy: 'onboardedAt',
    direction: 'desc',
    count: { sqlite: ['users_search'], postgres: ['users_active_search_trigram|users full scan'] },
    page: both(['users_live_by_onboarded']),
  },
  {
    name: 'active, rare "12345@"',
    tab: 'active',
    search: '12345@',
    count: both(['users_active_search_trigram|users_search']),
    page: { sqlite: ['users_search', 'sort'], postgres: ['users_active_search_trigram'] },
  },
  {
    name: 'deleted, "lindqvist"',
    tab: 'deleted',
    search: 'lindqvist',
    // PostgreSQL's trigram index of the tab alone (migration 0018; the index of all tabs was ANDed
    // with one of the tab's own).
    count: { sqlite: ['users_search'], postgres: ['users_deleted_search_trigram'] },
    // Few enough matches to read them all through the search index and sort them.
    page: { sqlite: ['users_search', 'sort'], postgres: ['users_deleted_search_trigram'] },
  },
  {
    name: 'active, "anna b" (a short word beside a long one)',
    tab: 'active',
    search: 'anna b',
    count: { sqlite: ['users_search'], postgres: ['users_active_search_trigram'] },
    page: both(['users_live_by_name']),
  },
  // Matches that gather at the end of the order: every "Zoë" sorts after the other first names.
  // Walking the names until the page is full would go through most of the tab, so both read the
  // matches through their search index and sort them (PostgreSQL's planner walked: 642,107 rows
  // thrown away for 25 at a million users).
  {
    name: 'active, "zoe" (matches last by name)',
    tab: 'active',
    search: 'zoe',
    count: { sqlite: ['users_search'], postgres: ['users_active_search_trigram'] },
    walkFirst: both(['users_live_by_name']),
    page: { sqlite: ['users_search', 'sort'], postgres: ['users_active_search_trigram'] },
  },
  // Each tab has its own trigram index on PostgreSQL (migration 0018): the Pending tab's search
  // collects none of the other tabs' candidates.
  {
    name: 'pending, "zoe" (matches last by name)',
    tab: 'pending',
    search: 'zoe',
    count: { sqlite: ['users_search'], postgres: ['users_pending_search_trigram'] },
    walkFirst: both(['users_live_by_name']),
    page: { sqlite: ['users_search', 'sort'], postgres: ['users_pending_search_trigram'] },
  },
  ...keysetShapes(),
  ...signInShapes(),
  ...expiredShapes(),
];

/**
 * The filter "not signed in for N days" (migration 0015): the total counts the entries of the
 * Active tab's index by sign-in before the cutoff (never signed in first); sorted by sign-in, the
 * page is read from the same index.
 */
function signInShapes(): Shape[] {
  const signedInBefore = '2026-06-01T00:00:00.000Z';
  // Here over half of the Active tab matches (a third never signed in): PostgreSQL reads the table
  // rather than two ranges of the index (NULLs, then the dates), as it should for so many rows.
  const SIGN_IN_COUNT = { sqlite: ['users_live_by_signed_in'], postgres: ['users_live_by_signed_in|users full scan'] };
  return [
    {
      name: 'active, not signed in since a date, by last sign-in',
      tab: 'active',
      signedInBefore,
      sortBy: 'lastSignedInAt',
      direction: 'desc',
      count: SIGN_IN_COUNT,
      page: both(['users_live_by_signed_in']),
    },
    {
      name: 'active, not signed in since a date, by name',
      tab: 'active',
      signedInBefore,
      count: SIGN_IN_COUNT,
      page: both(['users_live_by_name']),
    },
    { name: 'active, by last sign-in descending, after a cursor', tab: 'active', sortBy: 'lastSignedInAt', direction: 'desc', cursor: 'after', page: { sqlite: ['users_live_by_signed_in', 'sort'], postgres: ['users_live_by_signed_in'] } },
  ];
}

/**
 * The filter "Expired invitations" (migration 0017): the expired open links are the first entries
 * of the workspace's range in the index of open links by expiry, which names their users. With no
 * other filter the total counts those entries alone (PostgreSQL may read the small table instead
 * when nearly all match); with a search, it reads their users by primary key, never the whole
 * Pending tab. A page walks the order's index: when few links expired, SQLite tries each entry
 * against their users; when most did, it looks up each walked user's open link and its expiry in
 * migration 0019's index ('link probe' in SQLite's plans; PostgreSQL, which walks so either way, may
 * read the same index for each page's join of its links, so there these accesses leave it out). The total stops at `SEARCH_COUNT_CAP`: with another filter beside it, the
 * links are counted up to the cap first; more of them, and each user that filter's index yields is
 * tried for its link until the cap, never every expired link's user.
 */
function expiredShapes(): Shape[] {
  return [
    {
      name: 'pending, a few expired invitations',
      tab: 'pending',
      invitationExpiredBy: EXPIRY_CUTOFFS.few,
      links: true,
      page: { sqlite: ['users_live_by_name', 'invitations_open_by_expiry'], postgres: ['users_live_by_name', 'invitations_open_by_expiry?'] },
    },
    {
      name: 'pending, every invitation expired',
      tab: 'pending',
      invitationExpiredBy: EXPIRY_CUTOFFS.all,
      links: true,
      page: { sqlite: ['users_live_by_name', 'link probe'], postgres: ['users_live_by_name'] },
    },
    {
      name: 'pending, a few expired invitations, "mar"',
      tab: 'pending',
      search: 'mar',
      invitationExpiredBy: EXPIRY_CUTOFFS.few,
      links: true,
      // Fewer links than the cap: their users are read by primary key, the search tried on each.
      count: { sqlite: ['invitations_open_by_expiry'], postgres: ['invitations_open_by_expiry', 'users_pending_search_trigram?'] },
      // Few matches: read them all through the search index and sort them, as the search alone does,
      // each one's link tried (more links than three times the matches).
      page: { sqlite: ['users_search', 'link probe', 'sort'], postgres: ['users_pending_search_trigram|users_live_by_name', 'invitations_open_by_expiry?'] },
    },
    {
      name: 'pending, every invitation expired, by email',
      tab: 'pending',
      invitationExpiredBy: EXPIRY_CUTOFFS.all,
      sortBy: 'email',
      links: true,
      page: { sqlite: ['users_live_by_email', 'link probe'], postgres: ['users_live_by_email'] },
    },
    {
      // More links than the cap: the role's users are walked in the role's index, each link tried, up to the cap.
      name: 'pending, every invitation expired, admins',
      tab: 'pending',
      role: 'admin',
      invitationExpiredBy: EXPIRY_CUTOFFS.all,
      links: true,
      count: { sqlite: ['users_live_by_role_desc', 'link probe'], postgres: ['users_live_by_role|users_live_by_role_desc'] },
      page: { sqlite: ['users_live_by_role_desc', 'link probe'], postgres: ['users_live_by_role|users_live_by_role_desc'] },
    },
    {
      name: 'pending, every invitation expired, "mar"',
      tab: 'pending',
      search: 'mar',
      invitationExpiredBy: EXPIRY_CUTOFFS.all,
      links: true,
      count: { sqlite: ['users_search', 'link probe'], postgres: ['users_pending_search_trigram|users_live_by_name'] },
      // More matches than the total counts: the walk of the order is tried first, and fills the page.
      page: { sqlite: ['users_live_by_name', 'link probe'], postgres: ['users_live_by_name'] },
    },
  ];
}

/** Deep enough that a page found by skipping rows would show in the plan's cost, within every tab shape below. */
const CURSOR_OFFSET = 1000;

/**
 * Keyset pages: each range past the cursor (same name and a later email, a later name; …) reads
 * the order's own index from the cursor on, as the first page does; their union of a few pages
 * is sorted (SQLite shows that sort, of at most three pages of ids). The email alone is one range.
 */
function keysetShapes(): Shape[] {
  const union = (index: Access) => ({ sqlite: [index, 'sort'], postgres: [index] });
  return [
    ...(['after', 'before'] as const).flatMap((cursor): Shape[] => [
      { name: `active, by name, ${cursor} a cursor`, tab: 'active', cursor, page: union('users_live_by_name') },
      { name: `active, by name descending, ${cursor} a cursor`, tab: 'active', sortBy: 'name', direction: 'desc', cursor, page: union('users_live_by_name') },
      { name: `active, by email descending, ${cursor} a cursor`, tab: 'active', sortBy: 'email', direction: 'desc', cursor, page: both(['users_live_by_email']) },
      {
        name: `active, by role descending, ${cursor} a cursor`,
        tab: 'active',
        sortBy: 'role',
        direction: 'desc',
        cursor,
        // PostgreSQL may find the range of the cursor's own name (same role, same name, a later
        // email) in the index by name: as few entries, in the same order.
        page: { sqlite: ['users_live_by_role_desc', 'sort'], postgres: ['users_live_by_role_desc', 'users_live_by_name?'] },
      },
      { name: `active, by invited date, ${cursor} a cursor`, tab: 'active', sortBy: 'invitedAt', direction: 'desc', cursor, page: union('users_live_by_invited') },
      { name: `active, by onboarding date descending, ${cursor} a cursor`, tab: 'active', sortBy: 'onboardedAt', direction: 'desc', cursor, page: union('users_live_by_onboarded') },
      { name: `deleted, by onboarding date, ${cursor} a cursor`, tab: 'deleted', sortBy: 'onboardedAt', direction: 'asc', cursor, page: union('users_deleted_by_onboarded') },
      { name: `pending, by name, ${cursor} a cursor`, tab: 'pending', cursor, page: union('users_live_by_name') },
    ]),
    {
      name: 'active, "k", after a cursor',
      tab: 'active',
      search: 'k',
      cursor: 'after',
      count: { sqlite: ['users_live_by_name'], postgres: [SHORT_SEARCH_COUNT] },
      page: union('users_live_by_name'),
    },
    {
      name: 'active, "mar", after a cursor',
      tab: 'active',
      search: 'mar',
      cursor: 'after',
      count: { sqlite: ['users_search'], postgres: ['users_active_search_trigram|users full scan'] },
      // PostgreSQL reads the cursor's ranges of the name index, and some runs ANDs in the trigram matches.
      page: { sqlite: ['users_live_by_name'], postgres: ['users_live_by_name', 'users_active_search_trigram?'] },
    },
  ];
}

const FIRST = ['Anna', 'Lena', 'Jonas', 'Marie', 'Karl', 'Zoë', 'Jürgen', 'Mario', 'Katharina', 'Ida', 'Paul', 'Émilie', 'Tobias', 'Sabine'];
const LAST = ['Müller', 'Berg', 'Marek', 'Schmidt', 'Keller', 'Nowak', 'Lindqvist', 'Bauer', 'Dubois', 'Fuchs', 'Wagner'];

/** A workspace shaped like the bench's: 65 % active, 30 % pending, 5 % deleted, 1 % admins. */
function seededUsers(workspaceId: string, ownerId: string): UserRow[] {
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  return Array.from({ length: USERS }, (_, index) => {
    const first = FIRST[index % FIRST.length]!;
    const last = LAST[Math.floor(index / FIRST.length) % LAST.length]!;
    const email = `${first.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()}.${last.toLowerCase()}.${index}@plans.test`;
    const invitedAt = new Date(start + ((index * 7919) % 500_000) * 60_000).toISOString();
    const role = index % 97 === 0 ? 'admin' : 'user';
    const row = pendingUserRow({ id: ownerId, workspaceId } as never, { email, firstName: first, lastName: last, role }, newId(), invitedAt);
    if (index % 10 >= 3) Object.assign(row, { status: 'active', onboarded_at: invitedAt });
    // Two in three of them have signed in, over the year.
    if (index % 10 >= 3 && index % 3 !== 0) Object.assign(row, { last_signed_in_at: new Date(start + ((index * 104_729) % 500_000) * 60_000).toISOString() });
    if (index % 20 === 7) Object.assign(row, { deleted_at: invitedAt, deleted_by_id: ownerId, purge_at: '2099-01-01T00:00:00.000Z' });
    return row;
  });
}

/** An open link for every pending user, expiring by `EXPIRY_CUTOFFS`. */
function seededInvitations(users: readonly UserRow[]): NewInvitationRow[] {
  return users
    .filter((user) => user.status === 'pending' && !user.deleted_at)
    .map((user, index) => ({
      id: newId(),
      workspace_id: user.workspace_id,
      user_id: user.id,
      token_hash: newId(),
      created_at: user.invited_at,
      expires_at: index % 16 === 0 ? '2026-02-01T00:00:00.000Z' : '2026-04-01T00:00:00.000Z',
      used_at: null,
      revoked_at: null,
      revoked_reason: null,
      language: 'en',
    }));
}

/** The accesses of one SQLite plan: `EXPLAIN QUERY PLAN`'s rows. */
function sqliteAccesses(rows: { id: number; parent: number; detail: string }[]): Access[] {
  const subqueries = new Set(rows.flatMap(({ detail }) => /^(?:CO-ROUTINE|MATERIALIZE) (\S+)/.exec(detail)?.[1] ?? []));
  return rows.flatMap(({ parent, detail }): Access[] => {
    const index = /^(?:SCAN|SEARCH) \S+ (?:EXISTS )?USING (?:COVERING )?INDEX (\S+)/.exec(detail)?.[1];
    // A user's open link tried for its expiry (migration 0019), told apart from the page's join of each row's link.
    if (index === 'invitations_open_by_user_expiry') return /LEFT-JOIN$/.test(detail) ? [] : ['link probe'];
    if (index) return index === 'sqlite_autoindex_workspace_user_counts_1' ? ['workspace_user_counts pk'] : index.startsWith('users_') || index === 'invitations_open_by_expiry' ? [index] : [];
    if (/^SCAN \S+ VIRTUAL TABLE/.test(detail)) return ['users_search'];
    const scanned = /^SCAN (\S+)$/.exec(detail)?.[1];
    if (scanned && !subqueries.has(scanned)) return [`${scanned === 'u' || scanned === 'r' ? 'users' : scanned} full scan`];
    // Sorting the page's 25 rows at the top is expected; sorting the tab below it is not.
    if (/TEMP B-TREE FOR ORDER BY/.test(detail) && parent !== 0) return ['sort'];
    return [];
  });
}

interface PostgresNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PostgresNode[];
}

/** The accesses of one PostgreSQL plan: `EXPLAIN (FORMAT JSON)`'s tree. */
function postgresAccesses(node: PostgresNode): Access[] {
  const own: Access[] = [];
  const index = node['Index Name'];
  if (index === 'workspace_user_counts_pkey') own.push('workspace_user_counts pk');
  else if ((index?.startsWith('users_') && index !== 'users_pkey') || index === 'invitations_open_by_expiry') own.push(index);
  if (node['Node Type'] === 'Seq Scan' && (node['Relation Name'] === 'users' || node['Relation Name'] === 'workspace_user_counts')) {
    own.push(`${node['Relation Name']} full scan`);
  }
  return [...own, ...(node.Plans ?? []).flatMap(postgresAccesses)];
}

/**
 * Whether the accesses are the expected ones, each once (`a|b` and `\w+` match as patterns; a
 * trailing `?` marks one that may be missing, for a planner that flips between two equally short
 * plans from run to run).
 */
function matches(actual: Access[], expected: Access[]): boolean {
  const left = [...new Set(actual)];
  for (const entry of expected) {
    const optional = entry.endsWith('?');
    const pattern = optional ? entry.slice(0, -1) : entry;
    const at = left.findIndex((access) => new RegExp(`^(?:${pattern})$`).test(access));
    if (at < 0 && !optional) return false;
    if (at >= 0) left.splice(at, 1);
  }
  return left.length === 0;
}

/**
 * A pool of one connection that ignores the error of a connection ended from the server's side: the
 * test database is dropped `with (force)` after the tests, and a connection still closing then
 * reports "terminating connection due to administrator command", which without a listener was an
 * uncaught exception that failed the file now and then (as `openDatabase`'s own pool does).
 */
function quietPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {});
  return pool;
}

/**
 * A connection to the seeded database that records every statement it runs into `statements`. On
 * PostgreSQL with the same statistics every run: autovacuum, left on, may or may not have visited
 * the fresh `table` by then (it sets the visibility map and statistics of its own), and PostgreSQL
 * then chose a scan of the tab one run and the trigram index the next for the same search.
 */
async function recordingConnection(url: string, table: 'users' | 'audit_log', statements: CompiledQuery[]): Promise<Kysely<Database>> {
  const log = (event: { level: string; query: CompiledQuery }) => void (event.level === 'query' && statements.push(event.query));
  const db =
    testDialect === 'postgres'
      ? new Kysely<Database>({ dialect: new PostgresDialect({ pool: quietPool(url) }), log })
      : new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(sqliteLocation(url)) }), log });
  if (testDialect === 'postgres') {
    await db.executeQuery(CompiledQuery.raw(`alter table ${table} set (autovacuum_enabled = false)`));
    await db.executeQuery(CompiledQuery.raw('vacuum analyze'));
  }
  return db;
}

describe(`query plans of the list, its search and its counts (${testDialect})`, () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let workspaceId: string;
  /** Every statement run through `db` since the last `take()`. */
  const statements: CompiledQuery[] = [];

  before(async () => {
    database = await createTestDatabase();
    const seeding = await openDatabase(database.url);
    const created = await createWorkspace(
      { db: seeding.db, clock: new ManualClock() },
      { name: 'Plans', owner: { email: 'owner@plans.test', firstName: 'Olivia', lastName: 'Owner' } },
    );
    workspaceId = created.workspaceId;
    const users = seededUsers(workspaceId, created.owner.id);
    await seeding.db.transaction().execute(async (trx) => {
      await insertUsers(trx, users);
      await insertMany(trx, 'invitations', seededInvitations(users));
    });
    // Another workspace, so that every plan must narrow to one.
    const other = await createWorkspace({ db: seeding.db, clock: new ManualClock() }, { name: 'Other', owner: { email: 'owner@other.test', firstName: 'O', lastName: 'Other' } });
    await seeding.db.transaction().execute((trx) => insertUsers(trx, seededUsers(other.workspaceId, other.owner.id).slice(0, 2000)));
    await seeding.close();
    db = await recordingConnection(database.url, 'users', statements);
  });
  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /** The accesses of each statement run since the last call, by what it is for. */
  async function plansOfLastStatements(): Promise<{ counters: Access[][]; links: Access[][]; count: Access[][]; page: Access[][] }> {
    const run = statements.splice(0);
    const plans = { counters: [] as Access[][], links: [] as Access[][], count: [] as Access[][], page: [] as Access[][] };
    for (const statement of run) {
      const accesses =
        testDialect === 'postgres'
          ? postgresAccesses(
              ((await db.executeQuery(CompiledQuery.raw(`explain (format json) ${statement.sql}`, [...statement.parameters]))).rows[0] as {
                'QUERY PLAN': [{ Plan: PostgresNode }];
              })['QUERY PLAN'][0].Plan,
            )
          : sqliteAccesses(
              (await db.executeQuery(CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]))).rows as never,
            );
      const kind = statement.sql.includes('workspace_user_counts')
        ? 'counters'
        : /^select count\(\*\) as "count" from \(select "inv"\."user_id" from "invitations"/.test(statement.sql)
          ? 'links'
          : /^select count\(\*\)/.test(statement.sql)
            ? 'count'
            : 'page';
      plans[kind].push(accesses);
      statements.splice(0);
    }
    return plans;
  }

  /** The sort key of the row at `offset` of a list, as a page cursor holds it. */
  async function keyAt(filter: UserListFilter, offset: number) {
    const { rows } = await listUsers(db, workspaceId, { ...filter, offset, limit: 1 });
    assert.ok(rows[0], `the list has a row at ${offset}`);
    return SORT_KEY_COLUMNS[filter.sortBy].map((column) => rows[0]![column]);
  }

  /** The counters row by its key; PostgreSQL reads a table of two rows whole. */
  const COUNTERS = testDialect === 'postgres' ? ['workspace_user_counts pk|workspace_user_counts full scan'] : ['workspace_user_counts pk'];

  it('reads the KPIs and tab counts from the counters row', async () => {
    statements.splice(0);
    await readUserCounts(db, workspaceId);
    const { counters } = await plansOfLastStatements();
    assert.equal(counters.length, 1);
    assert.ok(matches(counters[0]!, COUNTERS), `the counters read ${JSON.stringify(counters[0])}`);
  });

  for (const shape of SHAPES) {
    it(shape.name, async () => {
      const filter = {
        tab: shape.tab,
        searchWords: searchWords(shape.search ?? ''),
        role: shape.role ?? 'all',
        sortBy: shape.sortBy ?? 'name',
        direction: shape.direction ?? 'asc',
        offset: 0,
        limit: 25,
        signedInBefore: shape.signedInBefore,
        invitationExpiredBy: shape.invitationExpiredBy,
      } as const;
      const cursor = shape.cursor && { way: shape.cursor, key: await keyAt(filter, CURSOR_OFFSET) };
      statements.splice(0);
      const { rows, total } = await listUsers(db, workspaceId, { ...filter, cursor });
      assert.ok(rows.length > 0 && total >= rows.length, `${shape.name}: the shape finds somebody`);
      const plans = await plansOfLastStatements();
      for (const counters of plans.counters) assert.ok(matches(counters, COUNTERS), `${shape.name}: the counters read ${JSON.stringify(counters)}`);
      const want = { count: shape.count?.[testDialect], page: shape.page[testDialect] };
      assert.equal(plans.links.length > 0, shape.links === true, `${shape.name}: ${shape.links ? 'the expired links are counted' : 'no links are counted'}`);
      // PostgreSQL may read the small table instead, up to the cap, when nearly all match.
      const linkIndex = testDialect === 'postgres' ? 'invitations_open_by_expiry?' : 'invitations_open_by_expiry';
      for (const links of plans.links) assert.ok(matches(links, [linkIndex]), `${shape.name}: the links are counted in their index, read ${JSON.stringify(links)}`);
      assert.equal(plans.count.length, want.count ? 1 : 0, `${shape.name}: ${want.count ? 'one statement counts' : 'the counters answer the total'}`);
      if (want.count) assert.ok(matches(plans.count[0]!, want.count), `${shape.name}: the total reads ${JSON.stringify(plans.count[0])}, expected ${JSON.stringify(want.count)}`);
      const walk = shape.walkFirst?.[testDialect];
      if (walk) {
        assert.equal(plans.page.length, 2, `${shape.name}: a walk, then a read of the matches`);
        const walked = plans.page.shift()!;
        assert.ok(matches(walked, walk), `${shape.name}: the walk reads ${JSON.stringify(walked)}, expected ${JSON.stringify(walk)}`);
      }
      assert.equal(plans.page.length, 1, `${shape.name}: one statement reads the page`);
      assert.ok(matches(plans.page[0]!, want.page), `${shape.name}: the page reads ${JSON.stringify(plans.page[0])}, expected ${JSON.stringify(want.page)}`);
    });
  }
});

/**
 * The audit log's reads (the Activity view and a user's history): each filter's page and its
 * capped count from the filter's own index (migration 0016), first page and after a cursor,
 * never the whole log, never a sort of it. The joined users are read by their primary key.
 */
describe(`query plans of the audit log (${testDialect})`, () => {
  const ENTRIES = 40_000;
  let database: TestDatabase;
  let db: Kysely<Database>;
  let workspaceId: string;
  const people: { id: string; email: string }[] = [];
  const statements: CompiledQuery[] = [];

  before(async () => {
    database = await createTestDatabase();
    const seeding = await openDatabase(database.url);
    const clock = new ManualClock();
    const created = await createWorkspace({ db: seeding.db, clock }, { name: 'Log', owner: { email: 'owner@log.test', firstName: 'O', lastName: 'Owner' } });
    workspaceId = created.workspaceId;
    const other = await createWorkspace({ db: seeding.db, clock }, { name: 'Other log', owner: { email: 'owner@otherlog.test', firstName: 'O', lastName: 'Other' } });
    for (let index = 0; index < 4000; index++) people.push({ id: newId(), email: `person${index}@log.test` });
    // The people are users of the workspace, so that the page's names are read as a large table's would be.
    const users = people.map(({ id, email }) =>
      pendingUserRow({ id: created.owner.id, workspaceId } as never, { email, firstName: 'P', lastName: email, role: 'user' }, id, '2026-01-01T00:00:00.000Z'),
    );
    await seeding.db.transaction().execute((trx) => insertUsers(trx, users));
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const entry = (workspace: string, index: number) =>
      auditEntry(
        workspace,
        // 40 admins act; every user is the target of ten entries, a year apart at most.
        people[(index * 7) % 40]!,
        AUDIT_ACTIONS[index % AUDIT_ACTIONS.length]!,
        people[index % people.length]!,
        new Date(start + ((index * 7919) % 525_600) * 60_000).toISOString(),
      );
    await seeding.db.transaction().execute(async (trx) => {
      await insertAuditEntries(trx, Array.from({ length: ENTRIES }, (_, index) => entry(workspaceId, index)));
      await insertAuditEntries(trx, Array.from({ length: 4000 }, (_, index) => entry(other.workspaceId, index)));
    });
    await seeding.close();
    db = await recordingConnection(database.url, 'audit_log', statements);
  });
  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /** The audit log's indexes a plan reads, a read of all its rows, or a sort. */
  function accessesOf(plan: unknown): Access[] {
    if (testDialect === 'sqlite') {
      return (plan as { parent: number; detail: string }[]).flatMap(({ detail }): Access[] => {
        const index = /^(?:SCAN|SEARCH) (\S+) USING (?:COVERING )?INDEX (\S+)/.exec(detail);
        if (index) return index[2]!.startsWith('audit_log_') ? [index[2]!] : [];
        const scanned = /^SCAN (\S+)$/.exec(detail)?.[1];
        if (scanned && scanned !== 'm') return [`${scanned === 'a' ? 'audit_log' : 'users'} full scan`];
        return /TEMP B-TREE FOR ORDER BY/.test(detail) ? ['sort'] : [];
      });
    }
    const walk = (node: PostgresNode): Access[] => {
      const own: Access[] = [];
      if (node['Index Name']?.startsWith('audit_log_')) own.push(node['Index Name']);
      if (node['Node Type'] === 'Seq Scan') own.push(`${node['Relation Name']} full scan`);
      if (node['Node Type'] === 'Sort') own.push('sort');
      return [...own, ...(node.Plans ?? []).flatMap(walk)];
    };
    return walk((plan as [{ Plan: PostgresNode }])[0].Plan);
  }

  async function plansOf(run: () => Promise<unknown>): Promise<{ page: Access[]; count: Access[] }> {
    statements.splice(0);
    await run();
    const run_ = statements.splice(0);
    const plans: Access[][] = [];
    for (const statement of run_) {
      const explain = testDialect === 'postgres' ? `explain (format json) ${statement.sql}` : `explain query plan ${statement.sql}`;
      const { rows } = await db.executeQuery(CompiledQuery.raw(explain, [...statement.parameters]));
      plans.push(accessesOf(testDialect === 'postgres' ? (rows[0] as { 'QUERY PLAN': unknown })['QUERY PLAN'] : rows));
    }
    statements.splice(0);
    assert.equal(plans.length, 2, 'one statement for the page, one for the count');
    return { page: plans[0]!, count: plans[1]! };
  }

  const SHAPES: { name: string; filter: () => z.input<typeof listAuditInput>; index: Access; count?: Access }[] = [
    // PostgreSQL may count the whole log's first 10,001 entries in table order, as they come: it stops there either way.
    { name: 'the whole log', filter: () => ({}), index: 'audit_log_by_time', count: 'audit_log_by_time|audit_log full scan' },
    { name: 'a date range', filter: () => ({ from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' }), index: 'audit_log_by_time' },
    { name: "a user's history", filter: () => ({ targetId: people[17]!.id }), index: 'audit_log_by_target' },
    { name: 'by actor', filter: () => ({ actorId: people[7]!.id }), index: 'audit_log_by_actor' },
    { name: 'by action', filter: () => ({ action: 'user.deleted' }), index: 'audit_log_by_action' },
    { name: 'by target email', filter: () => ({ targetEmail: 'PERSON17@log.test' }), index: 'audit_log_by_target_email' },
    // A two-sided time range (and a cursor) beside an equality: SQLite, unled, read the range through the index by time.
    { name: 'by action in a date range', filter: () => ({ action: 'user.deleted', from: '2026-03-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }), index: 'audit_log_by_action' },
    { name: 'by actor in a date range', filter: () => ({ actorId: people[7]!.id, from: '2026-02-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }), index: 'audit_log_by_actor' },
  ];

  for (const shape of SHAPES) {
    for (const paged of [false, true]) {
      it(`${shape.name}${paged ? ', after a cursor' : ''}`, async () => {
        const caller = { workspaceId } as Caller;
        const deps = { db } as Deps;
        const input = (cursor?: string) => z.parse(listAuditInput, { ...shape.filter(), limit: 5, cursor });
        let cursor: string | undefined;
        if (paged) {
          cursor = (await listAudit(deps, caller, input())).nextCursor ?? undefined;
          assert.ok(cursor, `${shape.name}: more than a page`);
        }
        const plans = await plansOf(() => listAudit(deps, caller, input(cursor)));
        assert.ok(matches(plans.page, [shape.index]), `${shape.name}: the page reads ${JSON.stringify(plans.page)}, expected ${shape.index}`);
        const count = (testDialect === 'postgres' && shape.count) || shape.index;
        assert.ok(matches(plans.count, [count]), `${shape.name}: the count reads ${JSON.stringify(plans.count)}, expected ${count}`);
      });
    }
  }
});
