import assert from 'node:assert/strict';

/** What no stored text may hold: controls, format characters (bidi, zero-width), separators, lone surrogates. */
const HIDDEN = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]|(?![\u200c\u200d])\p{Cf}/u;

/** Nothing hidden, and well-formed (`\p{Cs}` finds a lone surrogate); names may keep the joiners. */
export function assertNothingHidden(text: string, what = 'text'): void {
  assert.doesNotMatch(text, HIDDEN, `${what} holds a hidden character or a lone surrogate: ${JSON.stringify(text)}`);
}

/** Text as the rules store it: nothing hidden, well-formed, in NFC. */
export function assertPlainText(text: string, what = 'text'): void {
  assertNothingHidden(text, what);
  assert.equal(text, text.normalize('NFC'), `${what} is not NFC`);
}
