/**
 * What the API accepts: field and input schemas, shared by the server (input validation) and the
 * element (form validation). Built with `zod/mini`, and kept apart from the output schemas, so
 * the element's bundle carries only what its forms need.
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
  TABS,
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
export const userIdSchema = z.string().check(z.uuid({ error: 'Not a user id' }));

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

