import type { Selectable } from 'kysely';

/**
 * One fixed window of calls per key (`invite:admin:<id>`, `invite:workspace:<id>`,
 * `import:…`, `token:ip:<address>`), shared by every server on the database.
 */
export interface RateLimitWindowsTable {
  key: string;
  /** ISO time the window began; it ends `windowSeconds` later. */
  window_start: string;
  count: number;
}

export type RateLimitWindowRow = Selectable<RateLimitWindowsTable>;
