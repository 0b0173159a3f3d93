/**
 * Bulk import from a spreadsheet: the contract of the `imports.*` procedures, shared by the server
 * and the element. Built with `zod/mini` like `schemas.ts`.
 */
import * as z from 'zod/mini';
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

// ---- inputs ---------------------------------------------------------------

/**
 * `imports.preview`, `imports.commit` and `imports.errorReport` take multipart form data:
 * `file` (the spreadsheet); for the error report, `lang`; for the preview, `offset`: where its
 * page of verdicts starts (see `importPreviewSchema`). Build it with `importFormData`.
 */
export const importUploadInput = formWithFields(['file', 'lang', 'offset']);

/**
 * Form data with no field but these: an unknown field is refused, not ignored. A function the
 * bundler may drop when its result is unused (a method call on a schema cannot be proven so), as
 * the element never validates uploads itself.
 */
// @__NO_SIDE_EFFECTS__
function formWithFields(fields: readonly string[]) {
  const unknownFields = (form: FormData) => [...form.keys()].filter((field) => !fields.includes(field));
  return z.instanceof(FormData).check(
    z.refine((form) => unknownFields(form).length === 0, {
      error: (issue) => `Unrecognized form field: ${unknownFields(issue.input as FormData).join(', ')}`,
    }),
  );
}

/** The upload's form; a preview's later page: `form.append('offset', String(offset))`. */
export function importFormData(file: Blob, options: { lang?: ImportLang } = {}): FormData {
  const form = new FormData();
  form.append('file', file);
  if (options.lang) form.append('lang', options.lang);
  return form;
}

export const importLangSchema = z._default(z.enum(IMPORT_LANGS), 'en');
export const importTemplateInput = z.strictObject({ lang: importLangSchema });

// ---- outputs --------------------------------------------------------------

export const importRowVerdictSchema = z.object({
  /** The row number the spreadsheet program shows. */
  row: z.number(),
  /** As in the file, trimmed. */
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  /** The role the row asks for; null when the role cell is not a known role value. */
  role: z.nullable(z.enum(ROLES)),
  /** The role cell as written. */
  roleText: z.string(),
  verdict: z.enum(IMPORT_VERDICTS),
  /** For `duplicate`: the earlier row with the same email. */
  duplicateOfRow: z.nullable(z.number()),
  /** For already_active / already_pending / deleted: the existing user. */
  userId: z.nullable(z.string()),
  /**
   * The cells whose value a formula computed: the file holds the value its program last cached,
   * which another program (or format) may have cached differently. Worth a look.
   */
  formulaColumns: z.array(z.enum(IMPORT_COLUMNS)),
});
export type ImportRowVerdict = z.infer<typeof importRowVerdictSchema>;

export const importPreviewSchema = z.object({
  format: z.enum(IMPORT_FORMATS),
  sheetName: z.string(),
  /** The row number of the header row (title rows above it are ignored). */
  headerRow: z.number(),
  /** SHA-256 of the file (hex): names the import in the audit log. */
  fileSha256: z.string(),
  totals: z.object({
    /** Non-blank rows below the header. */
    rows: z.number(),
    invite: z.number(),
    skipped: z.number(),
    byVerdict: z.record(z.enum(IMPORT_VERDICTS), z.number()),
  }),
  /**
   * At most `IMPORT_PREVIEW_PAGE_ROWS` verdicts. A file of up to that many rows comes whole, in
   * file order. A longer one comes from `offset` on in report order: the skipped rows first, then
   * the rows to invite, each in file order; its next page is the same upload with `offset` + the
   * page size (or all of it at once: the error report).
   */
  offset: z.number(),
  rows: z.array(importRowVerdictSchema),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

/**
 * What the import did, judged again inside its transaction: the preview's totals, `invited` (those
 * users are pending now) and the rows it skipped, each with its verdict. The invited rows are not
 * listed: they are the file's other rows, and 50,000 of them would make an answer of megabytes
 * that the element never reads. `z.extend` and `z.omit` rather than spreading `.shape`: a property
 * read at the top level keeps both schemas in the element's bundle, which never validates them.
 */
export const importCommitResultSchema = z.extend(z.omit(importPreviewSchema, { rows: true, offset: true }), {
  invited: z.number(),
  /** The rows not invited, in file order: their verdicts as judged at commit. */
  skippedRows: z.array(importRowVerdictSchema),
});
export type ImportCommitResult = z.infer<typeof importCommitResultSchema>;

/** A generated file; `base64` holds its bytes. */
export const generatedFileSchema = z.object({
  filename: z.string(),
  contentType: z.string(),
  base64: z.string(),
});
export type GeneratedFile = z.infer<typeof generatedFileSchema>;
