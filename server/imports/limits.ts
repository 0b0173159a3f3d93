import { DEFAULT_IMPORT_MAX_BYTES, DEFAULT_IMPORT_MAX_ROWS } from '../../shared/import.ts';

/** How much of an uploaded spreadsheet the server is willing to look at. */
export interface ImportLimits {
  /** The largest file accepted (`IMPORT_MAX_BYTES`). */
  maxBytes: number;
  /** The most data rows (`IMPORT_MAX_ROWS`). */
  maxRows: number;
  /** A zip (.xlsx, .ods) whose entries inflate to more than this is refused unread. */
  maxUncompressedBytes: number;
  /** A zip with more entries than this is refused unread. */
  maxZipEntries: number;
  /** The parser child is killed after this long (`IMPORT_PARSE_TIMEOUT_MS`). */
  parseTimeoutMs: number;
  /** The parser child's heap (`--max-old-space-size`, `IMPORT_PARSE_HEAP_MB`). */
  parseHeapMb: number;
  /** Parser children running at once; further uploads wait their turn (one workspace never takes the last free one). */
  maxConcurrentParses: number;
  /** Parses of one workspace running or waiting at once; one more is refused at once (each admin has one). */
  maxParsesPerWorkspace: number;
  /** Parses waiting for a free child, all workspaces together; one more is refused at once. */
  maxWaitingParses: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxBytes: DEFAULT_IMPORT_MAX_BYTES,
  maxRows: DEFAULT_IMPORT_MAX_ROWS,
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxZipEntries: 1000,
  parseTimeoutMs: 30_000,
  parseHeapMb: 1024,
  maxConcurrentParses: 2,
  maxParsesPerWorkspace: 3,
  maxWaitingParses: 8,
};

export function resolveImportLimits(overrides: Partial<ImportLimits> | undefined): ImportLimits {
  return { ...DEFAULT_IMPORT_LIMITS, ...overrides };
}

/** Multipart framing around the file; the adapter's `maxBodySize` allows for it. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;
