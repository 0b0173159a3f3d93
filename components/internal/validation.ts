import type { PantaErrorData } from '../../shared/errors.ts';
import { EMAIL_RULE, type FieldProblem, type FieldRule, NAME_RULE, REQUIRED_NAME_RULE, normalizeField } from '../../shared/field-rules.ts';
import type { LocalizeController } from '../i18n/localize.ts';
import { VALIDATION_MESSAGES } from './validation-messages.ts';

export type FieldErrors = Partial<Record<string, string>>;

/** The rules of the fields each form checks before it asks the server, which applies them again. */
export const INVITE_RULES = { email: EMAIL_RULE, firstName: NAME_RULE, lastName: NAME_RULE };
export const EDIT_RULES = { firstName: NAME_RULE, lastName: NAME_RULE };
export const ACCEPT_RULES = { firstName: REQUIRED_NAME_RULE, lastName: REQUIRED_NAME_RULE };

/**
 * Checks form values with the shared field rules (../../shared/field-rules.ts) and words the problem
 * of each field from the catalog. The values a rule covers come back normalised (trimmed, NFC); the
 * others (a role from a select, an id) as they were: the server checks those.
 */
export function validate<T>(
  values: Record<string, string>,
  rules: Partial<Record<string, FieldRule>>,
  localize: LocalizeController,
): { ok: true; data: T } | { ok: false; errors: FieldErrors } {
  const data: Record<string, string> = { ...values };
  const errors: FieldErrors = {};
  for (const [field, rule] of Object.entries(rules)) {
    if (!rule || data[field] === undefined) continue;
    const value = normalizeField(data[field]);
    const problem = rule.problem(value);
    if (problem) errors[field] = messageFor(problem, field, rule, localize);
    else data[field] = value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, data: data as T };
}

function messageFor(problem: FieldProblem, field: string, rule: FieldRule, localize: LocalizeController): string {
  const m = VALIDATION_MESSAGES[localize.language];
  if (problem === 'tooLong') return m.validationTooLong(localize.number(rule.maxLength));
  if (problem === 'characters') return m.validationControlCharacters;
  if (problem === 'invalid') return m.validationEmailInvalid;
  return field === 'email' ? m.validationEmailRequired : m.validationNameRequired;
}

/** Server-side field errors (zod's, in English) when the server rejects input the form let through. */
export function serverFieldErrors(data: PantaErrorData | undefined): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, messages] of Object.entries(data?.fieldErrors ?? {})) errors[field] = messages[0];
  return errors;
}
