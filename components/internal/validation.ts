import type * as z from 'zod/mini';
import type { PantaErrorData } from '../../shared/errors.ts';
import { PLAIN_EMAIL } from '../../shared/inputs.ts';
import type { LocalizeController } from '../i18n/localize.ts';

export type FieldErrors = Partial<Record<string, string>>;

/**
 * Validates form values with a shared schema and words the first problem of each field from the
 * catalog (the schema's own messages are English).
 */
export function validate<T extends z.ZodMiniType>(
  schema: T,
  values: unknown,
  localize: LocalizeController,
): { ok: true; data: z.output<T> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= messageFor(issue, field, localize);
  }
  return { ok: false, errors };
}

function messageFor(issue: z.core.$ZodIssue, field: string, localize: LocalizeController): string {
  const m = localize.messages;
  if (issue.code === 'too_big' && typeof issue.maximum === 'number') return m.validationTooLong(localize.number(issue.maximum));
  if (field === 'email') {
    if (issue.code === 'too_small' || issue.code === 'invalid_type') return m.validationEmailRequired;
    return issue.code === 'invalid_format' && issue.pattern === String(PLAIN_EMAIL) ? m.validationControlCharacters : m.validationEmailInvalid;
  }
  if (issue.code === 'invalid_format') return m.validationControlCharacters;
  if (issue.code === 'too_small') return m.validationNameRequired;
  if (issue.code === 'custom' && field === 'form') return m.nothingChanged;
  return issue.message;
}

/** Server-side field errors (zod's, in English) when the server rejects input the form let through. */
export function serverFieldErrors(data: PantaErrorData | undefined): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, messages] of Object.entries(data?.fieldErrors ?? {})) errors[field] = messages[0];
  return errors;
}
