/**
 * "Act on all matching users": a bulk action on every user a list filter selects (the tab, search
 * and filters the admin sees, on all pages), not on a list of ids.
 */
import type { MatchingAction } from '../../shared/constants.ts';
import type { BulkResult, MatchingCount, MatchingFilter } from '../../shared/schemas.ts';
import type { Deps } from '../deps.ts';
import type { Caller } from './actor.ts';

export async function countMatching(_deps: Deps, _caller: Caller, _action: MatchingAction, _filter: MatchingFilter): Promise<MatchingCount> {
  throw new Error('not yet');
}

export async function actOnMatching(_deps: Deps, _caller: Caller, _command: { action: MatchingAction; filter: MatchingFilter; expectedCount: number }): Promise<BulkResult> {
  throw new Error('not yet');
}
