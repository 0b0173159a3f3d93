import type { Language } from '../i18n/localize.ts';

/**
 * What a field check says, in its own module: the dialogs' forms and the accept page both check
 * fields (validation.ts), and the accept page must not load the dialogs' words to say these five.
 */
export const VALIDATION_MESSAGES = {
  en: {
    validationEmailRequired: 'Enter an email address',
    validationEmailInvalid: 'Enter a valid email address',
    validationTooLong: (max: string) => `At most ${max} characters`,
    validationControlCharacters: 'Use plain text without control or invisible characters',
    validationNameRequired: 'Enter a name',
  },
  de: {
    validationEmailRequired: 'Geben Sie eine E-Mail-Adresse ein',
    validationEmailInvalid: 'Geben Sie eine gültige E-Mail-Adresse ein',
    validationTooLong: (max: string) => `Höchstens ${max} Zeichen`,
    validationControlCharacters: 'Verwenden Sie einfachen Text ohne Steuer- oder unsichtbare Zeichen',
    validationNameRequired: 'Geben Sie einen Namen ein',
  },
} satisfies Record<Language, Record<string, string | ((max: string) => string)>>;
