/**
 * The answers the element's events carry, written out rather than inferred from the zod schemas:
 * the element's published declarations name these, and a front-end app installs no zod to read
 * them. schemas.ts checks that each schema infers exactly its type here.
 */
import type { ACTION_OUTCOMES } from './schemas.ts';
import type { InactiveDays, Role, RoleFilter, Status, Tab } from './constants.ts';

export interface PersonRef {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface User {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
  status: Status;
  /** Which tab the user is in. */
  state: Tab;
  invitedAt: string;
  invitedBy: PersonRef | null;
  lastInvitationSentAt: string | null;
  invitationSendCount: number;
  /** A pending invitee's: when a resend is allowed (one per minute; a past time once it is). Null for everyone else. */
  resendAvailableAt: string | null;
  /** When the open invitation link expires; null when there is none. */
  invitationExpiresAt: string | null;
  onboardedAt: string | null;
  /** When they last signed in (a session made, or a host's sign-in, noted at most hourly); null: never. */
  lastSignedInAt: string | null;
  deletedAt: string | null;
  deletedBy: PersonRef | null;
  /** When retention runs out and the user is removed for good. */
  purgeAt: string | null;
}

export interface Summary {
  kpis: {
    /** Pending plus active users; deleted users are not counted. */
    invited: number;
    /** Active users: onboarding completed. */
    completed: number;
    /** Pending invitations. */
    pending: number;
    /** completed / invited as a percentage with one decimal; 0 when nobody is invited. */
    completionRate: number;
  };
  counts: { active: number; pending: number; deleted: number };
  /** Active admins: the element explains the last-admin guard before the server has to. */
  activeAdmins: number;
  /** The server's clock, so "expired" and "purged in N days" do not depend on the browser's. */
  serverTime: string;
  retentionDays: number;
  invitationTtlDays: number;
}

/** What a bulk action did to one user. */
export interface BulkOutcome {
  id: string;
  email: string;
  outcome: (typeof ACTION_OUTCOMES)[number];
  /** With `skipped_recently_sent`: when this user's resend is allowed. */
  resendAvailableAt?: string;
}

export interface BulkResult {
  results: BulkOutcome[];
}

/**
 * The list's filter without its sort and paging: the users "act on all matching users" acts on
 * (`users.matchingCount`, `users.actOnMatching`), and what `panta-request-delete` names then.
 */
export interface MatchingFilter {
  tab: Tab;
  search?: string | undefined;
  role?: RoleFilter | undefined;
  /** Not signed in for this many days (Active only). */
  inactiveDays?: InactiveDays | undefined;
  /** Only invitations whose link has expired (Pending only). */
  expired?: true | undefined;
}
