/**
 * Inviting several people from the Add user dialog's Single form: the contract of
 * `users.checkInvites` and `users.inviteMany`. Each entry is judged by the bulk import's rules
 * (its verdicts, `IMPORT_VERDICTS`), so the email is taken as typed, not checked by `emailSchema`
 * here: an invalid one is a verdict of its own, not a refusal of the whole call.
 */
import * as z from 'zod/mini';
import { DEFAULT_IMPORT_MAX_ROWS, type ImportVerdict } from './import.ts';
import { importRowVerdictSchema } from './import-schemas.ts';
import { roleSchema } from './inputs.ts';

/** Far longer than any address or name the rules allow: longer text is refused as input, shorter is judged. */
const ENTRY_TEXT_MAX_LENGTH = 1000;
const entryText = z.string().check(z.maxLength(ENTRY_TEXT_MAX_LENGTH, { error: `At most ${ENTRY_TEXT_MAX_LENGTH} characters` }));

export const inviteEntrySchema = z.strictObject({
  email: entryText,
  firstName: z._default(entryText, ''),
  lastName: z._default(entryText, ''),
  role: z._default(roleSchema, 'user'),
});
export type InviteEntry = z.input<typeof inviteEntrySchema>;

/**
 * The entries, in the dialog's order (a duplicate is the later one). The import's default row cap
 * bounds the input; a server configured with a lower cap refuses a longer list (`INVITES_TOO_MANY`).
 */
export const inviteEntriesInput = z.strictObject({
  entries: z.array(inviteEntrySchema).check(
    z.minLength(1, { error: 'Enter at least one email address' }),
    z.maxLength(DEFAULT_IMPORT_MAX_ROWS, { error: `Invite at most ${DEFAULT_IMPORT_MAX_ROWS} people at once` }),
  ),
});

/** A verdict per entry, in order: `row` is the entry's position from 1, `duplicateOfRow` the earlier entry's. */
export const inviteChecksSchema = z.object({ entries: z.array(importRowVerdictSchema) });
export type InviteChecks = z.infer<typeof inviteChecksSchema>;

export const inviteManyResultSchema = z.object({ invited: z.number() });

/** Why `users.inviteMany` (or `users.checkInvites`) refused the list as a whole, in `error.data.reason`. */
export const INVITE_LIST_ERROR_REASONS = [
  /** CONFLICT: some entries would not be invited; `refused` lists them with their verdicts. Nobody was invited. */
  'INVITES_REFUSED',
  /** PAYLOAD_TOO_LARGE: more entries than the import's row cap, `limit`; `actual` the list's. */
  'INVITES_TOO_MANY',
] as const;
export type InviteListErrorReason = (typeof INVITE_LIST_ERROR_REASONS)[number];

/** An entry `users.inviteMany` refused, in `error.data.refused`. */
export interface RefusedEntry {
  row: number;
  email: string;
  verdict: ImportVerdict;
  duplicateOfRow: number | null;
}
