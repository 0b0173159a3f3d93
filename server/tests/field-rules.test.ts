import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../../shared/constants.ts';
import { EMAIL_PATTERN, EMAIL_RULE, NAME_RULE, PLAIN_EMAIL, PLAIN_NAME, REQUIRED_NAME_RULE, normalizeField } from '../../shared/field-rules.ts';
import { emailSchema, nameSchema, requiredNameSchema } from '../../shared/inputs.ts';

const SEED = Number(process.env.PANTA_FC_SEED ?? 20261206);
const NUM_RUNS = Number(process.env.PANTA_FC_RUNS ?? 1000);

/**
 * The field schemas as zod's own checks wrote them before the rules were written out as plain
 * functions (shared/field-rules.ts): the reference the rules must agree with.
 */
const zodEmail = z.string({ error: 'Enter an email address' }).check(
  z.trim(),
  z.normalize('NFC'),
  z.minLength(1, { error: 'Enter an email address', abort: true }),
  z.maxLength(EMAIL_MAX_LENGTH, { error: `An email address has at most ${EMAIL_MAX_LENGTH} characters`, abort: true }),
  z.regex(PLAIN_EMAIL, { error: 'An email address cannot contain control or invisible characters', abort: true }),
  z.regex(EMAIL_PATTERN, { error: 'Enter a valid email address' }),
);
const zodName = z.string({ error: 'Enter a name' }).check(
  z.trim(),
  z.normalize('NFC'),
  z.maxLength(NAME_MAX_LENGTH, { error: `A name has at most ${NAME_MAX_LENGTH} characters`, abort: true }),
  z.regex(PLAIN_NAME, { error: 'A name cannot contain control or invisible characters' }),
);
const zodRequiredName = z.string({ error: 'Enter a name' }).check(
  z.trim(),
  z.normalize('NFC'),
  z.minLength(1, { error: 'Enter a name' }),
  z.maxLength(NAME_MAX_LENGTH, { error: `A name has at most ${NAME_MAX_LENGTH} characters`, abort: true }),
  z.regex(PLAIN_NAME, { error: 'A name cannot contain control or invisible characters' }),
);

/** What a caller sees of a parse: the value, or each issue's code, message, path and limit. */
function outcome(schema: z.ZodMiniType, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) return { data: result.data };
  return { issues: result.error.issues.map(({ code, message, path, ...rest }) => ({ code, message, path, limit: 'maximum' in rest ? rest.maximum : undefined })) };
}

const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const space = fc.constantFrom('', ' ', '\t', '\n', '\u00a0', '\u3000');
/** Text of any kind, with space around it, around the length limits, and shaped like an address. */
const fieldText = fc.oneof(
  anyText,
  fc.tuple(space, anyText, space).map(([before, text, after]) => before + text + after),
  fc.tuple(anyText, fc.integer({ min: 90, max: 270 })).map(([text, length]) => text.padEnd(length, 'é')),
  fc.tuple(anyText, anyText, fc.constantFrom('de', 'com', 'рф', 'x1')).map(([local, domain, tld]) => `${local}@${domain}.${tld}`),
  fc.tuple(fc.integer({ min: 240, max: 260 }), space).map(([length, after]) => `${'a'.repeat(length - 7)}@ex.com${after}`),
  fc.emailAddress(),
);

describe('the field rules', () => {
  const pairs = [
    ['email', emailSchema, zodEmail],
    ['name', nameSchema, zodName],
    ['required name', requiredNameSchema, zodRequiredName],
  ] as const;

  for (const [field, schema, reference] of pairs) {
    it(`the ${field} schema built from its rule answers as zod's own checks did: value, or code, message and limit (fast-check, ${NUM_RUNS} runs)`, () => {
      for (const input of ['', ' ', 'Zoe\u0308', 'a\u202eb', 'a@b.de', 'nope', 'x'.repeat(255), '😀'.repeat(100), '😀'.repeat(101), '\ud800'.repeat(101), 42, null, undefined]) {
        assert.deepEqual(outcome(schema, input), outcome(reference, input), JSON.stringify(input));
      }
      fc.assert(
        fc.property(fieldText, (input) => assert.deepEqual(outcome(schema, input), outcome(reference, input))),
        { seed: SEED, numRuns: NUM_RUNS },
      );
    });
  }

  it('gives the element the problem its form words: one per value, the first in the order presence, length, characters, pattern', () => {
    assert.equal(EMAIL_RULE.problem(normalizeField('  ')), 'required');
    assert.equal(EMAIL_RULE.problem(`${'\u202e'.repeat(EMAIL_MAX_LENGTH)}@example.com`), 'tooLong');
    assert.equal(EMAIL_RULE.problem('ad\u202emin'), 'characters');
    assert.equal(EMAIL_RULE.problem('admin'), 'invalid');
    assert.equal(EMAIL_RULE.problem(normalizeField(' jürgen@müller.de ')), undefined);
    assert.equal(NAME_RULE.problem(''), undefined);
    assert.equal(REQUIRED_NAME_RULE.problem(''), 'required');
    assert.equal(NAME_RULE.problem('\u0000'.repeat(NAME_MAX_LENGTH + 1)), 'tooLong');
    assert.equal(REQUIRED_NAME_RULE.problem('a\u200bb'), 'characters');
    assert.equal(NAME_RULE.problem('فرزانه\u200cای'), undefined);
    assert.equal(normalizeField(' Zoe\u0308 '), 'Zoë');
  });
});
