/**
 * The list's page cursor: where a page ends (or begins), by the sort key of that row, so that the
 * next (or previous) page is read from the order's index right after it, whatever its offset
 * (keyset paging: page 13,000 costs what the first does). The answer gives `nextCursor` and
 * `prevCursor`; the client sends one back as `cursor`, unread. Offsets stay for jumps.
 *
 * Opaque to clients, but no secret: base64url of JSON that names the list it was made for (tab,
 * sort, direction), which way to read, and the row's sort key. The key holds the sort column's
 * value and the email, the tie-breaker that is unique in a workspace, so that no two rows share a
 * key and a page never repeats or skips a row another writer moved. A cursor for another list is
 * refused: its key would be read in the wrong columns.
 */
import type { SortDirection, SortField, Tab } from './constants.ts';

/** Which values a cursor's key holds, by sort: the list's order by that sort, email last. */
export const CURSOR_KEY_LENGTH: Record<SortField, number> = {
  name: 2,
  email: 1,
  role: 3,
  invitedAt: 2,
  onboardedAt: 2,
  deletedAt: 2,
  lastSignedInAt: 2,
};

/** A cursor's key values are text the database holds: a name, an email, a time. */
const KEY_VALUE_MAX_LENGTH = 500;

export interface ListCursor {
  tab: Tab;
  sortBy: SortField;
  direction: SortDirection;
  /** `after`: the page of rows after the key (Next); `before`: the page before it (Previous). */
  way: 'after' | 'before';
  key: (string | null)[];
}

/** Base64url without padding, of UTF-8: the same in browsers and Node. */
function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

export function encodeListCursor(cursor: ListCursor): string {
  return toBase64Url(JSON.stringify([cursor.tab, cursor.sortBy, cursor.direction, cursor.way, cursor.key]));
}

/** The cursor, or undefined for anything that is not one this server made. */
export function decodeListCursor(text: string): ListCursor | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(text));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) return undefined;
  const [tab, sortBy, direction, way, key] = parsed as unknown[];
  if (tab !== 'active' && tab !== 'pending' && tab !== 'deleted') return undefined;
  if (typeof sortBy !== 'string' || !Object.hasOwn(CURSOR_KEY_LENGTH, sortBy)) return undefined;
  if (direction !== 'asc' && direction !== 'desc') return undefined;
  if (way !== 'after' && way !== 'before') return undefined;
  if (!Array.isArray(key) || key.length !== CURSOR_KEY_LENGTH[sortBy as SortField]) return undefined;
  // Only the sort column may be empty (nobody onboarded yet); the email never is.
  const valid = key.every((value, index) =>
    value === null ? index < key.length - 1 : typeof value === 'string' && value.length <= KEY_VALUE_MAX_LENGTH,
  );
  return valid ? { tab, sortBy: sortBy as SortField, direction, way, key: key as (string | null)[] } : undefined;
}
