/**
 * The API's contract: what it answers (output schemas), plus everything it accepts, re-exported
 * from ./inputs.ts. The server validates both; the element imports ./inputs.ts only.
 */
import * as z from 'zod/mini';
import { AUDIT_ACTIONS, LANGUAGES, STATUSES } from './constants.ts';
import type { BulkResult, MatchingFilter, Summary, User } from './api-types.ts';
import { matchingFilterSchema, roleSchema, tabSchema } from './inputs.ts';

export * from './inputs.ts';
export type { BulkOutcome, BulkResult, PersonRef, Summary, User } from './api-types.ts';

/** True when A and B are the same type (not merely assignable either way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Fails to compile unless `Check` is true: a schema infers exactly the type api-types.ts writes out. */
type Assert<Check extends true> = Check;

export type MatchingFilterMatchesItsSchema = Assert<Same<z.input<typeof matchingFilterSchema>, MatchingFilter>>;

export const statusSchema = z.enum(STATUSES);

// ---- outputs --------------------------------------------------------------

const personRefSchema = z.nullable(
  z.object({ id: z.string(), email: z.string(), firstName: z.string(), lastName: z.string() }),
);

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: roleSchema,
  status: statusSchema,
  /** Which tab the user is in. */
  state: tabSchema,
  invitedAt: z.string(),
  invitedBy: personRefSchema,
  lastInvitationSentAt: z.nullable(z.string()),
  invitationSendCount: z.number(),
  /** A pending invitee's: when a resend is allowed (one per minute; a past time once it is). Null for everyone else. */
  resendAvailableAt: z.nullable(z.string()),
  /** When the open invitation link expires; null when there is none. */
  invitationExpiresAt: z.nullable(z.string()),
  onboardedAt: z.nullable(z.string()),
  /** When they last signed in (a session made, or a host's sign-in, noted at most hourly); null: never. */
  lastSignedInAt: z.nullable(z.string()),
  deletedAt: z.nullable(z.string()),
  deletedBy: personRefSchema,
  /** When retention runs out and the user is removed for good. */
  purgeAt: z.nullable(z.string()),
});
export type UserMatchesItsSchema = Assert<Same<z.infer<typeof userSchema>, User>>;

export const userListSchema = z.object({
  items: z.array(userSchema),
  /** How many users match; a search on PostgreSQL, or of only 1–2 character words on SQLite, and the expiry filter count up to `SEARCH_COUNT_CAP`: past it, `totalCapped` is true and the list says "1,000+". */
  total: z.number(),
  totalCapped: z.boolean(),
  offset: z.number(),
  limit: z.number(),
  /** The page after this one, to send back as `cursor`; null on the last page. */
  nextCursor: z.nullable(z.string()),
  /** The page before this one; null on the first page. */
  prevCursor: z.nullable(z.string()),
});
export type UserList = z.infer<typeof userListSchema>;

export const summarySchema = z.object({
  kpis: z.object({
    /** Pending plus active users; deleted users are not counted. */
    invited: z.number(),
    /** Active users: onboarding completed. */
    completed: z.number(),
    /** Pending invitations. */
    pending: z.number(),
    /** completed / invited as a percentage with one decimal; 0 when nobody is invited. */
    completionRate: z.number(),
  }),
  counts: z.object({ active: z.number(), pending: z.number(), deleted: z.number() }),
  /** Active admins: the element explains the last-admin guard before the server has to. */
  activeAdmins: z.number(),
  /** The server's clock, so "expired" and "purged in N days" do not depend on the browser's. */
  serverTime: z.string(),
  retentionDays: z.number(),
  invitationTtlDays: z.number(),
});
export type SummaryMatchesItsSchema = Assert<Same<z.infer<typeof summarySchema>, Summary>>;

/** `skipped_recently_sent`: a bulk resend left this user out, the previous send being too recent. */
export const ACTION_OUTCOMES = ['resent', 'deleted', 'restored', 'purged', 'skipped_recently_sent'] as const;
export const bulkResultSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      email: z.string(),
      outcome: z.enum(ACTION_OUTCOMES),
      /** With `skipped_recently_sent`: when this user's resend is allowed. */
      resendAvailableAt: z.optional(z.string()),
    }),
  ),
});
/** `matching`: the users the filter selects; `count`: those of them the action would act on (a resend: those due). */
export const matchingCountSchema = z.object({ matching: z.number(), count: z.number() });
export type MatchingCount = z.infer<typeof matchingCountSchema>;

export type BulkResultMatchesItsSchema = Assert<Same<z.infer<typeof bulkResultSchema>, BulkResult>>;

export const meSchema = z.nullable(
  z.object({
    user: z.object({
      id: z.string(),
      email: z.string(),
      firstName: z.string(),
      lastName: z.string(),
      role: roleSchema,
    }),
    isAdmin: z.boolean(),
    workspace: z.object({ id: z.string(), name: z.string() }),
  }),
);
export type Me = z.infer<typeof meSchema>;

export const invitationPreviewSchema = z.object({
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  workspaceName: z.string(),
  expiresAt: z.string(),
  /** The inviting admin's language, which the email spoke: the accept page speaks it too. */
  language: z.enum(LANGUAGES),
});
export type InvitationPreview = z.infer<typeof invitationPreviewSchema>;

export const sessionSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
});

export const acceptInvitationResultSchema = z.object({
  session: sessionSchema,
  user: userSchema,
});

/** `users.invitationLink`: the pending user's fresh link, shown once, and when it expires. */
export const invitationLinkSchema = z.object({ link: z.string(), expiresAt: z.string() });

export const auditEntrySchema = z.object({
  id: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  /** Null for the system (the retention job). Emails are kept as they were, even after a purge. */
  actorId: z.nullable(z.string()),
  actorEmail: z.nullable(z.string()),
  /** The actor's name now ("" without one); null once they were purged (or for the system): show the email. */
  actorName: z.nullable(z.string()),
  targetId: z.nullable(z.string()),
  targetEmail: z.nullable(z.string()),
  targetName: z.nullable(z.string()),
  details: z.nullable(z.record(z.string(), z.unknown())),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditListSchema = z.object({
  items: z.array(auditEntrySchema),
  /** How many entries match, counted up to `AUDIT_COUNT_CAP`: past it, `totalCapped` is true and the log says "10,000+". */
  total: z.number(),
  totalCapped: z.boolean(),
  /** The page of older entries, to send back as `cursor`; null on the last page. */
  nextCursor: z.nullable(z.string()),
});
export type AuditList = z.infer<typeof auditListSchema>;
