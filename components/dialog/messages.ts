import { de } from '../i18n/de.ts';
import { en as enBase } from '../i18n/en.ts';
import type { Language } from '../i18n/localize.ts';
import { VALIDATION_MESSAGES } from '../internal/validation-messages.ts';

/**
 * The words only the dialogs say (their forms, the import, the confirmations, the field checks),
 * kept out of the element's catalogs (components/i18n) so that they load with the dialogs' chunk
 * rather than with the first module. Each language comes merged over its catalog: a dialog reads
 * every word from one object, `DIALOG_MESSAGES[localize.language]`.
 */
const en = {
  resendTitle: (who: string) => `Resend invitations to ${who}?`,
  resendSkips: (skipped: string, matching: string) => `${skipped} of ${matching} were sent less than a minute ago and are left out.`,
  restoreTitle: (who: string) => `Restore ${who}?`,
  deleteTitle: (who: string) => `Delete ${who}?`,
  deleteBody: (who: string, days: string) =>
    `${who} will lose access at once. The account can be restored from Recently deleted for ${days} days.`,
  purgeTitle: (who: string) => `Delete ${who} permanently?`,
  purgeBody: (who: string) => `${who} will be removed for good. This cannot be undone.`,
  cancel: 'Cancel',
  sendInvitation: 'Send invitation',
  importMode: 'How to add users',
  singleImport: 'Single import',
  bulkImport: 'Bulk import',
  downloadTemplate: 'Download template',
  chooseFile: 'Drop a spreadsheet here or choose a file',
  // "Label: value" needs no plural forms (not "1 rows").
  importTotals: (rows: string, invite: string, skipped: string) => `Rows: ${rows}. To invite: ${invite}. Skipped: ${skipped}.`,
  downloadErrorReport: 'Download error report',
  previewShown: (shown: string, all: string) => `${shown} of ${all} rows shown, skipped rows first. The error report lists every row.`,
  inviteCount: (count: number, formatted: string) => (count === 1 ? 'Invite 1 user' : `Invite ${formatted} users`),
  // Import progress (issue #16): the upload's share, then the server's work until its answer.
  uploadingPercent: (percent: string) => `Uploading… ${percent}`,
  readingRows: 'Reading the file and checking its rows…',
  invitingRows: 'Reading the file and inviting…',
  optional: '(optional)',
  editTitle: (name: string) => `Edit ${name}`,
  importPreviewLabel: 'Preview of the rows',
  andMore: (formatted: string) => `and ${formatted} more`,
};

const deOwn: typeof en = {
  resendTitle: (who: string) => `Einladungen an ${who} erneut senden?`,
  resendSkips: (skipped: string, matching: string) => `${skipped} von ${matching} wurden vor weniger als einer Minute gesendet und werden ausgelassen.`,
  restoreTitle: (who: string) => `${who} wiederherstellen?`,
  deleteTitle: (who: string) => `${who} löschen?`,
  deleteBody: (who: string, days: string) =>
    `${who} verliert sofort den Zugriff. Das Konto kann ${days} Tage lang unter „Kürzlich gelöscht“ wiederhergestellt werden.`,
  purgeTitle: (who: string) => `${who} endgültig löschen?`,
  purgeBody: (who: string) => `${who} wird endgültig entfernt. Dies kann nicht rückgängig gemacht werden.`,
  cancel: 'Abbrechen',
  sendInvitation: 'Einladung senden',
  importMode: 'Art des Hinzufügens',
  singleImport: 'Einzeln hinzufügen',
  bulkImport: 'Massenimport',
  downloadTemplate: 'Vorlage herunterladen',
  chooseFile: 'Tabelle hier ablegen oder Datei auswählen',
  // "Label: value" needs no plural forms (not "1 rows").
  importTotals: (rows: string, invite: string, skipped: string) => `Zeilen: ${rows}. Einzuladen: ${invite}. Übersprungen: ${skipped}.`,
  downloadErrorReport: 'Fehlerbericht herunterladen',
  previewShown: (shown: string, all: string) => `${shown} von ${all} Zeilen angezeigt, übersprungene zuerst. Der Fehlerbericht enthält alle Zeilen.`,
  inviteCount: (count: number, formatted: string) => (count === 1 ? '1 Benutzer einladen' : `${formatted} Benutzer einladen`),
  // Import progress (issue #16): the upload's share, then the server's work until its answer.
  uploadingPercent: (percent: string) => `Wird hochgeladen… ${percent}`,
  readingRows: 'Datei wird gelesen, Zeilen werden geprüft…',
  invitingRows: 'Datei wird gelesen, Einladungen werden angelegt…',
  optional: '(optional)',
  editTitle: (name: string) => `${name} bearbeiten`,
  importPreviewLabel: 'Vorschau der Zeilen',
  andMore: (formatted: string) => `und ${formatted} weitere`,
};

export const DIALOG_MESSAGES: Record<Language, typeof enBase & typeof en & (typeof VALIDATION_MESSAGES)['en']> = {
  en: { ...enBase, ...en, ...VALIDATION_MESSAGES.en },
  de: { ...de, ...deOwn, ...VALIDATION_MESSAGES.de },
};
