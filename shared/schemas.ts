/**
 * The API's contract, shared by the server (input and output validation) and the element
 * (form validation). Built with `zod/mini` so the browser bundle stays small.
 */
import * as z from 'zod/mini';
import {
  BULK_IDS_MAX,
  EMAIL_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  ROLE_FILTERS,
  ROLES,
  SEARCH_MAX_LENGTH,
  SORT_DIRECTIONS,
  SORT_FIELDS,
  STATUSES,
  TABS,
  AUDIT_ACTIONS,
} from './constants.ts';

const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;
/** Like zod's default, but internationalised addresses (`jürgen@müller.de`) are welcome too. */
const EMAIL_PATTERN = /^[^\s@"<>()[\]\\,;:]{1,64}@(?:[^\s@"<>()[\]\\,;:.]+\.)+[^\s@"<>()[\]\\,;:.\d]{2,}$/u;

export const emailSchema = z.pipe(
  z.string({ error: 'Enter an email address' }).check(
    z.trim(),
    z.minLength(1, { error: 'Enter an email address' }),
    z.maxLength(EMAIL_MAX_LENGTH, { error: `An email address has at most ${EMAIL_MAX_LENGTH} characters` }),
  ),
  z.email({ pattern: EMAIL_PATTERN, error: 'Enter a valid email address' }),
);

/** A first or last name: trimmed, may be empty, plain text on one line. */
export const nameSchema = z.string({ error: 'Enter a name' }).check(
  z.trim(),
  z.maxLength(NAME_MAX_LENGTH, { error: `A name has at most ${NAME_MAX_LENGTH} characters` }),
  z.regex(NO_CONTROL_CHARACTERS, { error: 'A name cannot contain control characters' }),
);

/** A name the person must give (when accepting an invitation). */
export const requiredNameSchema = z.string({ error: 'Enter a name' }).check(
  z.trim(),
  z.minLength(1, { error: 'Enter a name' }),
  z.maxLength(NAME_MAX_LENGTH, { error: `A name has at most ${NAME_MAX_LENGTH} characters` }),
  z.regex(NO_CONTROL_CHARACTERS, { error: 'A name cannot contain control characters' }),
);

export const roleSchema = z.enum(ROLES, { error: 'Choose Admin or Standard user' });
export const tabSchema = z.enum(TABS);
export const statusSchema = z.enum(STATUSES);
export const userIdSchema = z.string().check(z.uuid({ error: 'Not a user id' }));
export const isoDateSchema = z.iso.datetime();

/** An invitation or session token: 43 base64url characters (256 bits). */
export const tokenSchema = z.string({ error: 'Missing token' }).check(
  z.trim(),
  z.minLength(16, { error: 'This invitation link is not valid' }),
  z.maxLength(256, { error: 'This invitation link is not valid' }),
);

// ---- inputs ---------------------------------------------------------------

export const inviteUserInput = z.strictObject({
  email: emailSchema,
  firstName: z._default(nameSchema, ''),
  lastName: z._default(nameSchema, ''),
  role: z._default(roleSchema, 'user'),
});
export type InviteUserInput = z.input<typeof inviteUserInput>;

export const updateUserInput = z
  .strictObject({
    id: userIdSchema,
    role: z.optional(roleSchema),
    firstName: z.optional(nameSchema),
    lastName: z.optional(nameSchema),
  })
  .check(
    z.refine((input) => input.role !== undefined || input.firstName !== undefined || input.lastName !== undefined, {
      error: 'Nothing to change',
    }),
  );
export type UpdateUserInput = z.input<typeof updateUserInput>;

export const userIdsInput = z.strictObject({
  ids: z.array(userIdSchema).check(
    z.minLength(1, { error: 'Select at least one user' }),
    z.maxLength(BULK_IDS_MAX, { error: `Select at most ${BULK_IDS_MAX} users at once` }),
  ),
});
export type UserIdsInput = z.input<typeof userIdsInput>;

export const userIdInput = z.strictObject({ id: userIdSchema });

export const listUsersInput = z.strictObject({
  tab: tabSchema,
  search: z._default(
    z.string().check(
      z.trim(),
      z.maxLength(SEARCH_MAX_LENGTH, { error: `Search for at most ${SEARCH_MAX_LENGTH} characters` }),
    ),
    '',
  ),
  role: z._default(z.enum(ROLE_FILTERS), 'all'),
  sort: z._default(
    z.strictObject({
      by: z.enum(SORT_FIELDS),
      direction: z._default(z.enum(SORT_DIRECTIONS), 'asc'),
    }),
    { by: 'name', direction: 'asc' },
  ),
  offset: z._default(z.int().check(z.minimum(0), z.maximum(10_000_000)), 0),
  limit: z._default(z.int().check(z.minimum(1), z.maximum(PAGE_SIZE_MAX)), PAGE_SIZE_DEFAULT),
});
export type ListUsersInput = z.input<typeof listUsersInput>;

export const acceptInvitationInput = z.strictObject({
  token: tokenSchema,
  firstName: requiredNameSchema,
  lastName: requiredNameSchema,
});
export type AcceptInvitationInput = z.input<typeof acceptInvitationInput>;

export const invitationTokenInput = z.strictObject({ token: tokenSchema });

export const listAuditInput = z.strictObject({
  targetId: z.optional(userIdSchema),
  offset: z._default(z.int().check(z.minimum(0)), 0),
  limit: z._default(z.int().check(z.minimum(1), z.maximum(PAGE_SIZE_MAX)), 50),
});
export type ListAuditInput = z.input<typeof listAuditInput>;

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
  /** When the open invitation link expires; null when there is none. */
  invitationExpiresAt: z.nullable(z.string()),
  onboardedAt: z.nullable(z.string()),
  deletedAt: z.nullable(z.string()),
  deletedBy: personRefSchema,
  /** When retention runs out and the user is removed for good. */
  purgeAt: z.nullable(z.string()),
});
export type User = z.infer<typeof userSchema>;

export const userListSchema = z.object({
  items: z.array(userSchema),
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
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
export type Summary = z.infer<typeof summarySchema>;

export const ACTION_OUTCOMES = ['resent', 'deleted', 'restored', 'purged'] as const;
export const bulkResultSchema = z.object({
  results: z.array(
    z.object({ id: z.string(), email: z.string(), outcome: z.enum(ACTION_OUTCOMES) }),
  ),
});
export type BulkResult = z.infer<typeof bulkResultSchema>;

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

export const auditEntrySchema = z.object({
  id: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  /** Null for the system (the retention job). Emails are kept as they were, even after a purge. */
  actorId: z.nullable(z.string()),
  actorEmail: z.nullable(z.string()),
  targetId: z.nullable(z.string()),
  targetEmail: z.nullable(z.string()),
  details: z.nullable(z.record(z.string(), z.unknown())),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditListSchema = z.object({
  items: z.array(auditEntrySchema),
  total: z.number(),
});
