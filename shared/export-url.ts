/**
 * What the element needs of the export: the formats and the download URL, without the query's zod
 * schema (`export.ts`), which the server validates with. Importing that schema put zod's core
 * into the element's first module, about 5 KB gzip that only the dialogs need.
 */
import type { ExportAuditQuery, ExportUsersQuery } from './export.ts';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The route's path below the prefix the router is served under (`/api/users/export`). */
export const EXPORT_PATH = 'export';

/** The activity export's path beside it (`/api/users/audit-export`). */
export const AUDIT_EXPORT_PATH = 'audit-export';

/** A download URL: the query goes as given, without the keys left undefined; the server validates it and fills in the defaults. */
function downloadUrl(apiUrl: string, path: string, query: object): string {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return `${apiUrl.replace(/\/+$/, '')}/${path}?${params}`;
}

/**
 * The download URL for a tab: `apiUrl` is where the tRPC router is served (`https://portal.example/api/users`).
 * The types keep the query to `exportUsersQuery`'s keys, so the element carries no copy of the server's work.
 */
export const exportUsersUrl = (apiUrl: string, query: ExportUsersQuery): string => downloadUrl(apiUrl, EXPORT_PATH, query);

/** The download URL for the Activity view's entries with its filters. */
export const exportAuditUrl = (apiUrl: string, query: ExportAuditQuery): string => downloadUrl(apiUrl, AUDIT_EXPORT_PATH, query);
