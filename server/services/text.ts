const FOLDED_LETTERS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', þ: 'th', ı: 'i' };

/** Case- and accent-folds text so that `muller` finds `Müller` on every database. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđþı]/g, (char) => FOLDED_LETTERS[char] ?? char);
}

/**
 * The words of a search, folded; empty words are dropped. Control characters separate words like
 * spaces: no name holds one, SQLite's LIKE and FTS5 end a string at U+0000, and PostgreSQL refuses it.
 */
export function searchWords(search: string): string[] {
  return foldForSearch(search).split(/[\s\p{Cc}]+/u).filter(Boolean);
}

export function searchTextFor(user: { first_name: string; last_name: string; email: string }): string {
  return foldForSearch(`${user.first_name} ${user.last_name} ${user.email}`);
}

export function sortNameFor(user: { first_name: string; last_name: string; email: string }): string {
  // The address as written, not its unique key: `müller.de` sorts as itself, not as `xn--mller-kva.de`.
  return foldForSearch(`${user.first_name} ${user.last_name}`.trim()) || user.email.trim().normalize('NFC').toLowerCase();
}

export function displayName(person: { first_name: string; last_name: string; email: string }): string {
  return `${person.first_name} ${person.last_name}`.trim() || person.email;
}
