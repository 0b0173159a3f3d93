import { domainToASCII, domainToUnicode } from 'node:url';
import { emailSchema } from '../../shared/schemas.ts';
import { DomainError } from '../errors.ts';
import { isSingleScript } from './scripts.ts';

/**
 * The email rule. Its first half is `emailSchema`, built from `EMAIL_RULE` (shared/field-rules.ts),
 * which the element's forms check with too: trimmed, NFC, no control or invisible characters, the
 * shape of an address. The second half needs more than the element should carry. Invite, import and workspace creation all go through `checkEmail`, so one address
 * is one user however it is spelled, and an address that imitates another is refused:
 *
 * - The domain is compared in its ASCII (punycode) form: `müller.de` and `xn--mller-kva.de` are one
 *   mailbox. IDNA's mapping also folds full-width letters and case (`ＥＸＡＭＰＬＥ.com`).
 * - The local part and every label of the domain keep to one script (UTS #39 Highly Restrictive):
 *   `аdmin@example.com` with a Cyrillic а is refused, `иван@пример.рф` is welcome.
 * - An address whose letters all look Latin without all being so is refused too, naming the
 *   address it looks like: `асе@example.com` written wholly in Cyrillic (a whole-script
 *   confusable), `ｆｉｌｅ@example.com` in full-width letters, `ﬁle@…` with a ligature.
 */

export type EmailProblem = 'EMAIL_INVALID' | 'EMAIL_MIXED_SCRIPTS' | 'EMAIL_CONFUSABLE';

export type EmailCheck =
  /** `email` as it is stored and shown (trimmed, NFC); `normalized` the key it is unique by. */
  | { ok: true; email: string; normalized: string }
  | { ok: false; reason: EmailProblem; message: string; lookalike?: string };

/**
 * Cyrillic and Greek small letters that are drawn like a Latin letter in common fonts: the
 * single-letter entries of Unicode's confusables.txt for these two scripts. Enough to see that a
 * text is a disguised Latin one; the full table (6,000 entries) would buy little more here.
 */
const LATIN_LOOKALIKES: Record<string, string> = {
  а: 'a', с: 'c', ԁ: 'd', е: 'e', һ: 'h', і: 'i', ј: 'j', ӏ: 'l', о: 'o', р: 'p', ԛ: 'q', ѕ: 's', ѵ: 'v',
  ԝ: 'w', х: 'x', у: 'y', ү: 'y',
  α: 'a', ϲ: 'c', ι: 'i', ϳ: 'j', κ: 'k', ο: 'o', ρ: 'p', υ: 'u', ν: 'v', χ: 'x', γ: 'y',
};
const LOOKALIKE_LETTERS = new RegExp(`[${Object.keys(LATIN_LOOKALIKES).join('')}]`, 'gu');
const LATIN_ONLY = /^[\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]*$/u;

interface Parts {
  local: string;
  domainAscii: string;
  domainUnicode: string;
}

function partsOf(email: string): Parts {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at).normalize('NFC').toLowerCase();
  const domainAscii = asciiDomain(email.slice(at + 1));
  return { local, domainAscii, domainUnicode: domainAscii && domainToUnicode(domainAscii) };
}

/**
 * The domain in ASCII, or '' when IDNA refuses it. Node 24's `domainToASCII` passes a label of
 * punycode that decodes to nothing (`xn--zz`, `xn--`) through unchanged, where Node 22's refuses
 * it; such a label is still `xn--…` after decoding, so it is refused here on both.
 */
function asciiDomain(domain: string): string {
  const ascii = domainToASCII(domain);
  return domainToUnicode(ascii).split('.').some((label) => label.startsWith('xn--')) ? '' : ascii;
}

/**
 * What the address looks like to a reader, when that is a Latin address other than itself:
 * compatibility forms folded (NFKC), then Cyrillic and Greek lookalikes made Latin.
 */
function latinLookalike(written: string): string | null {
  const seen = written.normalize('NFKC').toLowerCase().replace(LOOKALIKE_LETTERS, (letter) => LATIN_LOOKALIKES[letter] ?? letter);
  return seen !== written && LATIN_ONLY.test(seen) ? seen : null;
}

/**
 * The key an address is unique by: the local part in NFC and lower case, the domain in ASCII. A
 * domain IDNA refuses stays as written, in lower case: `identityFromEmail` may ask for any text,
 * and then finds nobody.
 */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  if (!trimmed.includes('@')) return trimmed.normalize('NFC').toLowerCase();
  const { local, domainAscii } = partsOf(trimmed);
  return `${local}@${domainAscii || trimmed.slice(trimmed.lastIndexOf('@') + 1).normalize('NFC').toLowerCase()}`;
}

export function checkEmail(input: string): EmailCheck {
  const parsed = emailSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: 'EMAIL_INVALID', message: parsed.error.issues[0]?.message ?? 'Enter a valid email address' };
  const email = parsed.data;
  const { local, domainAscii, domainUnicode } = partsOf(email);
  if (!domainAscii || !domainUnicode) {
    return { ok: false, reason: 'EMAIL_INVALID', message: 'Enter a valid email address: its domain is not a valid domain name' };
  }
  const lookalike = latinLookalike(`${local}@${domainUnicode}`);
  if (lookalike) {
    return {
      ok: false,
      reason: 'EMAIL_CONFUSABLE',
      message: `This address looks like ${lookalike} but is written with other characters`,
      lookalike,
    };
  }
  if (![local, ...domainUnicode.split('.')].every(isSingleScript)) {
    return { ok: false, reason: 'EMAIL_MIXED_SCRIPTS', message: 'This address mixes alphabets (such as Latin and Cyrillic) within one part' };
  }
  return { ok: true, email, normalized: `${local}@${domainAscii}` };
}

/** The address as `checkEmail` allowed it, or BAD_REQUEST with the reason the rule refused it. */
export function allowedEmail(input: string): { email: string; normalized: string } {
  const check = checkEmail(input);
  if (check.ok) return check;
  throw new DomainError('BAD_REQUEST', check.reason, check.message, check.lookalike ? { email: check.lookalike } : {});
}
