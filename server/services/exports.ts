import {
  EXPORT_COLUMNS,
  EXPORT_CONTENT_TYPES,
  EXPORT_TEXT,
  EXPORT_XLSX_MAX_ROWS,
  type ExportColumn,
  type ExportUsersFilter,
} from '../../shared/export.ts';
import type { ImportLang } from '../../shared/import.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import { countListedUsers, listUserViews, type UserListFilter, type UserViewRow } from '../db/repositories/users.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { type CellValue, csvLine, SheetRows, writeXlsx } from '../imports/workbook.ts';
import type { Caller } from './actor.ts';
import { auditEntry } from './audit.ts';
import { listScope } from './users.ts';

/** Rows read from the database at a time: neither a CSV nor an .xlsx export holds the tab's rows as records at once. */
export const EXPORT_BATCH_SIZE = 1000;

export interface UserExport {
  filename: string;
  contentType: string;
  /** The rows the tab had when the export began (and its audit entry was written). */
  rows: number;
  /** CSV: text made a batch at a time, as the reply reads it; .xlsx: the whole file. */
  body: AsyncIterable<string> | Buffer;
}

/**
 * The visible tab as a file: every page, with the list's search, role filter and sort, the column
 * names in `lang`. Audited before anything is sent, with the filter and the row count. CSV
 * streams; an .xlsx is built in memory and so holds at most `xlsxMaxRows` rows.
 */
export async function exportUsers(
  deps: Deps,
  caller: Caller,
  filter: ExportUsersFilter,
  options: { xlsxMaxRows?: number } = {},
): Promise<UserExport> {
  const xlsxMaxRows = options.xlsxMaxRows ?? EXPORT_XLSX_MAX_ROWS;
  const inactiveDays = filter.inactiveDays === undefined ? undefined : Number(filter.inactiveDays);
  const expired = filter.expired === 'true' ? true : undefined;
  const scope = listScope(deps, { tab: filter.tab, search: filter.search, role: filter.role, inactiveDays, expired });
  const rows = await countListedUsers(deps.db, caller.workspaceId, scope);
  if (filter.format === 'xlsx' && rows > xlsxMaxRows) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      'EXPORT_TOO_MANY_ROWS',
      `An .xlsx export holds at most ${xlsxMaxRows.toLocaleString('en')} users and this tab has ${rows.toLocaleString('en')}: export it as CSV`,
    );
  }
  const now = deps.clock.now();
  const { tab, search, role, sort, direction, format, lang } = filter;
  await insertAuditEntries(deps.db, [
    auditEntry(caller.workspaceId, caller, 'users.exported', null, now.toISOString(), { tab, search, role, inactiveDays, expired, sort, direction, format, lang, rows }),
  ]);

  const columns = EXPORT_COLUMNS[tab];
  const header = columns.map((column) => EXPORT_TEXT[lang].columns[column]);
  const cellsOf = (user: UserViewRow) => columns.map((column) => cellOf(user, column, lang));
  const pages = () => pagesOf(deps, caller, { ...scope, sortBy: sort, direction });
  const filename = `users-${tab}-${now.toISOString().slice(0, 10)}.${format}`;

  if (format === 'csv') return { filename, contentType: EXPORT_CONTENT_TYPES.csv, rows, body: csvChunks(header, pages(), cellsOf, lang) };
  const widths = columns.map((column) => (column === 'email' ? 36 : column === 'firstName' || column === 'lastName' ? 20 : 24));
  const body = await xlsxOf({ name: EXPORT_TEXT[lang].sheet, header, widths }, pages(), cellsOf, xlsxMaxRows);
  return { filename, contentType: EXPORT_CONTENT_TYPES.xlsx, rows, body };
}

/** Every page of the list, a batch at a time, in the list's order (its tie-breakers keep pages stable). */
async function* pagesOf(deps: Deps, caller: Caller, filter: Omit<UserListFilter, 'offset' | 'limit'>) {
  for (let offset = 0; ; offset += EXPORT_BATCH_SIZE) {
    const page = await listUserViews(deps.db, caller.workspaceId, { ...filter, offset, limit: EXPORT_BATCH_SIZE });
    if (page.length > 0) yield page;
    if (page.length < EXPORT_BATCH_SIZE) return;
  }
}

/** A CSV a page at a time; the users' export and the activity export both write theirs with it. */
export async function* csvChunks<Row>(
  header: readonly string[],
  pages: AsyncIterable<Row[]>,
  cellsOf: (row: Row) => CellValue[],
  lang: ImportLang,
): AsyncGenerator<string> {
  // Excel splits a line at the list separator of its locale: a semicolon where the decimal separator is a comma.
  const separator = lang === 'de' ? ';' : ',';
  // The BOM tells spreadsheet programs the file is UTF-8, so that umlauts survive.
  yield `\uFEFF${csvLine(header, separator)}\r\n`;
  for await (const page of pages) yield page.map((row) => `${csvLine(cellsOf(row), separator)}\r\n`).join('');
}

/** An .xlsx of at most `maxRows` rows of the pages (rows added since they were counted do not push it past). */
export async function xlsxOf<Row>(
  sheet: { name: string; header: string[]; widths: number[] },
  pages: AsyncIterable<Row[]>,
  cellsOf: (row: Row) => CellValue[],
  maxRows: number,
): Promise<Buffer> {
  const rows = new SheetRows();
  for await (const page of pages) {
    for (const row of page.slice(0, maxRows - rows.length)) rows.add(cellsOf(row));
    if (rows.length >= maxRows) break;
  }
  return writeXlsx([{ ...sheet, rows }]);
}

/** A time as `2026-11-27 09:30:00` (UTC), which spreadsheet programs read as a date; empty when unset. */
export const utcTime = (iso: string | null) => (iso ? iso.slice(0, 19).replace('T', ' ') : '');

function cellOf(user: UserViewRow, column: ExportColumn, lang: ImportLang): CellValue {
  const text = EXPORT_TEXT[lang];
  switch (column) {
    case 'email':
      return user.email;
    case 'firstName':
      return user.first_name;
    case 'lastName':
      return user.last_name;
    case 'role':
      return text.roles[user.role];
    case 'status':
      return text.statuses[user.status];
    case 'invitedAt':
      return utcTime(user.invited_at);
    case 'lastSentAt':
      return utcTime(user.last_invitation_sent_at);
    case 'invitationExpiresAt':
      return utcTime(user.invitation_expires_at);
    case 'onboardedAt':
      return utcTime(user.onboarded_at);
    case 'lastSignedInAt':
      return utcTime(user.last_signed_in_at);
    case 'deletedAt':
      return utcTime(user.deleted_at);
    case 'purgeAt':
      return utcTime(user.purge_at);
  }
}
