import { AUDIT_ACTION_TEXT } from '../../shared/audit-text.ts';
import {
  AUDIT_EXPORT_COLUMNS,
  AUDIT_EXPORT_TEXT,
  type AuditExportColumn,
  EXPORT_CONTENT_TYPES,
  EXPORT_XLSX_MAX_ROWS,
  type ExportAuditFilter,
} from '../../shared/export.ts';
import type { ImportLang } from '../../shared/import.ts';
import type { AuditEntry } from '../../shared/schemas.ts';
import { type AuditFilter, type AuditViewRow, countAuditEntries, insertAuditEntries, listAuditEntries } from '../db/repositories/audit-log.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import type { CellValue } from '../imports/workbook.ts';
import type { Caller } from './actor.ts';
import { readableDetails } from './audit-details.ts';
import { auditEntry, auditFilterOf } from './audit.ts';
import { csvChunks, EXPORT_BATCH_SIZE, type UserExport, utcTime, xlsxOf } from './exports.ts';
import { toApiAuditEntry } from './mappers.ts';

/**
 * The Activity view's entries as a file, newest first, with its filters, the column names and
 * actions in `lang`: the same files as the users' export (CSV streams, an .xlsx holds at most
 * `xlsxMaxRows`). Audited as `audit.exported` before anything is sent; the file holds the log as
 * it was just before that entry.
 */
export async function exportAudit(deps: Deps, caller: Caller, query: ExportAuditFilter, options: { xlsxMaxRows?: number } = {}): Promise<UserExport> {
  const xlsxMaxRows = options.xlsxMaxRows ?? EXPORT_XLSX_MAX_ROWS;
  const { format, lang, ...filters } = query;
  const filter = auditFilterOf(filters);
  const rows = await countAuditEntries(deps.db, caller.workspaceId, filter, format === 'xlsx' ? xlsxMaxRows : undefined);
  if (format === 'xlsx' && rows > xlsxMaxRows) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      'EXPORT_TOO_MANY_ROWS',
      `An .xlsx export holds at most ${xlsxMaxRows.toLocaleString('en')} entries and this activity has more: export it as CSV`,
    );
  }
  const now = deps.clock.now();
  const entry = auditEntry(caller.workspaceId, caller, 'audit.exported', null, now.toISOString(), { ...filters, format, lang, rows });
  await insertAuditEntries(deps.db, [entry]);

  const text = AUDIT_EXPORT_TEXT[lang];
  const header = AUDIT_EXPORT_COLUMNS.map((column) => text.columns[column]);
  const cellsOf = (row: AuditViewRow) => {
    const entry = toApiAuditEntry(row);
    return AUDIT_EXPORT_COLUMNS.map((column) => cellOf(entry, column, lang));
  };
  const pages = () => pagesOf(deps, caller, filter, { createdAt: entry.created_at, id: entry.id });
  const filename = `activity-${now.toISOString().slice(0, 10)}.${format}`;
  if (format === 'csv') return { filename, contentType: EXPORT_CONTENT_TYPES.csv, rows, body: csvChunks(header, pages(), cellsOf, lang) };
  const widths = AUDIT_EXPORT_COLUMNS.map((column) => (column === 'details' ? 60 : column === 'time' ? 20 : 30));
  const body = await xlsxOf({ name: text.sheet, header, widths }, pages(), cellsOf, xlsxMaxRows);
  return { filename, contentType: EXPORT_CONTENT_TYPES.xlsx, rows, body };
}

/** Every matching entry older than `start`, a batch at a time, each batch after the last one's key. */
async function* pagesOf(deps: Deps, caller: Caller, filter: Omit<AuditFilter, 'before' | 'limit'>, start: { createdAt: string; id: string }) {
  let before = start;
  for (;;) {
    const page = await listAuditEntries(deps.db, caller.workspaceId, { ...filter, before, limit: EXPORT_BATCH_SIZE });
    if (page.length > 0) yield page;
    if (page.length < EXPORT_BATCH_SIZE) return;
    const last = page.at(-1)!;
    before = { createdAt: last.created_at, id: last.id };
  }
}

function cellOf(entry: AuditEntry, column: AuditExportColumn, lang: ImportLang): CellValue {
  switch (column) {
    case 'time':
      return utcTime(entry.createdAt);
    case 'action':
      return AUDIT_ACTION_TEXT[lang][entry.action];
    case 'actorName':
      return entry.actorId === null ? AUDIT_EXPORT_TEXT[lang].system : (entry.actorName ?? '');
    case 'actorEmail':
      return entry.actorEmail ?? '';
    case 'targetName':
      return entry.targetName ?? '';
    case 'targetEmail':
      return entry.targetEmail ?? '';
    case 'details':
      return readableDetails(entry.details, lang);
  }
}
