/**
 * Several addresses as an admin pastes or types them into the Add user dialog's email field:
 * separated by commas, semicolons, spaces or line breaks, each bare (`anna@x.de`) or as a mail
 * client copies it (`Anna Berg <anna@x.de>`, `"Berg, Anna" <anna@x.de>`, `mailto:anna@x.de`).
 * Only the syntax is read here: whether an address is valid, a duplicate or taken is the import's
 * verdict on the server (`users.checkInvites`). Whatever is not an address stays an entry of its
 * own, as written, so that the admin sees it refused rather than silently dropped.
 */

/** One address of a list, with the name its display name gives ('' without one). */
export interface ListedAddress {
  email: string;
  firstName: string;
  lastName: string;
}

/** A word of the list: a quoted display name, an address in angle brackets, a bare word, or a separator. */
type Token = { kind: 'quoted' | 'angle' | 'word'; text: string } | { kind: 'comma' | 'semicolon' | 'newline' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === ',' || char === ';' || char === '\n') {
      tokens.push({ kind: char === ',' ? 'comma' : char === ';' ? 'semicolon' : 'newline' });
      index += 1;
    } else if (/\s/u.test(char)) {
      index += 1;
    } else if (char === '"') {
      // A quoted display name: `\"` and `\\` inside it stand for themselves; an unclosed one runs to the end.
      let quoted = '';
      index += 1;
      while (index < text.length && text[index] !== '"') {
        if (text[index] === '\\' && index + 1 < text.length) index += 1;
        quoted += text[index];
        index += 1;
      }
      tokens.push({ kind: 'quoted', text: quoted });
      index += 1;
    } else if (char === '<') {
      const end = text.indexOf('>', index);
      const stop = end === -1 ? text.length : end;
      tokens.push({ kind: 'angle', text: text.slice(index + 1, stop).trim() });
      index = stop + 1;
    } else {
      const word = /^[^\s,;"<]+/u.exec(text.slice(index))![0];
      tokens.push({ kind: 'word', text: word });
      index += word.length;
    }
  }
  return tokens;
}

/**
 * A display name as first and last name: `Berg, Anna` (as Outlook writes it) is last name, first
 * name; otherwise the last word is the last name and the words before it the first name. A display
 * name that is the address itself gives none.
 */
export function namesOf(displayName: string): Pick<ListedAddress, 'firstName' | 'lastName'> {
  const name = displayName.replace(/\s+/gu, ' ').trim();
  if (!name || name.includes('@')) return { firstName: '', lastName: '' };
  const comma = name.indexOf(',');
  if (comma !== -1) return { firstName: name.slice(comma + 1).trim(), lastName: name.slice(0, comma).trim() };
  const space = name.lastIndexOf(' ');
  return space === -1 ? { firstName: name, lastName: '' } : { firstName: name.slice(0, space), lastName: name.slice(space + 1) };
}

const bare = (text: string): ListedAddress => ({ email: text.replace(/^mailto:/iu, ''), firstName: '', lastName: '' });

/**
 * Every address in `text`, in order, duplicates kept (the server judges them). Words before an
 * address in angle brackets are its display name, and so is an unquoted `Berg, Anna` before one
 * (a word without `@` followed by a comma); any other word is an entry of its own.
 */
export function parseAddressList(text: string): ListedAddress[] {
  const entries: ListedAddress[] = [];
  /** Words that may yet be a display name: they are one only if an address in angle brackets follows. */
  let name: string[] = [];
  // Words that no address in angle brackets followed: each is an entry (a comma kept for `Berg, Anna` is none).
  const flush = () => {
    for (const word of name) if (word !== ',') entries.push(bare(word));
    name = [];
  };
  const tokens = tokenize(text);
  tokens.forEach((token, index) => {
    switch (token.kind) {
      case 'angle': {
        const email = bare(token.text).email;
        entries.push({ email, ...namesOf(name.join(' ').replace(/ ,/gu, ',')) });
        name = [];
        return;
      }
      case 'quoted':
        name.push(token.text);
        return;
      case 'word':
        // `anna@x.de <anna@x.de>`, as some clients write it: the first is the display name.
        if (token.text.includes('@') && tokens[index + 1]?.kind !== 'angle') {
          flush();
          entries.push(bare(token.text));
        } else {
          name.push(token.text);
        }
        return;
      case 'comma':
        // `Berg, Anna <anna@x.de>`: the comma belongs to the name when only words lead to an angle address.
        if (name.length > 0 && nextIsNamedAddress(tokens, index + 1)) name.push(',');
        else flush();
        return;
      default:
        flush();
    }
  });
  flush();
  return entries.filter((entry) => entry.email !== '' || entry.firstName !== '' || entry.lastName !== '');
}

/** Whether the tokens from `start` are words (or a quoted name) and then an address in angle brackets, before any separator. */
function nextIsNamedAddress(tokens: readonly Token[], start: number): boolean {
  for (let index = start; index < tokens.length; index += 1) {
    const token = tokens[index]!;
    if (token.kind === 'angle') return index > start;
    if (token.kind === 'quoted') continue;
    if (token.kind !== 'word' || token.text.includes('@')) return false;
  }
  return false;
}
