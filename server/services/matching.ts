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
 * The users an action acts on among those the filter selects: all of them, except that a resend
 * leaves out those whose previous send is within the cooldown (as the resend by ids does).
 * The input schema has already refused an action on a tab it does not apply to.
 */
function actedOnScope(deps: Deps, action: MatchingAction, filter: ListFilter): UserListScope {
  const scope = listScope(deps, filter);
  if (action !== 'resend') return scope;
  return { ...scope, invitationSentBy: new Date(deps.clock.now().getTime() - RESEND_COOLDOWN_SECONDS * 1000).toISOString() };
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
 * The ids an action acts on, at most `cap + 1` of them (one more says the cap is passed). A delete
 * leaves out the admin who acts, as the page's checkbox never ticks their own row: "select all
 * matching" on the Active tab would otherwise always meet the guard against deleting oneself.
 */
async function actedOnIds(db: DB, deps: Deps, caller: Caller, action: MatchingAction, filter: ListFilter, cap: number): Promise<string[]> {
  const ids = await findListedUserIds(db, caller.workspaceId, actedOnScope(deps, action, filter), cap + 2);
  const acted = action === 'delete' ? ids.filter((id) => id !== caller.id) : ids;
  return acted.slice(0, cap + 1);
}

/** How many users the filter selects and how many of them the action would act on; refused above the cap. */
export async function countMatching(deps: Deps, caller: Caller, action: MatchingAction, filter: ListFilter): Promise<MatchingCount> {
  const scope = listScope(deps, filter);
  const matching = await countListedUsers(deps.db, caller.workspaceId, scope);
  const cap = matchingMaxUsersOf(deps);
  const count = action === 'resend' ? await countListedUsers(deps.db, caller.workspaceId, actedOnScope(deps, action, filter)) : matching;
  if (count > cap + (action === 'delete' ? 1 : 0)) throw tooMany(cap, count);
  if (action !== 'delete') return { matching, count };
  const ids = await actedOnIds(deps.db, deps, caller, action, filter, cap);
  if (ids.length > cap) throw tooMany(cap, count);
  return { matching, count: ids.length };
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
    const ids = await actedOnIds(trx, deps, caller, command.action, command.filter, cap);
    if (ids.length > cap) throw tooMany(cap, await countListedUsers(trx, caller.workspaceId, actedOnScope(deps, command.action, command.filter)));
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
