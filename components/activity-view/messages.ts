import type { Language } from '../i18n/localize.ts';

/**
 * The Activity view's own words, beside it as the detail panel's are (they load with its chunk).
 * Its entries are worded as the panel's history is: the action names of shared/audit-text.ts and
 * the panel's "System", "… (purged)", "No activity" and "Older".
 */
const en = {
  action: 'Action',
  allActions: 'All actions',
  targetEmail: "User's email address",
  from: 'From',
  to: 'To',
  badRange: 'The end date is before the start date.',
  time: 'Time',
  actor: 'By',
  target: 'User',
  byChip: (who: string) => `By ${who}`,
  removeChip: (chip: string) => `Remove filter: ${chip}`,
  actorHint: 'Shows only what this person did',
  newest: 'Newest',
  range: (from: string, to: string, total: string) => `Entries ${from}–${to} of ${total}`,
  failed: 'The activity could not be loaded.',
};

const de: typeof en = {
  action: 'Aktion',
  allActions: 'Alle Aktionen',
  targetEmail: 'E-Mail-Adresse des Benutzers',
  from: 'Ab',
  to: 'Bis',
  badRange: 'Das Enddatum liegt vor dem Startdatum.',
  time: 'Zeit',
  actor: 'Von',
  target: 'Benutzer',
  byChip: (who: string) => `Von ${who}`,
  removeChip: (chip: string) => `Filter entfernen: ${chip}`,
  actorHint: 'Zeigt nur, was diese Person getan hat',
  newest: 'Neueste',
  range: (from: string, to: string, total: string) => `Einträge ${from}–${to} von ${total}`,
  failed: 'Die Aktivität konnte nicht geladen werden.',
};

export const ACTIVITY_MESSAGES: Record<Language, typeof en> = { en, de };
