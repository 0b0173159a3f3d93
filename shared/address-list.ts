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

/**
 * A display name as first and last name: `Berg, Anna` (as Outlook writes it) is last name, first
 * name; otherwise the last word is the last name and the words before it the first name. A display
 * name with an `@` (the address again, as some clients write it) gives none.
 */
export function namesOf(displayName: string): Pick<ListedAddress, 'firstName' | 'lastName'> {
  const name = displayName.replace(/\s+/gu, ' ').trim();
  if (!name || name.includes('@')) return { firstName: '', lastName: '' };
  const comma = name.indexOf(',');
  if (comma !== -1) return { firstName: name.slice(comma + 1).trim(), lastName: name.slice(0, comma).trim() };
  const space = name.lastIndexOf(' ');
  return space === -1 ? { firstName: name, lastName: '' } : { firstName: name.slice(0, space), lastName: name.slice(space + 1) };
}

/**
 * One entry: a display name and an address in angle brackets; a quoted text alone; or a bare word.
 * The display name is quoted (`\"` and `\\` inside stand for themselves), or words (no separator,
 * quote, bracket or `@`: an address is no name) with at most one comma among them: Outlook's
 * unquoted `Berg, Anna`. An unclosed quote or bracket runs to the end of the text.
 */
const ENTRY =
  /(?:"((?:[^"\\]|\\.)*)"?|([^\s,;<>"@]+(?:[ \t]+[^\s,;<>"@]+)*(?:[ \t]*,[ \t]*[^\s,;<>"@]+(?:[ \t]+[^\s,;<>"@]+)*)?))?[ \t]*<([^>]*)>?|"((?:[^"\\]|\\.)*)"?|[^\s,;<"]+/gu;

const unquote = (text: string) => text.replace(/\\(.)/gu, '$1');

/**
 * Every address in `text`, in order, duplicates kept (the server judges them). Words before an
 * address in angle brackets are its display name; any other word is an entry of its own.
 */
export function parseAddressList(text: string): ListedAddress[] {
  return [...text.matchAll(ENTRY)].map(([word, quoted, words, angled, alone]) => ({
    email: (angled ?? (alone === undefined ? word : unquote(alone))).trim().replace(/^mailto:/iu, ''),
    ...namesOf(angled === undefined ? '' : quoted === undefined ? (words ?? '') : unquote(quoted)),
  })).filter((entry) => entry.email || entry.firstName);
}
