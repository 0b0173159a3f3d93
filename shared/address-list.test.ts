import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAddressList } from './address-list.ts';

const address = (email: string, firstName = '', lastName = '') => ({ email, firstName, lastName });

describe('parseAddressList', () => {
  it('splits on commas, semicolons, spaces and line breaks', () => {
    assert.deepEqual(parseAddressList('a@x.de, b@x.de;c@x.de d@x.de\ne@x.de\r\n\tf@x.de;;,'), [
      address('a@x.de'),
      address('b@x.de'),
      address('c@x.de'),
      address('d@x.de'),
      address('e@x.de'),
      address('f@x.de'),
    ]);
  });

  it('reads display names as a mail client copies them: the name gives first and last name', () => {
    assert.deepEqual(parseAddressList('Anna Berg <anna@x.de>, Jan van der Berg <jan@x.de>; Cher <cher@x.de>'), [
      address('anna@x.de', 'Anna', 'Berg'),
      address('jan@x.de', 'Jan van der', 'Berg'),
      address('cher@x.de', 'Cher'),
    ]);
  });

  it('keeps a comma inside a quoted name, and reads "Last, First"', () => {
    assert.deepEqual(parseAddressList('"Berg, Anna" <anna@x.de>, "O\\"Neil, Sean" <sean@x.de>'), [
      address('anna@x.de', 'Anna', 'Berg'),
      address('sean@x.de', 'Sean', 'O"Neil'),
    ]);
  });

  it('reads Outlook\'s unquoted "Berg, Anna <anna@x.de>; …" as one named address', () => {
    assert.deepEqual(parseAddressList('Berg, Anna <anna@x.de>; Lind, Per <per@x.de>'), [
      address('anna@x.de', 'Anna', 'Berg'),
      address('per@x.de', 'Per', 'Lind'),
    ]);
  });

  it('takes no name from an address repeated as its display name, and drops mailto:', () => {
    assert.deepEqual(parseAddressList('"anna@x.de" <anna@x.de>, mailto:per@x.de, <MAILTO:ole@x.de>'), [
      address('anna@x.de'),
      address('per@x.de'),
      address('ole@x.de'),
    ]);
    // Unquoted, the first is an address of its own: an address is never taken for a name (the server calls the second a duplicate).
    assert.deepEqual(parseAddressList('anna@x.de <anna@x.de>'), [address('anna@x.de'), address('anna@x.de')]);
  });

  it('keeps duplicates differing in case, each as written: the server judges them', () => {
    assert.deepEqual(parseAddressList('Anna@X.de anna@x.DE'), [address('Anna@X.de'), address('anna@x.DE')]);
  });

  it('keeps internationalised addresses as written', () => {
    assert.deepEqual(parseAddressList('jürgen@müller.de, "Иван" <иван@пример.рф>, ｆｉｌｅ@example.com'), [
      address('jürgen@müller.de'),
      address('иван@пример.рф', 'Иван'),
      address('ｆｉｌｅ@example.com'),
    ]);
  });

  it('keeps garbage as entries of their own, so that it is refused rather than dropped', () => {
    assert.deepEqual(parseAddressList('hello, anna@x.de "unclosed'), [address('hello'), address('anna@x.de'), address('unclosed')]);
    assert.deepEqual(parseAddressList('Anna Berg anna@x.de'), [address('Anna'), address('Berg'), address('anna@x.de')]);
    assert.deepEqual(parseAddressList('<anna@x.de'), [address('anna@x.de')]);
    assert.deepEqual(parseAddressList('Nobody <>'), [address('', 'Nobody')]);
    assert.deepEqual(parseAddressList(' , ;\n "" '), []);
    assert.deepEqual(parseAddressList('hello, Anna <anna@x.de>, a, b, Per <per@x.de>'), [
      address('anna@x.de', 'Anna', 'hello'),
      address('a'),
      address('per@x.de', 'Per', 'b'),
    ]);
    assert.deepEqual(parseAddressList('a>b@x.de'), [address('a>b@x.de')]);
  });
});
