import { IMPORT_LANGS, type ImportLang } from '../../shared/import.ts';
import { generatedFileSchema, importCommitResultSchema, importPreviewSchema, importTemplateInput, importUploadInput } from '../../shared/import-schemas.ts';
import { DomainError } from '../errors.ts';
import { commitImport, importErrorReport, importFileTooLarge, importTemplate, previewImport } from '../services/imports.ts';
import { adminProcedure, importingProcedure, router } from '../trpc.ts';

/**
 * Uploads are multipart form data, which the Fastify adapter streams past Fastify's `bodyLimit`;
 * tRPC's `maxBodySize` stops them instead. Its bare PAYLOAD_TOO_LARGE gets a message here. The
 * caller is checked before the body is read. Only procedures marked `upload` accept multipart
 * requests at all (the plugin refuses it elsewhere).
 */
const uploadProcedure = importingProcedure.meta({ upload: true }).use(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && result.error.code === 'PAYLOAD_TOO_LARGE' && !(result.error.cause instanceof DomainError)) {
    throw importFileTooLarge(ctx.deps);
  }
  return result;
});

async function fileOf(form: FormData): Promise<Uint8Array> {
  const file = form.get('file');
  if (!(file instanceof Blob)) {
    throw new DomainError('BAD_REQUEST', 'IMPORT_NOT_A_SPREADSHEET', 'Attach the spreadsheet as the form field `file`');
  }
  return new Uint8Array(await file.arrayBuffer());
}

/** The preview's `offset` field: a whole number of rows, 0 when absent. */
function offsetOf(form: FormData): number {
  const field = form.get('offset');
  if (field === null) return 0;
  if (typeof field !== 'string' || !/^\d{1,9}$/.test(field)) {
    throw new DomainError('BAD_REQUEST', 'IMPORT_NOT_A_SPREADSHEET', 'The form field `offset` must be a whole number of rows');
  }
  return Number(field);
}

const langOf = (form: FormData): ImportLang => {
  const lang = form.get('lang');
  return IMPORT_LANGS.find((known) => known === lang) ?? 'en';
};

export const importsRouter = router({
  /** Parses the file and judges every row: the totals and a page of verdicts (`offset` form field). Writes nothing. */
  preview: uploadProcedure
    .input(importUploadInput)
    .output(importPreviewSchema)
    .mutation(async ({ ctx, input }) => previewImport(ctx.deps, ctx.caller, await fileOf(input), offsetOf(input))),

  /** Invites every row that is (still) valid, in one transaction; the same file again invites nobody twice. */
  commit: uploadProcedure
    .input(importUploadInput)
    .output(importCommitResultSchema)
    .mutation(async ({ ctx, input }) => commitImport(ctx.deps, ctx.caller, await fileOf(input))),

  /** The verdicts of a file as .xlsx (`lang` form field: en or de). */
  errorReport: uploadProcedure
    .input(importUploadInput)
    .output(generatedFileSchema)
    .mutation(async ({ ctx, input }) => importErrorReport(ctx.deps, ctx.caller, await fileOf(input), langOf(input))),

  /** The .xlsx template to fill in. */
  template: adminProcedure
    .input(importTemplateInput)
    .output(generatedFileSchema)
    .query(({ ctx, input }) => importTemplate(ctx.deps, input.lang)),
});
