/**
 * The rules of the fields a person types (an email address, a name), as plain functions: the one
 * rule both sides apply. The server's zod schemas (./inputs.ts) are built from them, and the
 * element's forms check with them directly (components/internal/validation.ts).
 *
 * Hand-written rather than the element validating with the zod schemas: zod was in the element's
 * bundle for these checks alone. Without it, the admin element and its chunks came from 46,050 to
 * 40,074 bytes gzip (of a 45 KB budget that was full), the accept page's module from 21,715 to
 * 17,052; these functions are about 450 bytes minified. server/tests/field-rules.test.ts holds the
 * schemas built from them to the answers of zod's own checks.
 */
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from './constants.ts';

/**
 * Text that shows what it says: no controls (C0, C1, DEL), no format characters (bidi overrides and
 * isolates, zero-width space, soft hyphen, byte order mark), no line or paragraph separators and
 * no lone surrogates (`\p{Cs}` matches only those in a `u` regex), which no database stores intact.
 * Names keep the zero-width (non-)joiner: Persian and Indic names and emoji sequences need them.
 */
export const PLAIN_NAME = /^(?:[^\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]|[\u200c\u200d])*$/u;
/** An email address allows no such character at all: none has a place in an address. */
export const PLAIN_EMAIL = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]*$/u;
/** Like zod's `z.email()` default, but internationalised addresses (`jürgen@müller.de`) are welcome too. */
export const EMAIL_PATTERN = /^[^\s@"<>()[\]\\,;:]{1,64}@(?:[^\s@"<>()[\]\\,;:.]+\.)+[^\s@"<>()[\]\\,;:.\d]{2,}$/u;

/** What is wrong with a field's value, each worded by its reader (the server in English, the element from its catalog). */
export type FieldProblem = 'required' | 'tooLong' | 'characters' | 'invalid';

export interface FieldRule {
  /** The most characters (code points, as zod counts: an emoji is one) a normalised value may have. */
  readonly maxLength: number;
  /** The first problem of a value as `normalizeField` left it, or undefined when it has none. */
  readonly problem: (value: string) => FieldProblem | undefined;
}

/** Trimmed and NFC, so that `ü` typed as u + ◌̈ is the same address or name as `ü`. */
export const normalizeField = (text: string): string => text.trim().normalize('NFC');

/** More than `limit` code points (a lone surrogate counts as one, as in zod), counted no further than needed. */
function longerThan(value: string, limit: number): boolean {
  if (value.length <= limit) return false;
  let count = 0;
  for (const _ of value) if (++count > limit) return true;
  return false;
}

/**
 * Its presence, then its length, then its characters: one problem at a time, so an empty, overlong
 * or booby-trapped value gets one message, and a pattern never runs over megabytes.
 */
function plainText(value: string, required: boolean, maxLength: number, plain: RegExp): FieldProblem | undefined {
  if (required && value === '') return 'required';
  if (longerThan(value, maxLength)) return 'tooLong';
  if (!plain.test(value)) return 'characters';
  return undefined;
}

/**
 * An email address. The server adds what needs more than a pattern (`server/services/email-rule.ts`):
 * the domain's ASCII form and the script rules against lookalikes.
 */
export const EMAIL_RULE: FieldRule = {
  maxLength: EMAIL_MAX_LENGTH,
  problem: (value) => plainText(value, true, EMAIL_MAX_LENGTH, PLAIN_EMAIL) ?? (EMAIL_PATTERN.test(value) ? undefined : 'invalid'),
};

/** A first or last name: may be empty, plain text on one line. */
export const NAME_RULE: FieldRule = {
  maxLength: NAME_MAX_LENGTH,
  problem: (value) => plainText(value, false, NAME_MAX_LENGTH, PLAIN_NAME),
};

/** A name the person must give (when accepting an invitation). */
export const REQUIRED_NAME_RULE: FieldRule = {
  maxLength: NAME_MAX_LENGTH,
  problem: (value) => plainText(value, true, NAME_MAX_LENGTH, PLAIN_NAME),
};
