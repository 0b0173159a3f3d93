import type { Language, Role, Status } from '../../shared/constants.ts';
import { DomainError } from '../errors.ts';

/** Who is calling, as read from the database on this request. */
export interface Caller {
  id: string;
  workspaceId: string;
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
  status: Status;
  /** Set when the caller signed in with one of our sessions. */
  sessionId: string | null;
  /**
   * The language the caller's element speaks on this request (`Accept-Language`), which the
   * invitations they send keep; English when not said.
   */
  language?: Language;
}

export const isActiveAdmin = (caller: Pick<Caller, 'role' | 'status'>) =>
  caller.role === 'admin' && caller.status === 'active';

/** Nobody (or a dead session) is calling. */
export const notSignedIn = () => new DomainError('UNAUTHORIZED', 'NOT_SIGNED_IN', 'Sign in to continue');

/** The caller is not (or no longer) an active admin. */
export const notAdmin = () => new DomainError('FORBIDDEN', 'NOT_ADMIN', 'Only administrators can manage users');

/** The refusals every admin entry point gives, in this order: who is calling, then whether they may. */
export function assertActiveAdmin(caller: Caller | null): asserts caller is Caller {
  if (!caller) throw notSignedIn();
  if (!isActiveAdmin(caller)) throw notAdmin();
}
