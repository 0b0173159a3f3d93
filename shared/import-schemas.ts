/**
 * The zod schemas of the `imports.*` procedures (./import.ts is the rest of their contract): what
 * they take and answer, which the server validates. Apart from ./import.ts so that the element,
 * which imports that module, carries no zod: its top-level code stays in a bundle even when no
 * schema is used.
 */
import * as z from 'zod/mini';
import { ROLES } from './constants.ts';
import { IMPORT_COLUMNS, IMPORT_FORMATS, IMPORT_LANGS, IMPORT_VERDICTS } from './import.ts';

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
