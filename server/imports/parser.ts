import { fork } from 'node:child_process';
import { join } from 'node:path';
import * as z from 'zod/mini';
import {
  IMPORT_COLUMNS,
  IMPORT_HEADER_SEARCH_ROWS,
  IMPORT_HEADER_SYNONYMS,
  type ImportColumn,
  type ImportFormat,
  normalizeHeader,
} from '../../shared/import.ts';
import type { ImportLimits } from './limits.ts';
import { type ParseOwner, ParseScheduler } from './scheduler.ts';
import { restoreDefused } from './workbook.ts';

/** Plain JavaScript, so production runs it without tsx. */
export const PARSER_SCRIPT = join(import.meta.dirname, 'parse-sheet.mjs');

/** The most characters a cell may have in the child's reply (it cuts longer ones). */
const CELL_TEXT_MAX = 1000;

/** The flat lists of the reply, checked element by element without a schema object per row. */
const isRowNumbers = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((row, index) => Number.isInteger(row) && row >= 1 && (index === 0 || row > value[index - 1]));
const isCellIndexes = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((index, at) => Number.isInteger(index) && index >= 0 && (at === 0 || index > value[at - 1]));
const isCells = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((cell) => typeof cell === 'string' && cell.length <= CELL_TEXT_MAX);

/** Whatever the child says is checked again here: the child has read untrusted bytes. */
const parserReply = z.union([
  z.strictObject({
    ok: z.literal(true),
    sheetName: z.string().check(z.maxLength(1000)),
    headerRow: z.int().check(z.minimum(1)),
    rowNumbers: z.custom<number[]>(isRowNumbers),
    cells: z.custom<string[]>(isCells),
    formulaCells: z.custom<number[]>(isCellIndexes),
    tooManyRows: z.boolean(),
    rowCount: z.nullable(z.int().check(z.minimum(0))),
  }),
  z.strictObject({
    ok: z.literal(false),
    error: z.enum(['no_email_column', 'not_a_spreadsheet', 'unreadable']),
    message: z.string(),
  }),
]);

export interface ParsedRow {
  /** The row number the spreadsheet program shows. */
  row: number;
  email: string;
  firstName: string;
  lastName: string;
  role: string;
  /** The columns whose value a formula computed (the value its program cached). */
  formulaColumns: ImportColumn[];
}

export interface ParsedSheet {
  ok: true;
  sheetName: string;
  headerRow: number;
  rows: ParsedRow[];
  tooManyRows: boolean;
  /** With `tooManyRows`: the file's data rows, when they could be counted. */
  rowCount: number | null;
}

export type ParseOutcome =
  | ParsedSheet
  | { ok: false; error: 'no_email_column' | 'not_a_spreadsheet' | 'unreadable' | 'timeout' | 'crashed'; message: string };

/** The checked reply as rows of a fixed set of keys, built here and not by the child. */
function outcomeOf(message: unknown): ParseOutcome {
  const parsed = parserReply.safeParse(message);
  if (!parsed.success) return { ok: false, error: 'crashed', message: 'the parser answered nonsense' };
  const reply = parsed.data;
  if (!reply.ok) return reply;
  const { rowNumbers, cells, formulaCells } = reply;
  if (cells.length !== rowNumbers.length * 4 || (formulaCells.at(-1) ?? -1) >= cells.length) {
    return { ok: false, error: 'crashed', message: 'the parser answered nonsense' };
  }
  const rows: ParsedRow[] = rowNumbers.map((row, index) => ({
    row,
    email: restoreDefused(cells[4 * index]!),
    firstName: restoreDefused(cells[4 * index + 1]!),
    lastName: restoreDefused(cells[4 * index + 2]!),
    role: restoreDefused(cells[4 * index + 3]!),
    formulaColumns: [],
  }));
  for (const index of formulaCells) rows[Math.floor(index / 4)]!.formulaColumns.push(IMPORT_COLUMNS[index % 4]!);
  return { ok: true, sheetName: reply.sheetName, headerRow: reply.headerRow, rows, tooManyRows: reply.tooManyRows, rowCount: reply.rowCount };
}

const headerSynonyms = Object.fromEntries(
  IMPORT_COLUMNS.map((column) => [column, IMPORT_HEADER_SYNONYMS[column].map(normalizeHeader)]),
) as Record<ImportColumn, string[]>;

/** Process-wide, as the cores the children run on are. */
const scheduler = new ParseScheduler();

/**
 * Parses a spreadsheet in a child process with `--max-old-space-size` and a hard time limit; the
 * child is killed on either. The server process never runs the spreadsheet parser itself. Throws
 * `ParseRefused` at once when the owner, their workspace or the queue has no room (see
 * `ParseScheduler`).
 */
export function parseSpreadsheet(owner: ParseOwner, bytes: Uint8Array, format: ImportFormat, limits: ImportLimits): Promise<ParseOutcome> {
  const shares = {
    slots: limits.maxConcurrentParses,
    perWorkspace: limits.maxParsesPerWorkspace,
    waiting: limits.maxWaitingParses,
    timeoutMs: limits.parseTimeoutMs,
  };
  return scheduler.run(owner, shares, () => runChild(bytes, format, limits));
}

function runChild(bytes: Uint8Array, format: ImportFormat, limits: ImportLimits): Promise<ParseOutcome> {
  return new Promise((resolve) => {
    const child = fork(PARSER_SCRIPT, [], {
      // Not the server's flags (tsx, the test runner): only the heap cap.
      execArgv: [`--max-old-space-size=${limits.parseHeapMb}`],
      env: {},
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let settled = false;
    let stderr = '';
    const finish = (outcome: ParseOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ ok: false, error: 'timeout', message: `parsing took longer than ${limits.parseTimeoutMs} ms` }),
      limits.parseTimeoutMs,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    child.once('message', (message) => finish(outcomeOf(message)));
    child.once('error', (error) => finish({ ok: false, error: 'crashed', message: error.message }));
    child.once('close', (code, signal) => {
      const outOfMemory = /heap out of memory|Allocation failed/i.test(stderr);
      finish({
        ok: false,
        error: 'crashed',
        message: outOfMemory ? 'the parser ran out of memory' : `the parser exited (${signal ?? code})`,
      });
    });
    child.send({ format, bytes, maxRows: limits.maxRows, headerSearchRows: IMPORT_HEADER_SEARCH_ROWS, headerSynonyms });
  });
}
