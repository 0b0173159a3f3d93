/**
 * Export of a tab as a file: the query of `GET {prefix}/export`, shared by the server (which
 * validates it) and the element (which builds the download URL from it). Built with `zod/mini`.
 */
import * as z from 'zod/mini';
import { INACTIVE_DAYS, type Role, SORT_DIRECTIONS, SORT_FIELDS, type SortDirection, type Status, type Tab } from './constants.ts';
import { IMPORT_TEXT, type ImportLang } from './import.ts';
import { importLangSchema } from './import-schemas.ts';
import { auditFilterShape, auditRangeInOrder, roleFilterSchema, searchSchema, tabSchema } from './inputs.ts';

import { EXPORT_FORMATS, type ExportFormat } from './export-url.ts';

export { AUDIT_EXPORT_PATH, EXPORT_FORMATS, EXPORT_PATH, type ExportFormat, exportAuditUrl, exportUsersUrl } from './export-url.ts';

/** An .xlsx is built in memory before it is sent; a larger tab must be exported as CSV, which streams. */
export const EXPORT_XLSX_MAX_ROWS = 100_000;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * The query string: the visible tab with the list's search, role filter and sort (as
 * `users.list` takes them, the sort flattened into `sort` and `direction`), the format and the
 * language of the column names. An unknown key is refused rather than ignored.
 */
export const exportUsersQuery = z.strictObject({
  tab: tabSchema,
  search: searchSchema,
  role: roleFilterSchema,
  /** The list's "not signed in for N days", as text: `30`, `60` or `90`. */
  inactiveDays: z.optional(z.enum(INACTIVE_DAYS.map(String) as ['30', '60', '90'])),
  /** The list's "Expired invitations", as text: `true`. */
  expired: z.optional(z.literal('true', { error: 'Give expired=true, or leave it out' })),
  sort: z._default(z.enum(SORT_FIELDS), 'name'),
  direction: z._default(z.enum(SORT_DIRECTIONS), 'asc'),
  format: z._default(z.enum(EXPORT_FORMATS), 'csv'),
  lang: importLangSchema,
});
export type ExportUsersQuery = z.input<typeof exportUsersQuery>;
export type ExportUsersFilter = z.output<typeof exportUsersQuery>;

/**
 * The columns of each tab: who the user is (as the import reads them back), then the dates of
 * their state. Deleted users also show the state a restore returns them to.
 */
export const EXPORT_COLUMNS = {
  active: ['email', 'firstName', 'lastName', 'role', 'invitedAt', 'onboardedAt', 'lastSignedInAt'],
  pending: ['email', 'firstName', 'lastName', 'role', 'invitedAt', 'lastSentAt', 'invitationExpiresAt'],
  deleted: ['email', 'firstName', 'lastName', 'role', 'status', 'deletedAt', 'purgeAt'],
} as const satisfies Record<Tab, readonly string[]>;
export type ExportColumn = (typeof EXPORT_COLUMNS)[Tab][number];

/** Column names and values in both languages; the first four are the import's own. */
export const EXPORT_TEXT = {
  en: {
    columns: {
      ...IMPORT_TEXT.en.columns,
      status: 'Status',
      invitedAt: 'Invited at (UTC)',
      lastSentAt: 'Last sent (UTC)',
      invitationExpiresAt: 'Invitation expires (UTC)',
      onboardedAt: 'Onboarding completed (UTC)',
      lastSignedInAt: 'Last sign-in (UTC)',
      deletedAt: 'Deleted at (UTC)',
      purgeAt: 'Purge at (UTC)',
    },
    roles: IMPORT_TEXT.en.roles,
    statuses: { active: 'Active', pending: 'Pending' },
    sheet: 'Users',
  },
  de: {
    columns: {
      ...IMPORT_TEXT.de.columns,
      status: 'Status',
      invitedAt: 'Eingeladen am (UTC)',
      lastSentAt: 'Zuletzt gesendet (UTC)',
      invitationExpiresAt: 'Einladung gültig bis (UTC)',
      onboardedAt: 'Onboarding abgeschlossen (UTC)',
      lastSignedInAt: 'Letzte Anmeldung (UTC)',
      deletedAt: 'Gelöscht am (UTC)',
      purgeAt: 'Endgültig gelöscht am (UTC)',
    },
    roles: IMPORT_TEXT.de.roles,
    statuses: { active: 'Aktiv', pending: 'Ausstehend' },
    sheet: 'Benutzer',
  },
} as const satisfies Record<
  ImportLang,
  { columns: Record<ExportColumn, string>; roles: Record<Role, string>; statuses: Record<Status, string>; sheet: string }
>;

/** The Activity view's entries as a file: its filters (as `audit.list` takes them), the format and the language. */
export const exportAuditQuery = z
  .strictObject({ ...auditFilterShape, format: z._default(z.enum(EXPORT_FORMATS), 'csv'), lang: importLangSchema })
  .check(auditRangeInOrder);
export type ExportAuditQuery = z.input<typeof exportAuditQuery>;
export type ExportAuditFilter = z.output<typeof exportAuditQuery>;

export const AUDIT_EXPORT_COLUMNS = ['time', 'action', 'actorName', 'actorEmail', 'targetName', 'targetEmail', 'details'] as const;
export type AuditExportColumn = (typeof AUDIT_EXPORT_COLUMNS)[number];

export const AUDIT_EXPORT_TEXT = {
  en: {
    columns: { time: 'Time (UTC)', action: 'Action', actorName: 'By', actorEmail: 'By (email)', targetName: 'User', targetEmail: 'User (email)', details: 'Details' },
    system: 'System',
    sheet: 'Activity',
    details: {
      tab: 'Tab',
      search: 'Search',
      inactiveDays: 'Not signed in for (days)',
      expired: 'Expired invitations',
      sort: 'Sorted by',
      direction: 'Direction',
      format: 'Format',
      lang: 'Language',
      rows: 'Rows',
      action: 'Action',
      actorId: 'By (id)',
      targetId: 'User (id)',
      targetEmail: 'User (email)',
      from: 'From (UTC)',
      to: 'To (UTC)',
      sheetName: 'Sheet',
      fileSha256: 'File SHA-256',
      invited: 'Invited',
      skipped: 'Skipped',
      viaImport: 'Via import',
    },
    yes: 'yes',
    no: 'no',
    empty: '(empty)',
    tabs: { active: 'Active users', pending: 'Pending invitations', deleted: 'Recently deleted' },
    allRoles: 'All roles',
    sorts: { name: 'Name' },
    directions: { asc: 'ascending', desc: 'descending' },
  },
  de: {
    columns: { time: 'Zeit (UTC)', action: 'Aktion', actorName: 'Von', actorEmail: 'Von (E-Mail)', targetName: 'Benutzer', targetEmail: 'Benutzer (E-Mail)', details: 'Details' },
    system: 'System',
    sheet: 'Aktivität',
    details: {
      tab: 'Reiter',
      search: 'Suche',
      inactiveDays: 'Nicht angemeldet seit (Tagen)',
      expired: 'Abgelaufene Einladungen',
      sort: 'Sortiert nach',
      direction: 'Richtung',
      format: 'Format',
      lang: 'Sprache',
      rows: 'Zeilen',
      action: 'Aktion',
      actorId: 'Von (ID)',
      targetId: 'Benutzer (ID)',
      targetEmail: 'Benutzer (E-Mail)',
      from: 'Von (UTC)',
      to: 'Bis (UTC)',
      sheetName: 'Tabellenblatt',
      fileSha256: 'Datei-SHA-256',
      invited: 'Eingeladen',
      skipped: 'Übersprungen',
      viaImport: 'Per Import',
    },
    yes: 'ja',
    no: 'nein',
    empty: '(leer)',
    tabs: { active: 'Aktive Benutzer', pending: 'Offene Einladungen', deleted: 'Kürzlich gelöscht' },
    allRoles: 'Alle Rollen',
    sorts: { name: 'Name' },
    directions: { asc: 'aufsteigend', desc: 'absteigend' },
  },
} as const satisfies Record<
  ImportLang,
  {
    columns: Record<AuditExportColumn, string>;
    system: string;
    sheet: string;
    details: Record<string, string>;
    yes: string;
    no: string;
    empty: string;
    /** A users export's filters: its tab, a role filter of every role, its sort (the field `name` is no column) and direction. */
    tabs: Record<Tab, string>;
    allRoles: string;
    sorts: Record<string, string>;
    directions: Record<SortDirection, string>;
  }
>;

/**
 * Why an export was refused, in `error.data.reason`. PAYLOAD_TOO_LARGE: the tab has more rows
 * than an .xlsx may hold (`EXPORT_XLSX_MAX_ROWS`); export it as CSV.
 */
export const EXPORT_ERROR_REASONS = ['EXPORT_TOO_MANY_ROWS'] as const;
export type ExportErrorReason = (typeof EXPORT_ERROR_REASONS)[number];
