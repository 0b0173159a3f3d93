/**
 * What the API accepts: field and input schemas, with which the server validates. The fields a
 * person types follow the rules of ./field-rules.ts, which the element's forms check with directly:
 * the element imports this module for its types only, and carries no zod.
 */
import * as z from 'zod/mini';
import {
  AUDIT_ACTIONS,
  BULK_IDS_MAX,
  EMAIL_MAX_LENGTH,
  INACTIVE_DAYS,
  MATCHING_ACTION_TABS,
  MATCHING_ACTIONS,
  NAME_MAX_LENGTH,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  ROLE_FILTERS,
  ROLES,
  SEARCH_MAX_LENGTH,
  SORT_DIRECTIONS,
  SORT_FIELDS,
  TABS,
} from './constants.ts';
import { EMAIL_RULE, type FieldProblem, type FieldRule, NAME_RULE, PLAIN_EMAIL, REQUIRED_NAME_RULE, normalizeField } from './field-rules.ts';
import { decodeListCursor } from './list-cursor.ts';

/** Far more than a cursor's key of a name and an email needs. */
const CURSOR_MAX_LENGTH = 2000;

/** zod's `z.uuid()` pattern (RFC 9562: versions 1–8, the nil and the max UUID), as a plain regex check. */
const UUID_PATTERN =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

/**
 * `schema.check(...checks)` as a call a bundler may drop when its result is unused. zod marks its
 * own factories free of side effects, but a method call on a schema cannot be proven so: without
 * this, a bundle that uses one schema (a host's, of `./shared`) would carry every schema below.
 */
// @__NO_SIDE_EFFECTS__
function checked<T extends z.ZodMiniType>(schema: T, ...checks: z.core.$ZodCheck<z.output<T>>[]): T {
  return schema.check(...checks);
}

/**
 * A string schema that applies a field rule (./field-rules.ts): the value normalised, then the
 * rule's first problem, as the issue zod's own length or regex check would give (`too_small`,
 * `too_big`, `invalid_format`), with the field's English message. A name has no pattern: its
 * `invalid` message is never given.
 */
// @__NO_SIDE_EFFECTS__
function ruledString(rule: FieldRule, messages: Record<FieldProblem, string>) {
  return checked(
    z.string({ error: messages.required }),
    z.overwrite(normalizeField),
    z.check<string>((payload) => {
      const problem = rule.problem(payload.value);
      if (!problem) return;
      const base = { input: payload.value, message: messages[problem] };
      if (problem === 'required') payload.issues.push({ ...base, code: 'too_small', origin: 'string', minimum: 1, inclusive: true });
      else if (problem === 'tooLong') payload.issues.push({ ...base, code: 'too_big', origin: 'string', maximum: rule.maxLength, inclusive: true });
      else payload.issues.push({ ...base, code: 'invalid_format', format: 'regex' });
    }),
  );
}

const NAME_MESSAGES: Record<FieldProblem, string> = {
  required: 'Enter a name',
  tooLong: `A name has at most ${NAME_MAX_LENGTH} characters`,
  characters: 'A name cannot contain control or invisible characters',
  invalid: 'Enter a name',
};

/**
 * Trimmed and NFC, then its length, then its characters, then its pattern: `EMAIL_RULE`. The server
 * adds what needs more than a pattern (`server/services/email-rule.ts`).
 */
export const emailSchema = ruledString(EMAIL_RULE, {
  required: 'Enter an email address',
  tooLong: `An email address has at most ${EMAIL_MAX_LENGTH} characters`,
  characters: 'An email address cannot contain control or invisible characters',
  invalid: 'Enter a valid email address',
});

/** A first or last name: trimmed, NFC, may be empty, plain text on one line (`NAME_RULE`). */
export const nameSchema = ruledString(NAME_RULE, NAME_MESSAGES);

/** A name the person must give (when accepting an invitation). */
export const requiredNameSchema = ruledString(REQUIRED_NAME_RULE, NAME_MESSAGES);

export const roleSchema = z.enum(ROLES, { error: 'Choose Admin or Standard user' });
export const tabSchema = z.enum(TABS);
export const userIdSchema = checked(z.string(), z.regex(UUID_PATTERN, { error: 'Not a user id' }));

/** An invitation or session token: 43 base64url characters (256 bits). */
export const tokenSchema = checked(
  z.string({ error: 'Missing token' }),
  z.trim(),
  z.minLength(16, { error: 'This invitation link is not valid' }),
  z.maxLength(256, { error: 'This invitation link is not valid' }),
);

// ---- inputs ---------------------------------------------------------------

/** For procedures that take nothing: nothing, or `{}`; any key is refused rather than ignored. */
export const noInput = z.optional(z.strictObject({}));

export const inviteUserInput = z.strictObject({
  email: emailSchema,
  firstName: z._default(nameSchema, ''),
  lastName: z._default(nameSchema, ''),
  role: z._default(roleSchema, 'user'),
});
export type InviteUserInput = z.input<typeof inviteUserInput>;

export const updateUserInput = checked(
  z.strictObject({
    id: userIdSchema,
    role: z.optional(roleSchema),
    firstName: z.optional(nameSchema),
    lastName: z.optional(nameSchema),
  }),
  z.refine((input) => input.role !== undefined || input.firstName !== undefined || input.lastName !== undefined, {
    error: 'Nothing to change',
  }),
);
export type UpdateUserInput = z.input<typeof updateUserInput>;

export const userIdsInput = z.strictObject({
  ids: checked(
    z.array(userIdSchema),
    z.minLength(1, { error: 'Select at least one user' }),
    z.maxLength(BULK_IDS_MAX, { error: `Select at most ${BULK_IDS_MAX} users at once` }),
  ),
});
export type UserIdsInput = z.input<typeof userIdsInput>;

export const userIdInput = z.strictObject({ id: userIdSchema });

/**
 * The list's search and role filter, which the export takes too. Named here rather than read back
 * from `listUsersInput.shape`: a property read keeps the whole list schema (and zod's numbers) in
 * the element's bundle, which needs neither.
 */
export const searchSchema = z._default(
  checked(z.string(), z.trim(), z.maxLength(SEARCH_MAX_LENGTH, { error: `Search for at most ${SEARCH_MAX_LENGTH} characters` })),
  '',
);
export const roleFilterSchema = z._default(z.enum(ROLE_FILTERS), 'all');
/** "Not signed in for N days" (never signed in included); absent: everyone. */
export const inactiveDaysSchema = z.optional(z.literal(INACTIVE_DAYS, { error: `Choose ${INACTIVE_DAYS.join(', ')} days` }));
/**
 * "Expired invitations": only users whose open invitation link has expired (the Pending tab's rows
 * that show "Invitation expired"; a user with no link at all is not among them). Absent: everyone.
 * Other tabs hold no open link, so there it matches nobody: the element sends it on Pending only.
 */
export const expiredSchema = z.optional(z.literal(true, { error: 'Give expired: true, or leave it out' }));

/**
 * Which users the list shows, before sorting and paging: the filter "act on all matching users"
 * takes, so that it acts on exactly the rows the admin was looking at, on every page.
 */
export const matchingFilterShape = {
  tab: tabSchema,
  search: searchSchema,
  role: roleFilterSchema,
  inactiveDays: inactiveDaysSchema,
  expired: expiredSchema,
};
export const matchingFilterSchema = z.strictObject(matchingFilterShape);
export type { MatchingFilter } from './api-types.ts';

/** A page cursor from a previous answer (`nextCursor`, `prevCursor`): see ./list-cursor.ts. */
const cursorSchema = checked(
  z.string(),
  z.maxLength(CURSOR_MAX_LENGTH, { error: 'This is not a page cursor of the list', abort: true }),
  z.refine((text) => decodeListCursor(text) !== undefined, { error: 'This is not a page cursor of the list' }),
);

/**
 * With a `cursor`, the page is the rows after (or before) it, and `offset` only says where that
 * page starts for showing "51-75 of 650,001": it is answered back as it came. Without one, the
 * page starts at `offset` (a jump).
 */
export const listUsersInput = checked(
  z.strictObject({
    ...matchingFilterShape,
    sort: z._default(
      z.strictObject({
        by: z.enum(SORT_FIELDS),
        direction: z._default(z.enum(SORT_DIRECTIONS), 'asc'),
      }),
      { by: 'name', direction: 'asc' },
    ),
    offset: z._default(checked(z.int(), z.minimum(0), z.maximum(10_000_000)), 0),
    limit: z._default(checked(z.int(), z.minimum(1), z.maximum(PAGE_SIZE_MAX)), PAGE_SIZE_DEFAULT),
    cursor: z.optional(cursorSchema),
  }),
  z.refine(
    (input) => {
      const cursor = input.cursor === undefined ? undefined : decodeListCursor(input.cursor);
      return !cursor || (cursor.tab === input.tab && cursor.sortBy === input.sort.by && cursor.direction === input.sort.direction);
    },
    { error: 'This page cursor belongs to another tab or sort: ask for the first page', path: ['cursor'], when: (payload) => payload.issues.length === 0 },
  ),
);
export type ListUsersInput = z.input<typeof listUsersInput>;

/** An action of "act on all matching users", allowed only on the tabs whose users it applies to. */
const actionOnTab = z.refine<{ action: (typeof MATCHING_ACTIONS)[number]; filter: { tab: (typeof TABS)[number] } }>(
  (input) => MATCHING_ACTION_TABS[input.action].includes(input.filter.tab),
  { error: 'This action does not apply to the users of this tab', path: ['action'], when: (payload) => payload.issues.length === 0 },
);

/** How many users the filter selects, and how many of them the action would act on (the confirmation's figure). */
export const matchingCountInput = checked(
  z.strictObject({ action: z.enum(MATCHING_ACTIONS), filter: matchingFilterSchema }),
  actionOnTab,
);
export type MatchingCountInput = z.input<typeof matchingCountInput>;

/**
 * Acts on every user the filter selects, when they are still `expectedCount` (the count the admin
 * confirmed, from `matchingCount`); otherwise nothing is done (CONFLICT, `MATCHING_CHANGED`).
 */
export const actOnMatchingInput = checked(
  z.strictObject({
    action: z.enum(MATCHING_ACTIONS),
    filter: matchingFilterSchema,
    expectedCount: checked(z.int(), z.minimum(0)),
  }),
  actionOnTab,
);
export type ActOnMatchingInput = z.input<typeof actOnMatchingInput>;

export const acceptInvitationInput = z.strictObject({
  token: tokenSchema,
  firstName: requiredNameSchema,
  lastName: requiredNameSchema,
});
export type AcceptInvitationInput = z.input<typeof acceptInvitationInput>;

export const invitationTokenInput = z.strictObject({ token: tokenSchema });

/** A time as the server writes them (`Date#toISOString()`), so that it compares as text on every dialect. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const instantSchema = checked(
  z.string(),
  z.refine((text) => ISO_INSTANT.test(text) && new Date(text).toISOString() === text, {
    error: 'Give a time in UTC as 2026-06-01T00:00:00.000Z',
  }),
);

/** A page cursor of the audit log: the last entry's time and id, `2026-06-01T09:00:00.000Z~<uuid>`. */
export const AUDIT_CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * The Activity view's filters, which its export takes too: what was done, by whom, to whom (by
 * id, or by the address as the entry kept it, in any case), and when (`from` inclusive, `to`
 * exclusive). Each may be left out.
 */
export const auditFilterShape = {
  action: z.optional(z.enum(AUDIT_ACTIONS)),
  actorId: z.optional(userIdSchema),
  targetId: z.optional(userIdSchema),
  targetEmail: z._default(
    checked(
      z.string(),
      z.trim(),
      z.maxLength(EMAIL_MAX_LENGTH, { error: `An email address has at most ${EMAIL_MAX_LENGTH} characters`, abort: true }),
      z.regex(PLAIN_EMAIL, { error: 'An email address cannot contain control or invisible characters' }),
    ),
    '',
  ),
  from: z.optional(instantSchema),
  to: z.optional(instantSchema),
};

/** `from` before `to`, when both are given. */
export const auditRangeInOrder = z.refine<{ from?: string | undefined; to?: string | undefined }>((input) => !input.from || !input.to || input.from < input.to, {
  error: 'The date range ends before it starts',
  path: ['to'],
  when: (payload) => payload.issues.length === 0,
});

/** Newest first; with a `cursor` (a previous answer's `nextCursor`), the entries older than it. */
export const listAuditInput = checked(
  z.strictObject({
    ...auditFilterShape,
    cursor: z.optional(checked(z.string(), z.regex(AUDIT_CURSOR, { error: 'This is not a page cursor of the audit log' }))),
    limit: z._default(checked(z.int(), z.minimum(1), z.maximum(PAGE_SIZE_MAX)), 50),
  }),
  auditRangeInOrder,
);
export type ListAuditInput = z.input<typeof listAuditInput>;

