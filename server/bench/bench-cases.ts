/** The list's cases of `npm run bench`, the same on SQLite and PostgreSQL (bench.ts, postgres.ts). */
import { SEARCH_COUNT_CAP } from '../../shared/constants.ts';
import type { Deps } from '../deps.ts';
import type { Caller } from '../services/actor.ts';
import { getSummary, type ListUsersQuery, listUsers } from '../services/users.ts';

export interface Case {
  name: string;
  query: Partial<ListUsersQuery> & Pick<ListUsersQuery, 'tab'>;
}

export const listQuery = (query: Case['query']): ListUsersQuery => ({
  search: '',
  role: 'all',
  sort: { by: 'name', direction: 'asc' },
  offset: 0,
  limit: 25,
  ...query,
});

/**
 * The list's cases, the same on both databases: first pages, a deep page by offset (a jump) and by
 * cursor (Next from the page before it), searches, role filters, sorts and the expiry filter.
 */
export async function benchCases(deps: Deps, caller: Caller): Promise<Case[]> {
  const summary = await getSummary(deps, caller);
  const deepOffset = Math.floor(summary.counts.active / 2 / 25) * 25;
  const before = await listUsers(deps, caller, listQuery({ tab: 'active', offset: deepOffset - 25 }));
  const deepCursor = before.nextCursor ?? undefined;
  return [
    { name: 'Active, first page', query: { tab: 'active' } },
    { name: 'Pending, first page', query: { tab: 'pending' } },
    { name: 'Recently deleted, first page', query: { tab: 'deleted' } },
    { name: `Active, deep page (offset ${deepOffset.toLocaleString('en')})`, query: { tab: 'active', offset: deepOffset } },
    { name: `Active, deep page by cursor (offset ${deepOffset.toLocaleString('en')}, Next from the page before)`, query: { tab: 'active', cursor: deepCursor } },
    { name: 'Search, common prefix "mar"', query: { tab: 'active', search: 'mar' } },
    { name: 'Search, substring "ller"', query: { tab: 'active', search: 'ller' } },
    { name: 'Search, accented "Müller"', query: { tab: 'active', search: 'Müller' } },
    { name: 'Search, "zoe" (every match sorts last by name)', query: { tab: 'active', search: 'zoe' } },
    { name: 'Search, two words "anna berg"', query: { tab: 'active', search: 'anna berg' } },
    { name: 'Search, rare "4711@"', query: { tab: 'active', search: '4711@' } },
    { name: 'Search, no match "qxzv"', query: { tab: 'active', search: 'qxzv' } },
    { name: 'Search, one letter "k" (no trigram)', query: { tab: 'active', search: 'k' } },
    { name: 'Search, two letters "ab" (no trigram)', query: { tab: 'active', search: 'ab' } },
    { name: 'Role filter, admins', query: { tab: 'active', role: 'admin' } },
    { name: 'Role filter, standard users', query: { tab: 'active', role: 'user' } },
    { name: 'Sort by name, descending', query: { tab: 'active', sort: { by: 'name', direction: 'desc' } } },
    { name: 'Sort by email', query: { tab: 'active', sort: { by: 'email', direction: 'asc' } } },
    { name: 'Sort by role', query: { tab: 'active', sort: { by: 'role', direction: 'desc' } } },
    { name: 'Sort by invited date', query: { tab: 'active', sort: { by: 'invitedAt', direction: 'desc' } } },
    { name: 'Sort by onboarding date', query: { tab: 'active', sort: { by: 'onboardedAt', direction: 'desc' } } },
    { name: 'Sort by deleted date (Recently deleted)', query: { tab: 'deleted', sort: { by: 'deletedAt', direction: 'desc' } } },
    { name: EXPIRED_CASE, query: { tab: 'pending', expired: true } },
  ];
}

export const EXPIRED_CASE = 'Pending, expired invitations';

/** What the expiry filter's figures say, on either database: `figure` is its p50 / p95 or p95 line. */
export const expiredReading = (figure: string) =>
  `- **"Expired invitations"** ${figure}: in the seed nearly every pending user's link has expired (old invitations expire and stay), ` +
  `so the list's total stops counting at ${SEARCH_COUNT_CAP.toLocaleString('en')} ("${SEARCH_COUNT_CAP.toLocaleString('en')}+", \`totalCapped\`, as a search's does): ` +
  'counted exactly, every expired link in migration 0017\'s index was an entry to count (298,095 at a million users: 26 / 127 ms on SQLite, 48 / 60 ms on PostgreSQL, ' +
  'whose planner read the small table whole) while the page took under 1 ms, walking the name index and looking up each user\'s open link. ' +
  'Beside a role or a search the links are counted up to the cap first, then the users that filter\'s index yields are tried for their link up to the cap, ' +
  'each in migration 0019\'s index of open links by user and expiry (the expired admins: 1.8 s exact on SQLite, 3 ms p50 bounded; PostgreSQL 2.5 s and 7 ms). ' +
  '"Resend all expired" still confirms the exact number.';
