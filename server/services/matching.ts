/**
 * "Act on all matching users": a bulk action on every user a filter of the list selects (the tab,
 * search and filters the admin sees, on all pages) rather than on a list of ids. The writes are
 * the id-based actions' own, run on the ids the filter selects inside their transaction.
 */
import { DEFAULT_MATCHING_MAX_USERS, type MatchingAction, RESEND_COOLDOWN_SECONDS } from '../../shared/constants.ts';
import type { BulkResult, MatchingCount } from '../../shared/schemas.ts';
import type { DB } from '../db/database.ts';
import { countListedUsers, findListedUserIds, type UserListScope } from '../db/repositories/users.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import type { Caller } from './actor.ts';
import { type ListFilter, deleteUsersSoftly, listScope, purgeUsers, resendInvitations, restoreUsers, write } from './users.ts';

export interface ActOnMatchingCommand {
  action: MatchingAction;
  filter: ListFilter;
  /** The count the admin confirmed (`countMatching`'s `count`). */
  expectedCount: number;
}

/** The id-based bulk action each matching action runs, in the transaction it is given. */
const BY_IDS: Record<MatchingAction, (deps: Deps, caller: Caller, ids: readonly string[], within: DB) => Promise<BulkResult>> = {
  resend: resendInvitations,
  delete: deleteUsersSoftly,
  restore: restoreUsers,
  purge: purgeUsers,
};

const matchingMaxUsersOf = (deps: Deps): number => deps.settings.matchingMaxUsers ?? DEFAULT_MATCHING_MAX_USERS;

/**
 * The users an action acts on among those the list's scope selects: all of them, except that a
 * resend leaves out those whose previous send is within the cooldown (as the resend by ids does).
 * The input schema has already refused an action on a tab it does not apply to.
 */
function actedOnScope(deps: Deps, action: MatchingAction, listed: UserListScope): UserListScope {
  if (action !== 'resend') return listed;
  return { ...listed, invitationSentBy: new Date(deps.clock.now().getTime() - RESEND_COOLDOWN_SECONDS * 1000).toISOString() };
}

function tooMany(cap: number, actual?: number): DomainError {
  const figure = actual === undefined ? 'more' : actual.toLocaleString('en');
  return new DomainError(
    'BAD_REQUEST',
    'MATCHING_TOO_MANY',
    `At most ${cap.toLocaleString('en')} users can be changed at once, and ${figure} match: narrow the search or filter`,
    actual === undefined ? { limit: cap } : { limit: cap, actual },
  );
}

/**
 * The ids an action acts on, at most `cap + 1` of them (one more says the cap is passed), and how
 * many ids the scope gave (at most `cap + 2`). A delete leaves out the admin who acts, as the
 * page's checkbox never ticks their own row: "select all matching" on the Active tab would
 * otherwise always meet the guard against deleting oneself.
 */
async function actedOnIds(db: DB, caller: Caller, action: MatchingAction, scope: UserListScope, cap: number) {
  const listed = await findListedUserIds(db, caller.workspaceId, scope, cap + 2);
  const acted = action === 'delete' ? listed.filter((id) => id !== caller.id) : listed;
  return { listed: listed.length, ids: acted.slice(0, cap + 1) };
}

/**
 * How many users the filter selects and how many of them the action would act on; refused above
 * the cap. A delete reads the ids alone, one statement: up to `cap + 1` of them are the count of
 * both figures (the admin who acts may be one), and only beyond that is the scope counted, for
 * the refusal's figure.
 */
export async function countMatching(deps: Deps, caller: Caller, action: MatchingAction, filter: ListFilter): Promise<MatchingCount> {
  const cap = matchingMaxUsersOf(deps);
  const listed = listScope(deps, filter);
  if (action === 'delete') {
    const { listed: matching, ids } = await actedOnIds(deps.db, caller, action, listed, cap);
    if (matching > cap + 1) throw tooMany(cap, await countListedUsers(deps.db, caller.workspaceId, listed));
    if (ids.length > cap) throw tooMany(cap, matching);
    return { matching, count: ids.length };
  }
  const matching = await countListedUsers(deps.db, caller.workspaceId, listed);
  const count = action === 'resend' ? await countListedUsers(deps.db, caller.workspaceId, actedOnScope(deps, action, listed)) : matching;
  if (count > cap) throw tooMany(cap, count);
  return { matching, count };
}

/**
 * Acts on every user the filter selects, in one transaction holding the workspace's write lock:
 * the filter is evaluated again in it, and unless it still selects the `expectedCount` the admin
 * confirmed, nothing is done (CONFLICT, `MATCHING_CHANGED` with the new `count`). A delete leaves
 * out the admin who acts (see `actedOnIds`). The id-based
 * action's guards then apply to all of them (one refused user refuses the call and is named), and
 * each user gets its audit entry. A resend's emails go through the outbox, after the commit.
 */
export async function actOnMatching(deps: Deps, caller: Caller, command: ActOnMatchingCommand): Promise<BulkResult> {
  const cap = matchingMaxUsersOf(deps);
  return write(deps, caller, async (trx) => {
    // Built once: the over-cap count is of the very scope the ids were read with (a resend's cooldown from the same instant).
    const scope = actedOnScope(deps, command.action, listScope(deps, command.filter));
    const { ids } = await actedOnIds(trx, caller, command.action, scope, cap);
    if (ids.length > cap) throw tooMany(cap, await countListedUsers(trx, caller.workspaceId, scope));
    if (ids.length !== command.expectedCount) {
      throw new DomainError(
        'CONFLICT',
        'MATCHING_CHANGED',
        `${ids.length.toLocaleString('en')} users match now, not the ${command.expectedCount.toLocaleString('en')} confirmed: nothing was done`,
        { count: ids.length },
      );
    }
    if (ids.length === 0) return { results: [] };
    return BY_IDS[command.action](deps, caller, ids, trx);
  });
}
