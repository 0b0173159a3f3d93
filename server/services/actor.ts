import type { Role, Status } from '../../shared/constants.ts';

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
}

export const isActiveAdmin = (caller: Pick<Caller, 'role' | 'status'>) =>
  caller.role === 'admin' && caller.status === 'active';
