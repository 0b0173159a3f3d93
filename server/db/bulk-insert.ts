import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import type { Insertable, Kysely } from 'kysely';
import { dialectOf } from './dialect.ts';
import type { Database } from './schema/index.ts';

/**
 * The better-sqlite3 handle behind each SQLite Kysely instance, keyed by its adapter: a
 * transaction gets a new executor but keeps the adapter of the instance it was started on.
 */
const sqliteHandles = new WeakMap<object, SQLite.Database>();

/** Called once by `openDatabase`, so that bulk inserts can take the fast path below. */
export function registerSqliteHandle(db: Kysely<Database>, handle: SQLite.Database): void {
  sqliteHandles.set(db.getExecutor().adapter, handle);
}

/** Bound parameters per statement: SQLite's default SQLITE_MAX_VARIABLE_NUMBER, PostgreSQL's wire limit. */
const MAX_PARAMETERS = { sqlite: 32_766, postgres: 65_535 } as const;

/**
 * Inserts many rows of one table in the caller's transaction; every row must have the first
 * row's columns. Statements hold as many rows as the driver's parameter limit allows.
 *
 * SQLite, inside a transaction: the statement is prepared once through better-sqlite3 and run on
 * the same connection (Kysely's SQLite driver has one, and the transaction holds it), with the
 * rows' values bound in place: Kysely's compiling of every row's values and SQLite's parsing of a
 * new statement text per chunk cost more than the inserting. Not one row per statement: FTS5
 * (the users' search index) writes its pending terms out at every statement, so 50,000 one-row
 * statements made 50,000 index segments (3 s instead of 0.9 s for 50,000 users here). Between
 * statements the event loop gets a turn. Elsewhere (PostgreSQL, or SQLite outside a
 * transaction): Kysely's multi-row INSERT.
 */
export async function insertMany<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!) as (keyof Insertable<Database[T]> & string)[];
  const handle = sqliteHandles.get(db.getExecutor().adapter);
  const perStatement = Math.floor(MAX_PARAMETERS[dialectOf(db)] / columns.length);
  if (handle && db.isTransaction && handle.inTransaction) {
    const prepare = (count: number) =>
      handle.prepare(
        `insert into "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) values ` +
          Array.from({ length: count }, () => `(${columns.map(() => '?').join(', ')})`).join(', '),
      );
    let full: SQLite.Statement | undefined;
    for (let start = 0; start < rows.length; start += perStatement) {
      if (start > 0) await new Promise(setImmediate);
      const count = Math.min(perStatement, rows.length - start);
      const statement = count === perStatement ? (full ??= prepare(count)) : prepare(count);
      const values: unknown[] = new Array(count * columns.length);
      let at = 0;
      for (let index = start; index < start + count; index += 1) {
        const row = rows[index]!;
        for (const column of columns) values[at++] = valueOf(row, column, index);
      }
      statement.run(values);
    }
    return;
  }
  for (let start = 0; start < rows.length; start += perStatement) {
    await db
      .insertInto(table)
      .values(rows.slice(start, start + perStatement) as never)
      .execute();
  }
}

function valueOf<R>(row: R, column: keyof R & string, index: number): unknown {
  const value = row[column];
  if (value === undefined) throw new Error(`bulk insert: row ${index} has no ${column}`);
  return value;
}

/**
 * Runs `commit`, work that ends by committing a bulk write's transaction on `db`, without SQLite's
 * automatic checkpoint, and checkpoints afterwards on a connection of its own in a worker thread.
 *
 * A commit that leaves more than 1,000 pages in the WAL checkpoints inside the COMMIT statement:
 * it copies the pages into the database file and syncs that, on the thread that committed. A
 * 50,000-row import leaves about 100 MB, and copying it took 0.2 to 0.6 s of the import's answer
 * and of the server's one thread. It is housekeeping, not durability (the commit is durable once
 * the WAL is synced), so here it runs beside the answer, on the other core. A PASSIVE checkpoint
 * waits for no reader or writer; should it fail, or the process end first, the next commit that
 * finds the WAL over 1,000 pages checkpoints as before. Nothing to do elsewhere (PostgreSQL, or
 * SQLite in memory, which has no WAL).
 */
export async function commitWithCheckpointApart<T>(db: Kysely<Database>, commit: () => Promise<T>): Promise<T> {
  const handle = sqliteHandles.get(db.getExecutor().adapter);
  if (!handle || handle.memory) return commit();
  // Two imports may overlap (one waits for the other's transaction): the first to start holds the
  // automatic checkpoint back, the last to end restores the setting the first found.
  let held = heldCheckpoints.get(handle);
  if (!held) {
    held = { imports: 0, pages: handle.pragma('wal_autocheckpoint', { simple: true }) as number };
    heldCheckpoints.set(handle, held);
    handle.pragma('wal_autocheckpoint = 0');
  }
  held.imports += 1;
  let committed = false;
  try {
    const result = await commit();
    committed = true;
    return result;
  } finally {
    held.imports -= 1;
    if (held.imports === 0) {
      heldCheckpoints.delete(handle);
      handle.pragma(`wal_autocheckpoint = ${held.pages}`);
    }
    if (committed) checkpointAfter(handle);
  }
}

/**
 * A connection that holds its file alone (`locking_mode = EXCLUSIVE`, the default for one server)
 * admits no second connection, so the worker could not open the file: there the checkpoint runs on
 * the connection itself, once the import's answer has gone out. Should another transaction be open
 * on it by then, the checkpoint fails and the next large commit checkpoints instead.
 */
function checkpointAfter(handle: SQLite.Database): void {
  if (handle.pragma('locking_mode', { simple: true }) !== 'exclusive') return checkpointApart(handle.name);
  setImmediate(() => {
    try {
      handle.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Left to the next large commit, as above.
    }
  });
}

/** Per connection: the bulk commits under way, and its automatic checkpoint setting before them. */
const heldCheckpoints = new WeakMap<SQLite.Database, { imports: number; pages: number }>();

const require = createRequire(import.meta.url);

/** CommonJS, run with `eval`: the worker needs no loader (tsx) and no file of its own. */
const CHECKPOINT_WORKER = `
const { workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file, { fileMustExist: true });
try {
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('wal_checkpoint(PASSIVE)');
} finally {
  db.close();
}
`;

function checkpointApart(file: string): void {
  const worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { file, driver: require.resolve('better-sqlite3') } });
  // Its failure leaves the checkpoint to the next large commit; it never keeps the process alive.
  worker.on('error', () => {});
  worker.unref();
}
