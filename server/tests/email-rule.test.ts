import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nameSchema, requiredNameSchema } from '../../shared/inputs.ts';
import { checkEmail, normalizeEmail } from '../services/email-rule.ts';
import { isSingleScript } from '../services/scripts.ts';
import { assertPlainText } from '../testing/plain-text.ts';

const SEED = Number(process.env.PANTA_FC_SEED ?? 20261127);
const NUM_RUNS = Number(process.env.PANTA_FC_RUNS ?? 500);

/** Any Unicode, lone surrogates included, and text shaped like an address from any Unicode. */
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const addressLike = fc.oneof(
  anyText,
  fc.tuple(anyText, anyText, fc.constantFrom('de', 'com', 'рф', 'xn--p1ai', 'test')).map(([local, domain, tld]) => `${local}@${domain}.${tld}`),
  fc.emailAddress(),
);

describe('the email rule', () => {
  it('refuses control, format and bidi characters and lone surrogates (issue 12.4)', () => {
    for (const hidden of ['\u0000', '\u0001', '\u007f', '\u001b', '\u0085', '\u202e', '\u200b', '\u200d', '\u2066', '\u061c', '\ufeff', '\u2028', '\ud800', '\udc00']) {
      for (const email of [`ad${hidden}min@example.com`, `admin@exa${hidden}mple.com`]) {
        const check = checkEmail(email);
        assert.equal(check.ok, false, JSON.stringify(email));
        assert.equal(!check.ok && check.reason, 'EMAIL_INVALID', JSON.stringify(email));
      }
    }
  });

  it('compares the domain in its ASCII form: müller.de and xn--mller-kva.de are one mailbox', () => {
    const key = 'jürgen@xn--mller-kva.de';
    for (const spelling of ['jürgen@müller.de', 'jürgen@xn--mller-kva.de', 'JÜRGEN@MÜLLER.DE', 'ju\u0308rgen@mu\u0308ller.de', 'jürgen@ｍüｌｌｅｒ.de', ' jürgen@XN--MLLER-KVA.DE ']) {
      const check = checkEmail(spelling);
      assert.ok(check.ok, JSON.stringify(spelling));
      assert.equal(check.normalized, key, JSON.stringify(spelling));
      assert.equal(normalizeEmail(spelling), key, JSON.stringify(spelling));
    }
    assert.deepEqual(checkEmail('ju\u0308rgen@mu\u0308ller.de'), { ok: true, email: 'jürgen@müller.de', normalized: key }, 'stored in NFC');
  });

  it('refuses a domain that is no valid domain name', () => {
    assert.deepEqual(
      [checkEmail('x@xn--zz.de'), checkEmail('x@xn--.de')].map((check) => !check.ok && check.reason),
      ['EMAIL_INVALID', 'EMAIL_INVALID'],
    );
  });

  it('refuses a Cyrillic а among Latin letters, naming the address it imitates', () => {
    assert.deepEqual(checkEmail('\u0430dmin@example.com'), {
      ok: false,
      reason: 'EMAIL_CONFUSABLE',
      message: 'This address looks like admin@example.com but is written with other characters',
      lookalike: 'admin@example.com',
    });
    assert.equal((checkEmail('admin@ex\u0430mple.com') as { lookalike?: string }).lookalike, 'admin@example.com');
    // The same, sent as punycode.
    assert.equal((checkEmail('x@xn--80ak6aa92e.com') as { lookalike?: string }).lookalike, 'x@apple.com');
  });

  it('refuses whole-script lookalikes and compatibility forms of a Latin address', () => {
    for (const [email, lookalike] of [
      ['асе@example.com', 'ace@example.com'],
      ['ѕοс@example.com', 'soc@example.com'],
      ['info@раураӏ.com', 'info@paypal.com'],
      ['ａｄｍｉｎ@example.com', 'admin@example.com'],
      ['ﬁle@example.com', 'file@example.com'],
    ]) {
      assert.deepEqual(checkEmail(email!), { ok: false, reason: 'EMAIL_CONFUSABLE', message: `This address looks like ${lookalike} but is written with other characters`, lookalike });
    }
  });

  it('refuses a part that mixes scripts which look nothing alike', () => {
    for (const email of ['a\u0645@example.com', 'user@ex\u0915mple.com', 'иван\u03b4@пример.рф']) {
      const check = checkEmail(email);
      assert.equal(!check.ok && check.reason, 'EMAIL_MIXED_SCRIPTS', email);
    }
  });

  it('welcomes addresses in one script, and the mixes CJK writing uses every day', () => {
    for (const email of ['иван@пример.рф', 'оса@пример.рф', 'δοκιμή@παράδειγμα.δοκιμή', '田中@例え.jp', 'tanakaたなかタナカ@example.jp', '王wang@例子.cn', '김kim@예시.kr', 'jürgen@müller.de', 'user+tag@example.com', 'مرحبا@مثال.اختبار']) {
      const check = checkEmail(email);
      assert.ok(check.ok, `${email}: ${JSON.stringify(check)}`);
    }
  });

  it('knows every script the engine knows: a text in any one script passes', () => {
    assert.ok(isSingleScript('ⴰⵣⵓⵍ') && isSingleScript('ᏣᎳᎩ') && isSingleScript('ᠮᠣᠩᠭᠣᠯ') && isSingleScript('123-_.'));
    assert.ok(!isSingleScript('aⴰ'));
  });

  it(`any Unicode: refused with a reason, or an address stored NFC, well-formed and plain (fast-check, ${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(addressLike, (input) => {
        const check = checkEmail(input);
        if (!check.ok) {
          assert.ok(['EMAIL_INVALID', 'EMAIL_MIXED_SCRIPTS', 'EMAIL_CONFUSABLE'].includes(check.reason));
          return;
        }
        assertPlainText(check.email, 'email');
        assertPlainText(check.normalized, 'key');
        assert.doesNotMatch(check.email, /[\u200c\u200d]/, 'no joiner in an address');
        assert.match(check.normalized, /@[\x21-\x7e]+$/, 'the domain of the key is ASCII');
        assert.equal(normalizeEmail(check.email), check.normalized);
        assert.deepEqual(checkEmail(check.email), check, 'the stored form passes as itself');
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});

describe('the name rule', () => {
  it('refuses control, bidi and format characters and lone surrogates; keeps the joiners names need', () => {
    for (const name of ['a\u202eb', 'a\ud800b', 'a\udfffb', 'a\u0000b', 'a\u001b[31m', 'a\u200bb', 'a\u2067b', 'a\u200eb', 'a\u061cb', 'a\u00adb', 'a\u2028b', 'a\u0085b']) {
      assert.equal(nameSchema.safeParse(name).success, false, JSON.stringify(name));
      assert.equal(requiredNameSchema.safeParse(name).success, false, JSON.stringify(name));
    }
    for (const name of ['Zoë', 'فرزانه\u200cای', '👩\u200d👩\u200d👧', "O'Brien-Smith", '山田']) assert.equal(nameSchema.parse(name), name);
  });

  it('stores names in NFC', () => {
    assert.equal(nameSchema.parse(' Zoe\u0308 '), 'Zoë');
    assert.equal(requiredNameSchema.parse('Mu\u0308ller'), 'Müller');
  });

  it(`any Unicode: refused, or stored NFC, well-formed and plain (fast-check, ${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(anyText, (input) => {
        for (const schema of [nameSchema, requiredNameSchema]) {
          const parsed = schema.safeParse(input);
          if (!parsed.success) continue;
          assertPlainText(parsed.data, 'name');
          assert.ok(parsed.data.length <= 100);
        }
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});
