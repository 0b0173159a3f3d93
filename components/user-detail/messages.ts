import type { Language } from '../i18n/localize.ts';

/**
 * The detail panel's own words, kept beside it rather than in the element's catalogs
 * (components/i18n): they load with the panel's chunk, not with the first module. The facts reuse
 * the table's phrases ("Invited …", "Deleted …") from the catalogs.
 */
const en = {
  history: 'History',
  /** The user's state, not the tab's name ("Active users"). */
  states: { active: 'Active', pending: 'Invitation pending', deleted: 'Deleted' },
  by: (who: string) => `by ${who}`,
  sends: 'Invitation emails sent',
  system: 'System',
  gone: (email: string) => `${email} (purged)`,
  entries: 'Entries',
  none: 'No activity',
  newer: 'Newer',
  older: 'Older',
  failed: 'The history could not be loaded.',
};

const de: typeof en = {
  history: 'Verlauf',
  states: { active: 'Aktiv', pending: 'Einladung offen', deleted: 'Gelöscht' },
  by: (who: string) => `von ${who}`,
  sends: 'Gesendete Einladungen',
  system: 'System',
  gone: (email: string) => `${email} (endgültig gelöscht)`,
  entries: 'Einträge',
  none: 'Keine Aktivität',
  newer: 'Neuer',
  older: 'Älter',
  failed: 'Der Verlauf konnte nicht geladen werden.',
};

export const PANEL_MESSAGES: Record<Language, typeof en> = { en, de };

/**
 * Who an audit entry names, the detail panel's history and the Activity view alike: the system for
 * no one, a purged user by the email the entry kept, anyone else by their name (or email without one).
 */
export function personOf(language: Language, id: string | null, name: string | null, email: string | null): string {
  const m = PANEL_MESSAGES[language];
  return id === null ? m.system : name === null ? m.gone(email ?? '') : name || (email ?? '');
}
