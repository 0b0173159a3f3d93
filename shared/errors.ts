import type { ImportErrorReason } from './import.ts';
import type { InviteListErrorReason, RefusedEntry } from './invite-list.ts';
import type { Language } from './constants.ts';
import type { LiveErrorReason } from './live.ts';

/**
 * Machine-readable reasons the server gives with an error, beside the tRPC code.
 * The element maps each reason to a message in its own language; scripts can branch on them.
 */
export const ERROR_REASONS = [
  /** Invite: the email belongs to an active user. */
  'EMAIL_TAKEN_ACTIVE',
  /** Invite: the email already has a pending invitation. */
  'EMAIL_TAKEN_PENDING',
  /** Invite: the email belongs to a user in Recently deleted; restore instead. */
  'EMAIL_TAKEN_DELETED',
  /** Invite: the address is not valid (its domain is no valid domain name, say). */
  'EMAIL_INVALID',
  /** Invite: the local part or a label of the domain mixes scripts (Latin and Cyrillic, say). */
  'EMAIL_MIXED_SCRIPTS',
  /** Invite: the address passes for another, Latin one, named in `email` (`аdmin@…` with a Cyrillic а). */
  'EMAIL_CONFUSABLE',
  /** Another write claimed the same unique value first. */
  'UNIQUE_VIOLATION',
  'SELF_DELETE',
  'SELF_DEMOTE',
  'LAST_ADMIN_DELETE',
  'LAST_ADMIN_DEMOTE',
  /** Edit: a user who has completed onboarding keeps a first and a last name (accepting asked for both). */
  'NAME_REQUIRED',
  /** The action needs a pending invitation and the user is not one. */
  'NOT_PENDING',
  /** The action needs a user in Recently deleted and the user is not there. */
  'NOT_DELETED',
  /** The action needs a user that is not deleted. */
  'USER_DELETED',
  /** Restore: the retention window has run out. */
  'RETENTION_EXPIRED',
  /** Resend: the previous send was less than a minute ago. */
  'RESEND_TOO_SOON',
  /**
   * Act on all matching users: the users the filter selects are no longer the count the admin
   * confirmed (another admin's change, a sign-in, a link expiring); nothing was done. `count`: the new count.
   */
  'MATCHING_CHANGED',
  /** Act on all matching users: more users than the server's cap (`limit`; `actual` when known); nothing was done. */
  'MATCHING_TOO_MANY',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_USED',
  'TOKEN_REVOKED',
  'USER_NOT_FOUND',
  'NOT_SIGNED_IN',
  'NOT_ADMIN',
  /** Too many calls of this kind from this admin, workspace or address: wait `retryAfterSeconds`. */
  'RATE_LIMITED',
  /** The database takes no writes now (read-only, disk full, locked): nothing was changed; try again later. */
  'DATABASE_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

/** What `error.data` holds on every error the server sends. */
export interface PantaErrorData {
  code: string;
  httpStatus: number;
  reason?: ErrorReason | ImportErrorReason | InviteListErrorReason | LiveErrorReason;
  /** The user a guard refused, for bulk actions. */
  userId?: string;
  email?: string;
  /** For `MATCHING_CHANGED`: how many users the action would act on now. */
  count?: number;
  /** For a link that can no longer be used (`TOKEN_USED`, `TOKEN_REVOKED`, `TOKEN_EXPIRED`): its invitation's language, which the accept page speaks. */
  language?: Language;
  /** For TOO_MANY_REQUESTS: how long to wait. */
  retryAfterSeconds?: number;
  /** For a cap an upload passed (`IMPORT_FILE_TOO_LARGE`, `IMPORT_UNPACKS_TOO_LARGE` in bytes, `IMPORT_TOO_MANY_ROWS` in rows): the cap. */
  limit?: number;
  /** With `limit`: the file's own figure, when the server knows it. */
  actual?: number;
  /** For `INVITES_REFUSED`: every entry of the list that would not be invited, with its verdict. */
  refused?: RefusedEntry[];
  /** For input errors: zod's issues, by field. */
  fieldErrors?: Record<string, string[]>;
  formErrors?: string[];
  /** Also in the server's log line for this request. */
  requestId?: string;
  /** Only outside production. */
  stack?: string;
}
