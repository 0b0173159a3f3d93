/**
 * Bulk import from a spreadsheet: the contract of the `imports.*` procedures, shared by the server
 * and the element; their zod schemas are in ./import-schemas.ts.
 */
import { ROLES, type Role } from './constants.ts';

export const IMPORT_FORMATS = ['xlsx', 'xls', 'ods', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
/** For `<input type="file" accept=…>`. */
export const IMPORT_ACCEPT = '.xlsx,.xls,.ods,.csv';

export const IMPORT_LANGS = ['en', 'de'] as const;
export type ImportLang = (typeof IMPORT_LANGS)[number];

export const DEFAULT_IMPORT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_IMPORT_MAX_ROWS = 50_000;
/**
 * Verdicts in one preview answer: the rows the element draws. A 50,000-row file's verdicts would
 * be megabytes that nobody reads; the rest come a page at a time (`offset`) or as the error report.
 */
export const IMPORT_PREVIEW_PAGE_ROWS = 200;
/** The header row may sit below at most this many title rows. */
export const IMPORT_HEADER_SEARCH_ROWS = 20;

export const IMPORT_COLUMNS = ['email', 'firstName', 'lastName', 'role'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Header cells are compared after `normalizeHeader`: ignoring case, spaces and punctuation. */
export const IMPORT_HEADER_SYNONYMS: Record<ImportColumn, readonly string[]> = {
  email: ['Email', 'E-Mail', 'E-Mail-Adresse', 'Email address', 'Mail'],
  firstName: ['First name', 'Firstname', 'Given name', 'Vorname'],
  lastName: ['Last name', 'Surname', 'Family name', 'Nachname'],
  role: ['Role', 'Rolle'],
};

/** Role cells, ignoring case and surrounding space; an empty cell means Standard user. */
export const IMPORT_ROLE_SYNONYMS: Record<Role, readonly string[]> = {
  admin: ['Admin', 'Administrator'],
  user: ['Standard user', 'Standard', 'User', 'Benutzer', 'Standardbenutzer', ''],
};

export function normalizeHeader(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The role a cell names, or null for an unknown role value. */
export function roleFromCell(text: string): Role | null {
  const wanted = text.trim().replace(/\s+/g, ' ').toLowerCase();
  for (const role of ROLES) {
    if (IMPORT_ROLE_SYNONYMS[role].some((synonym) => synonym.toLowerCase() === wanted)) return role;
  }
  return null;
}

/**
 * What happens to a row: `invite`, or a reason it is skipped. `deleted`: the email belongs to a
 * user in Recently deleted (restore them instead). `mixed_script_email` / `confusable_email`: the
 * email mixes alphabets within a part, or looks like another (Latin) address (README, Users rule).
 * `invalid_name`: a name longer than 100 characters or with control or invisible characters.
 */
export const IMPORT_VERDICTS = [
  'invite',
  'missing_email',
  'invalid_email',
  'mixed_script_email',
  'confusable_email',
  'duplicate',
  'already_active',
  'already_pending',
  'deleted',
  'unknown_role',
  'invalid_name',
] as const;
export type ImportVerdict = (typeof IMPORT_VERDICTS)[number];

/** Column headers and verdicts in both languages: the template, the error report and exports use them. */
export const IMPORT_TEXT = {
  en: {
    columns: { email: 'Email', firstName: 'First name', lastName: 'Last name', role: 'Role' },
    roles: { admin: 'Admin', user: 'Standard user' },
    fromFormula: 'from a formula',
    row: 'Row',
    verdict: 'Verdict',
    verdicts: {
      invite: 'Will invite',
      missing_email: 'Skipped: missing email',
      invalid_email: 'Skipped: invalid email',
      mixed_script_email: 'Skipped: email mixes alphabets',
      confusable_email: 'Skipped: email imitates another address',
      duplicate: 'Skipped: duplicate of row {row}',
      already_active: 'Skipped: already active',
      already_pending: 'Skipped: already pending',
      deleted: 'Skipped: in Recently deleted (restore instead)',
      // Every value of IMPORT_ROLE_SYNONYMS (a test holds them together), the language's own names first.
      unknown_role: 'Skipped: unknown role value. Accepted: Admin / Administrator, Standard user / Standard / User / Benutzer / Standardbenutzer; empty = Standard user',
      invalid_name: 'Skipped: invalid name',
    },
  },
  de: {
    columns: { email: 'E-Mail', firstName: 'Vorname', lastName: 'Nachname', role: 'Rolle' },
    roles: { admin: 'Admin', user: 'Standardbenutzer' },
    fromFormula: 'aus einer Formel',
    row: 'Zeile',
    verdict: 'Ergebnis',
    verdicts: {
      invite: 'Wird eingeladen',
      missing_email: 'Übersprungen: E-Mail fehlt',
      invalid_email: 'Übersprungen: ungültige E-Mail',
      mixed_script_email: 'Übersprungen: E-Mail mischt Alphabete',
      confusable_email: 'Übersprungen: E-Mail ahmt eine andere Adresse nach',
      duplicate: 'Übersprungen: Duplikat von Zeile {row}',
      already_active: 'Übersprungen: bereits aktiv',
      already_pending: 'Übersprungen: Einladung bereits offen',
      deleted: 'Übersprungen: in „Kürzlich gelöscht“ (stattdessen wiederherstellen)',
      unknown_role: 'Übersprungen: unbekannte Rolle. Erlaubt: Admin / Administrator, Standardbenutzer / Standard user / Standard / User / Benutzer; leer = Standardbenutzer',
      invalid_name: 'Übersprungen: ungültiger Name',
    },
  },
} as const satisfies Record<ImportLang, unknown>;

/** A row's verdict as the preview and the error report say it, in `lang`. */
export function verdictText(
  lang: ImportLang,
  row: { verdict: ImportVerdict; duplicateOfRow: number | null },
  formatNumber: (value: number) => string = String,
): string {
  return IMPORT_TEXT[lang].verdicts[row.verdict].replace('{row}', formatNumber(row.duplicateOfRow ?? 0));
}

/**
 * Why an upload was refused as a whole, in `error.data.reason` beside the tRPC code. Kept apart
 * from `ERROR_REASONS`: only the import dialog needs messages for them.
 */
export const IMPORT_ERROR_REASONS = [
  /** PAYLOAD_TOO_LARGE: the file is larger than the size cap: `limit` bytes, `actual` the file's when known. */
  'IMPORT_FILE_TOO_LARGE',
  /** PAYLOAD_TOO_LARGE: the file (a zip: .xlsx, .ods) unpacks to more than `limit` bytes; it was not read. */
  'IMPORT_UNPACKS_TOO_LARGE',
  /** PAYLOAD_TOO_LARGE: more data rows than the row cap, `limit`; `actual` the file's count when known. */
  'IMPORT_TOO_MANY_ROWS',
  /** BAD_REQUEST: the file has no bytes. */
  'IMPORT_EMPTY_FILE',
  /** BAD_REQUEST: not an .xlsx, .xls, .ods or .csv file. */
  'IMPORT_NOT_A_SPREADSHEET',
  /** BAD_REQUEST: no sheet has an email column in its first rows. */
  'IMPORT_NO_EMAIL_COLUMN',
  /** BAD_REQUEST: the file is damaged or could not be read within the parser's time or memory limit. */
  'IMPORT_UNREADABLE',
] as const;
export type ImportErrorReason = (typeof IMPORT_ERROR_REASONS)[number];

/** The upload's form; a preview's later page: `form.append('offset', String(offset))`. */
export function importFormData(file: Blob, options: { lang?: ImportLang } = {}): FormData {
  const form = new FormData();
  form.append('file', file);
  if (options.lang) form.append('lang', options.lang);
  return form;
}

/** Inferred from the schemas, which live apart so that the element, which only reads these answers, loads no zod. */
export type { GeneratedFile, ImportCommitResult, ImportPreview, ImportRowVerdict } from './import-schemas.ts';
