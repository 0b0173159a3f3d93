/**
 * What the element needs of the export: the formats and the download URL, without the query's zod
 * schema (`export.ts`), which the server validates with. Importing that schema put zod's core
 * into the element's first module, about 5 KB gzip that only the dialogs need.
 */
import type { ExportUsersQuery } from './export.ts';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The route's path below the prefix the router is served under (`/api/users/export`). */
export const EXPORT_PATH = 'export';

/**
 * The download URL for a tab: `apiUrl` is where the tRPC router is served (`https://portal.example/api/users`).
 * The query goes as given (the types keep it to `exportUsersQuery`'s keys); the server validates it
 * and fills in the defaults, so the element carries no copy of that work.
 */
export function exportUsersUrl(apiUrl: string, query: ExportUsersQuery): string {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return `${apiUrl.replace(/\/+$/, '')}/${EXPORT_PATH}?${params}`;
}
