import { createHash } from 'node:crypto';
import {
  IMPORT_PREVIEW_PAGE_ROWS,
  IMPORT_TEXT,
  IMPORT_VERDICTS,
  type GeneratedFile,
  type ImportCommitResult,
  type ImportFormat,
  type ImportLang,
  type ImportPreview,
  type ImportRowVerdict,
  type ImportVerdict,
  roleFromCell,
  verdictText,
} from '../../shared/import.ts';
import type { InviteEntry } from '../../shared/invite-list.ts';
import { nameSchema } from '../../shared/schemas.ts';
import { commitWithCheckpointApart } from '../db/bulk-insert.ts';
import type { DB } from '../db/database.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import { insertInvitations } from '../db/repositories/invitations.ts';
import { insertOutboxMessages } from '../db/repositories/outbox.ts';
import { findUsersByEmails, insertUsers } from '../db/repositories/users.ts';
import { findWorkspaceById } from '../db/repositories/workspaces.ts';
import type { NewAuditRow, UserRow } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { DomainError, ImportParseTimedOut } from '../errors.ts';
import { checkUpload } from '../imports/file-check.ts';
import { type ImportLimits, formatBytes, resolveImportLimits } from '../imports/limits.ts';
import { type ParsedRow, type ParsedSheet, parseSpreadsheet } from '../imports/parser.ts';
import { ParseRefused } from '../imports/scheduler.ts';
import { type SheetSpec, writeXlsx } from '../imports/workbook.ts';
import { newSortableIds } from '../tokens.ts';
import type { Caller } from './actor.ts';
import { auditEntry } from './audit.ts';
import { invitationRows } from './invitation-issuer.ts';
import { type EmailCheck, type EmailProblem, checkEmail } from './email-rule.ts';
import { pendingUserRow, write } from './users.ts';

const ACCEPTED = 'Excel (.xlsx, .xls), OpenDocument (.ods) or CSV (.csv)';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const importLimitsOf = (deps: Deps): ImportLimits => resolveImportLimits(deps.settings.imports);

interface ReadFile {
  format: ImportFormat;
  sheet: ParsedSheet;
  sha256: string;
}

const tooLarge = (limits: ImportLimits, actual?: number) =>
  new DomainError('PAYLOAD_TOO_LARGE', 'IMPORT_FILE_TOO_LARGE', `The file is larger than ${formatBytes(limits.maxBytes)}`, {
    limit: limits.maxBytes,
    ...(actual === undefined ? {} : { actual }),
  });

/** The refusal of an upload larger than the cap; `actual` when the server saw the whole file. */
export const importFileTooLarge = (deps: Deps, actual?: number) => tooLarge(importLimitsOf(deps), actual);

/**
 * Checks an uploaded file's size and bytes, then has a child process parse it. Refuses the whole
 * file with a domain error; the rows themselves are judged by `judgeImport`.
 */
export async function readImportFile(deps: Deps, caller: Caller, bytes: Uint8Array): Promise<ReadFile> {
  const limits = importLimitsOf(deps);
  const check = checkUpload(bytes, limits);
  if (!check.ok) {
    switch (check.problem) {
      case 'too_large':
        throw tooLarge(limits, bytes.byteLength);
      case 'empty':
        throw new DomainError('BAD_REQUEST', 'IMPORT_EMPTY_FILE', 'The file is empty');
      case 'inflates_too_far':
        throw new DomainError(
          'PAYLOAD_TOO_LARGE',
          'IMPORT_UNPACKS_TOO_LARGE',
          `The file unpacks to more than ${formatBytes(limits.maxUncompressedBytes)}: it was not read`,
          { limit: limits.maxUncompressedBytes },
        );
      case 'too_many_entries':
        throw new DomainError('BAD_REQUEST', 'IMPORT_UNREADABLE', `The file holds more than ${limits.maxZipEntries} parts: it was not read`);
      case 'not_a_spreadsheet':
        throw new DomainError('BAD_REQUEST', 'IMPORT_NOT_A_SPREADSHEET', `This is not a spreadsheet: upload ${ACCEPTED}`);
    }
  }
  const outcome = await parseOrRefuse(caller, bytes, check.format, limits);
  if (!outcome.ok) {
    switch (outcome.error) {
      case 'no_email_column':
        throw new DomainError(
          'BAD_REQUEST',
          'IMPORT_NO_EMAIL_COLUMN',
          'No sheet has an Email column: add a header row with Email, First name, Last name and Role',
        );
      case 'not_a_spreadsheet':
        throw new DomainError('BAD_REQUEST', 'IMPORT_NOT_A_SPREADSHEET', `This is not a spreadsheet: upload ${ACCEPTED}`);
      default:
        throw new (outcome.error === 'timeout' ? ImportParseTimedOut : DomainError)(
          'BAD_REQUEST',
          'IMPORT_UNREADABLE',
          'The file could not be read: it is damaged or too complex. Save it again as .xlsx or .csv and retry',
        );
    }
  }
  if (outcome.tooManyRows) {
    const count = outcome.rowCount === null ? 'more than' : `${outcome.rowCount.toLocaleString('en')} rows, more than`;
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      'IMPORT_TOO_MANY_ROWS',
      `The file has ${count} ${limits.maxRows.toLocaleString('en')} rows: split it into smaller files`,
      { limit: limits.maxRows, ...(outcome.rowCount === null ? {} : { actual: outcome.rowCount }) },
    );
  }
  return { format: check.format, sheet: outcome, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * The parse, or at once TOO_MANY_REQUESTS (`RATE_LIMITED`, with `retryAfterSeconds`) when the
 * admin, their workspace or the parse queue has no room.
 */
async function parseOrRefuse(caller: Caller, bytes: Uint8Array, format: ImportFormat, limits: ImportLimits) {
  try {
    return await parseSpreadsheet({ adminId: caller.id, workspaceId: caller.workspaceId }, bytes, format, limits);
  } catch (error) {
    if (!(error instanceof ParseRefused)) throw error;
    const whose = { admin_busy: 'your previous file', workspace_busy: "your workspace's other files", queue_full: 'other files' }[error.why];
    throw new DomainError('TOO_MANY_REQUESTS', 'RATE_LIMITED', `The server is still reading ${whose}: try again in ${error.retryAfterSeconds} seconds`, {
      retryAfterSeconds: error.retryAfterSeconds,
    });
  }
}

type ExistingUser = Pick<UserRow, 'id' | 'email_normalized' | 'status' | 'deleted_at'>;

const EMAIL_VERDICTS: Record<EmailProblem, ImportVerdict> = {
  EMAIL_INVALID: 'invalid_email',
  EMAIL_MIXED_SCRIPTS: 'mixed_script_email',
  EMAIL_CONFUSABLE: 'confusable_email',
};

/**
 * A verdict for every row, judged against the users the workspace has now. The email rule runs
 * once per row: its key finds the existing users, then the verdicts use it again.
 */
async function judgeImport(db: DB, caller: Caller, rows: readonly ParsedRow[]): Promise<ImportRowVerdict[]> {
  const emails = rows.map((row) => (row.email ? checkEmail(row.email) : null));
  // Only addresses the rule allows: a refused one (a NUL, say) never reaches the database.
  const keys = new Set(emails.flatMap((email) => (email?.ok ? [email.normalized] : [])));
  return judgeRows(rows, emails, await findUsersByEmails(db, caller.workspaceId, [...keys]));
}

/** The first reason that applies to each row, in the order the README lists them. */
function judgeRows(rows: readonly ParsedRow[], emails: readonly (EmailCheck | null)[], existing: readonly ExistingUser[]): ImportRowVerdict[] {
  const byEmail = new Map(existing.map((user) => [user.email_normalized, user]));
  const firstRowOf = new Map<string, number>();
  return rows.map((row, index) => {
    const role = roleFromCell(row.role);
    const verdict: ImportRowVerdict = {
      row: row.row,
      email: row.email,
      firstName: row.firstName,
      lastName: row.lastName,
      role,
      roleText: row.role,
      verdict: 'invite',
      duplicateOfRow: null,
      userId: null,
      formulaColumns: row.formulaColumns,
    };
    const email = emails[index];
    if (!email) return { ...verdict, verdict: 'missing_email' };
    if (!email.ok) return { ...verdict, verdict: EMAIL_VERDICTS[email.reason] };
    const first = firstRowOf.get(email.normalized);
    if (first !== undefined) return { ...verdict, verdict: 'duplicate', duplicateOfRow: first };
    firstRowOf.set(email.normalized, row.row);
    const user = byEmail.get(email.normalized);
    if (user) {
      const state: ImportVerdict = user.deleted_at ? 'deleted' : user.status === 'active' ? 'already_active' : 'already_pending';
      return { ...verdict, verdict: state, userId: user.id };
    }
    if (!role) return { ...verdict, verdict: 'unknown_role' };
    const firstName = nameSchema.safeParse(row.firstName);
    const lastName = nameSchema.safeParse(row.lastName);
    if (!firstName.success || !lastName.success) return { ...verdict, verdict: 'invalid_name' };
    // Invited as the rules store them: trimmed and NFC.
    return { ...verdict, email: email.email, firstName: firstName.data, lastName: lastName.data };
  });
}

/** Everything a preview says but the rows themselves. */
function summarize(file: ReadFile, rows: readonly ImportRowVerdict[]): Omit<ImportPreview, 'rows' | 'offset'> {
  const byVerdict = Object.fromEntries(IMPORT_VERDICTS.map((verdict) => [verdict, 0])) as Record<ImportVerdict, number>;
  for (const row of rows) byVerdict[row.verdict] += 1;
  return {
    format: file.format,
    sheetName: file.sheet.sheetName,
    headerRow: file.sheet.headerRow,
    fileSha256: file.sha256,
    totals: { rows: rows.length, invite: byVerdict.invite, skipped: rows.length - byVerdict.invite, byVerdict },
  };
}

/** Skipped rows first, then the rows to invite, each in file order: what needs a look comes first. */
const reportOrder = (rows: readonly ImportRowVerdict[]) =>
  [...rows].sort((a, b) => Number(a.verdict === 'invite') - Number(b.verdict === 'invite') || a.row - b.row);

/** The file's verdicts, all of them, with the summary. */
async function judgeFile(deps: Deps, caller: Caller, bytes: Uint8Array) {
  const file = await readImportFile(deps, caller, bytes);
  const rows = await judgeImport(deps.db, caller, file.sheet.rows);
  return { summary: summarize(file, rows), rows };
}

/**
 * What importing this file would do, writing nothing: every row is judged for the totals, one page
 * of verdicts is sent. A file that fits on the page comes whole in file order; a longer one from
 * `offset` in report order, so that its first page shows what needs a look.
 */
export async function previewImport(deps: Deps, caller: Caller, bytes: Uint8Array, offset = 0): Promise<ImportPreview> {
  const { summary, rows } = await judgeFile(deps, caller, bytes);
  const ordered = rows.length > IMPORT_PREVIEW_PAGE_ROWS ? reportOrder(rows) : rows;
  return { ...summary, offset, rows: ordered.slice(offset, offset + IMPORT_PREVIEW_PAGE_ROWS) };
}

/**
 * Invites every row that is still valid, all in one transaction: the verdicts are judged again
 * inside it, since users may have changed since the preview. One `users.imported` audit entry for
 * the import and one `user.invited` per user; the invitations go through the outbox. Uploading the
 * same file again invites nobody twice: its rows are pending by then.
 */
export async function commitImport(deps: Deps, caller: Caller, bytes: Uint8Array): Promise<ImportCommitResult> {
  const file = await readImportFile(deps, caller, bytes);
  const { rows, invited } = await inviteRows(deps, caller, file.sheet.rows, {
    importDetails: (rows, invited) => {
      const { totals } = summarize(file, rows);
      return { format: file.format, sheetName: file.sheet.sheetName, fileSha256: file.sha256, rows: totals.rows, invited, skipped: totals.skipped };
    },
  });
  return { ...summarize(file, rows), invited, skippedRows: rows.filter((row) => row.verdict !== 'invite') };
}

interface RowInvitation {
  /** The details of the import's own `users.imported` entry, written before the users'. Without: a list, all or nothing. */
  importDetails?: (rows: readonly ImportRowVerdict[], invited: number) => Record<string, unknown>;
}

/**
 * The write of both the import and the list of addresses (`inviteList`): judges the rows inside
 * one transaction and invites those judged `invite`, each with an invitation through the outbox
 * and a `user.invited` audit entry. An import skips the other rows; a list is refused as a whole
 * by any of them (`INVITES_REFUSED`), writing nothing.
 */
async function inviteRows(deps: Deps, caller: Caller, sourceRows: readonly ParsedRow[], { importDetails }: RowInvitation) {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  // Its commit leaves up to 100 MB in SQLite's WAL: copied to the database file on another thread.
  return commitWithCheckpointApart(deps.db, () =>
    write(deps, caller, async (trx) => {
      const rows = await judgeImport(trx, caller, sourceRows);
      if (!importDetails) refuseUnlessAllInvited(rows);
      const workspace = await findWorkspaceById(trx, caller.workspaceId);
      const invitees = rows.filter((row) => row.verdict === 'invite' && row.role);
      const leading = importDetails ? 1 : 0;
      // Ids for the users and their audit entries drawn at once; sortable, so each primary key index
      // grows at its end instead of at random places (the invitations and emails draw theirs alike).
      const ids = newSortableIds(invitees.length * 2 + leading);
      const users = invitees.map((row, index) =>
        pendingUserRow(caller, { email: row.email, firstName: row.firstName, lastName: row.lastName, role: row.role! }, ids[index]!, nowIso),
      );
      const { invitations, messages } = invitationRows(deps, users, caller, now, workspace?.name ?? 'PANTA OS');
      const auditIds = ids.slice(invitees.length);
      const audit: NewAuditRow[] = importDetails
        ? [auditEntry(caller.workspaceId, caller, 'users.imported', null, nowIso, importDetails(rows, users.length), auditIds[0])]
        : [];
      users.forEach((user, index) => {
        const details = importDetails ? { role: user.role, viaImport: true } : { role: user.role };
        audit.push(auditEntry(caller.workspaceId, caller, 'user.invited', user, nowIso, details, auditIds[index + leading]));
      });
      await insertUsers(trx, users);
      await insertInvitations(trx, invitations);
      await insertOutboxMessages(trx, messages);
      await insertAuditEntries(trx, audit);
      return { rows, invited: users.length };
    }),
  );
}

// ---- a list of addresses (the Single form's chips) ----------------------------

/** The entries as the import's rows, numbered from 1; the list's size within the import's row cap. */
function listRows(deps: Deps, entries: readonly InviteEntry[]): ParsedRow[] {
  const { maxRows } = importLimitsOf(deps);
  if (entries.length > maxRows) {
    throw new DomainError('PAYLOAD_TOO_LARGE', 'INVITES_TOO_MANY', `Invite at most ${maxRows.toLocaleString('en')} people at once`, {
      limit: maxRows,
      actual: entries.length,
    });
  }
  return entries.map((entry, index) => ({
    row: index + 1,
    email: entry.email.trim(),
    firstName: entry.firstName ?? '',
    lastName: entry.lastName ?? '',
    role: entry.role ?? 'user',
    formulaColumns: [],
  }));
}

/** Names the refused entries, all of them in `refused` and the first few in the message. */
function refuseUnlessAllInvited(rows: readonly ImportRowVerdict[]) {
  const refused = rows.filter((row) => row.verdict !== 'invite');
  if (refused.length === 0) return;
  const why = (row: ImportRowVerdict) =>
    row.verdict === 'duplicate' ? `duplicate of ${rows[row.duplicateOfRow! - 1]?.email}` : verdictText('en', row).replace(/^Skipped: /, '');
  const named = refused.slice(0, 5).map((row) => `${row.email || `entry ${row.row}`} (${why(row)})`);
  const more = refused.length > named.length ? ` and ${refused.length - named.length} more` : '';
  throw new DomainError('CONFLICT', 'INVITES_REFUSED', `Nobody was invited: ${named.join(', ')}${more} cannot be invited`, {
    refused: refused.map(({ row, email, verdict, duplicateOfRow }) => ({ row, email, verdict, duplicateOfRow })),
  });
}

/** What inviting these entries would do, one verdict each, writing nothing: the import's verdicts. */
export async function checkInviteList(deps: Deps, caller: Caller, entries: readonly InviteEntry[]): Promise<ImportRowVerdict[]> {
  return judgeImport(deps.db, caller, listRows(deps, entries));
}

/**
 * Invites every entry, in one transaction, or nobody: the import's commit, with one refused entry
 * refusing the list. A `user.invited` audit entry per user, as a single invitation writes.
 */
export async function inviteList(deps: Deps, caller: Caller, entries: readonly InviteEntry[]): Promise<{ invited: number }> {
  const { invited } = await inviteRows(deps, caller, listRows(deps, entries), {});
  return { invited };
}

// ---- files handed out -------------------------------------------------------

const TEMPLATE_TEXT = {
  en: {
    filename: 'user-import-template.xlsx',
    usersSheet: 'Users',
    helpSheet: 'How to fill in',
    helpHeader: ['Column', 'Required', 'What to enter'],
    yes: 'yes',
    no: 'no',
    roleError: 'Choose Admin or Standard user',
    help: {
      email: 'The address the invitation is sent to. Each address once; people who are already in the workspace are skipped.',
      firstName: 'Optional. Stored as text.',
      lastName: 'Optional. Stored as text.',
      role: 'Admin or Standard user. Empty means Standard user.',
    },
    notes: [
      'Blank rows and extra columns are ignored. Keep the header row; title rows above it are fine.',
      'Accepted files: .xlsx, .xls, .ods and .csv (comma or semicolon separated).',
      'Before anything happens you see a preview with a verdict for every row.',
    ],
    reportFilename: 'user-import-report.xlsx',
    reportSheet: 'Import report',
  },
  de: {
    filename: 'benutzer-import-vorlage.xlsx',
    usersSheet: 'Benutzer',
    helpSheet: 'Anleitung',
    helpHeader: ['Spalte', 'Pflicht', 'Was eintragen'],
    yes: 'ja',
    no: 'nein',
    roleError: 'Wählen Sie Admin oder Standardbenutzer',
    help: {
      email: 'Die Adresse, an die die Einladung geht. Jede Adresse nur einmal; wer schon im Workspace ist, wird übersprungen.',
      firstName: 'Optional. Wird als Text gespeichert.',
      lastName: 'Optional. Wird als Text gespeichert.',
      role: 'Admin oder Standardbenutzer. Leer bedeutet Standardbenutzer.',
    },
    notes: [
      'Leere Zeilen und zusätzliche Spalten werden ignoriert. Die Kopfzeile muss bleiben; Titelzeilen darüber sind erlaubt.',
      'Erlaubte Dateien: .xlsx, .xls, .ods und .csv (durch Komma oder Semikolon getrennt).',
      'Bevor etwas geschieht, sehen Sie eine Vorschau mit einem Ergebnis für jede Zeile.',
    ],
    reportFilename: 'benutzer-import-bericht.xlsx',
    reportSheet: 'Importbericht',
  },
} as const satisfies Record<ImportLang, unknown>;

const asFile = (filename: string, bytes: Buffer): GeneratedFile => ({ filename, contentType: XLSX_TYPE, base64: bytes.toString('base64') });

/** The .xlsx to fill in: styled header row, column widths, a Role list and a sheet explaining the columns. */
export function importTemplate(deps: Deps, lang: ImportLang): GeneratedFile {
  const text = IMPORT_TEXT[lang];
  const help = TEMPLATE_TEXT[lang];
  const columns = text.columns;
  const users: SheetSpec = {
    name: help.usersSheet,
    header: [columns.email, columns.firstName, columns.lastName, columns.role],
    rows: [],
    widths: [36, 20, 20, 18],
    listValidation: { column: 3, values: [text.roles.admin, text.roles.user], rows: importLimitsOf(deps).maxRows, error: help.roleError },
  };
  const explanation: SheetSpec = {
    name: help.helpSheet,
    header: help.helpHeader,
    rows: [
      [columns.email, help.yes, help.help.email],
      [columns.firstName, help.no, help.help.firstName],
      [columns.lastName, help.no, help.help.lastName],
      [columns.role, help.no, help.help.role],
      [],
      ...help.notes.map((note) => [note]),
    ],
    widths: [16, 10, 100],
  };
  return asFile(help.filename, writeXlsx([users, explanation]));
}

/** The verdicts of a file as an .xlsx, skipped rows first. */
export async function importErrorReport(deps: Deps, caller: Caller, bytes: Uint8Array, lang: ImportLang): Promise<GeneratedFile> {
  const { rows } = await judgeFile(deps, caller, bytes);
  const text = IMPORT_TEXT[lang];
  const ordered = reportOrder(rows);
  const report: SheetSpec = {
    name: TEMPLATE_TEXT[lang].reportSheet,
    header: [text.row, text.columns.email, text.columns.firstName, text.columns.lastName, text.columns.role, text.verdict],
    rows: ordered.map((row) => [row.row, row.email, row.firstName, row.lastName, row.roleText, verdictText(lang, row)]),
    widths: [8, 36, 20, 20, 18, 48],
  };
  return asFile(TEMPLATE_TEXT[lang].reportFilename, writeXlsx([report]));
}
