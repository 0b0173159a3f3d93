import { AUDIT_ACTION_TEXT } from '../../shared/audit-text.ts';
import { AUDIT_ACTIONS, type AuditAction } from '../../shared/constants.ts';
import { AUDIT_EXPORT_TEXT, EXPORT_TEXT } from '../../shared/export.ts';
import { IMPORT_LANGS, type ImportLang } from '../../shared/import.ts';
import { utcTime } from './exports.ts';

type Details = Record<string, unknown>;

/** Keys whose values are instants: written as the export's other times are. */
const TIME_KEYS = new Set(['purgeAt', 'from', 'to']);

/**
 * An audit entry's details as a spreadsheet reader wants them, in `lang`:
 * `Role: Admin; Purge at (UTC): 2026-12-01 09:30:00`. A change reads `Last name: Smith → Smyth`.
 * Known keys and values (roles, statuses, actions, yes/no) are named in the language; an unknown
 * key keeps its name and an unknown nested value its JSON, so nothing of the log is left out.
 * Empty values (a filter not set) are left out of the top level. The CSV writer still defuses
 * the cell as a whole, and its text starts with a label, never with a value.
 */
export function readableDetails(details: Details | null, lang: ImportLang): string {
  if (!details) return '';
  const { before, after } = details;
  const change = isDetails(before) && isDetails(after);
  const parts = change ? changesOf(before, after, lang) : [];
  for (const [key, value] of Object.entries(details)) {
    if ((change && (key === 'before' || key === 'after')) || value === undefined || value === null || value === '') continue;
    parts.push(`${labelOf(key, lang)}: ${valueOf(key, value, lang)}`);
  }
  return parts.join('; ');
}

/** `user.updated`'s `{ before, after }`: a field a part, `Label: old → new`. */
function changesOf(before: Details, after: Details, lang: ImportLang): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].map((key) => `${labelOf(key, lang)}: ${valueOf(key, before[key], lang)} → ${valueOf(key, after[key], lang)}`);
}

const isDetails = (value: unknown): value is Details => typeof value === 'object' && value !== null && !Array.isArray(value);

function labelOf(key: string, lang: ImportLang): string {
  const columns: Record<string, string> = EXPORT_TEXT[lang].columns;
  const details: Record<string, string> = AUDIT_EXPORT_TEXT[lang].details;
  return Object.hasOwn(details, key) ? details[key]! : Object.hasOwn(columns, key) ? columns[key]! : key;
}

/** Per language, the words for a known key's values (a role, a tab, a sort field…): built once, read for every cell. */
const VALUE_NAMES = Object.fromEntries(
  IMPORT_LANGS.map((lang) => {
    const text = AUDIT_EXPORT_TEXT[lang];
    const names: Partial<Record<string, Record<string, string>>> = {
      role: EXPORT_TEXT[lang].roles,
      status: EXPORT_TEXT[lang].statuses,
      tab: text.tabs,
      direction: text.directions,
      sort: { ...EXPORT_TEXT[lang].columns, ...text.sorts },
    };
    return [lang, names];
  }),
) as Record<ImportLang, Partial<Record<string, Record<string, string>>>>;

function valueOf(key: string, value: unknown, lang: ImportLang): string {
  const text = AUDIT_EXPORT_TEXT[lang];
  if (value === undefined || value === null || value === '') return text.empty;
  if (typeof value === 'boolean') return value ? text.yes : text.no;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return JSON.stringify(value);
  if (key === 'role' && value === 'all') return text.allRoles;
  const names = VALUE_NAMES[lang][key];
  if (names && Object.hasOwn(names, value)) return names[value]!;
  if (key === 'action' && (AUDIT_ACTIONS as readonly string[]).includes(value)) return AUDIT_ACTION_TEXT[lang][value as AuditAction];
  if (TIME_KEYS.has(key) && !Number.isNaN(Date.parse(value))) return utcTime(new Date(value).toISOString());
  return value;
}
