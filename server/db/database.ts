import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDatabase,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
} from 'kysely';
import pg from 'pg';
import { registerSqliteHandle } from './bulk-insert.ts';
import type { Dialect } from './dialect.ts';
import { migrateToLatest } from './migrations/index.ts';
import type { Database } from './schema/index.ts';

export { type Dialect, dialectOf } from './dialect.ts';

export type DB = Kysely<Database>;

export interface OpenedDatabase {
  db: DB;
  dialect: Dialect;
  /** Where the data lives, for logs. */
  location: string;
  /** PostgreSQL: opens a connection of its own, outside the pool, for the live feed's LISTEN. */
  listenConnection?: () => pg.Client;
  close(): Promise<void>;
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the database a DATABASE_URL names and brings its schema up to date.
 * Accepted: `postgres://…` or `postgresql://…` for PostgreSQL; for SQLite a file path
 * (`./data/panta.db`), `file:…`, `sqlite:…`, or `:memory:`, with `?shared=1` when several
 * processes open the file (see `applyDurabilitySettings`).
 */
export async function openDatabase(url: string): Promise<OpenedDatabase> {
  if (isPostgresUrl(url)) return openPostgres(url);
  const location = sqliteLocation(url);
  if (location !== ':memory:') mkdirSync(dirname(resolve(location)), { recursive: true });
  const sqlite = new SQLite(location);
  try {
    applyDurabilitySettings(sqlite, location === ':memory:' ? 'memory' : isSharedSqliteUrl(url) ? 'shared' : 'exclusive');
  } catch (error) {
    sqlite.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw heldElsewhere(location);
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, sqlite) });
  registerSqliteHandle(db, sqlite);
  await migrateToLatest(db);
  return { db, dialect: 'sqlite', location, close: () => db.destroy() };
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

/** Size of each server's PostgreSQL pool, unless the URL's `max` says otherwise (`?max=20`). */
const DEFAULT_POOL_SIZE = 10;

async function openPostgres(url: string): Promise<OpenedDatabase> {
  const parsed = new URL(url);
  const max = Number(parsed.searchParams.get('max') ?? DEFAULT_POOL_SIZE);
  parsed.searchParams.delete('max');
  const pool = new pg.Pool({ connectionString: parsed.toString(), max, allowExitOnIdle: true });
  // An idle connection that breaks (the database restarted, a proxy cut it) is dropped by the
  // pool; without a listener its 'error' event would end the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const connectionString = parsed.toString();
  if (parsed.password) parsed.password = '***';
  return {
    db,
    dialect: 'postgres',
    location: parsed.toString(),
    listenConnection: () => new pg.Client({ connectionString }),
    close: () => db.destroy(),
  };
}

/** The SQLite file (or `:memory:`) a DATABASE_URL names; also used by `npm run backup` and `restore`. */
export function sqliteLocation(url: string): string {
  const stripped = url.replace(/^(sqlite|file):(\/\/)?/i, '').replace(/\?.*$/, '');
  return stripped === '' ? ':memory:' : stripped;
}

/** The file is locked by a process that opened it alone (without `?shared=1`); also said by `npm run backup`. */
export const heldElsewhere = (location: string) =>
  new Error(
    `${location} is held by another process that opened it alone: to run several processes on one SQLite file (servers, npm run backup while they run), give every one DATABASE_URL=${location}?shared=1`,
  );

/** `?shared=1` (or `true`) on a SQLite DATABASE_URL: several processes open the file. */
const isSharedSqliteUrl = (url: string) => /[?&]shared=(1|true)(&|$)/i.test(url);

/**
 * How a SQLite connection holds its file. `exclusive`, the default for a file: the one server
 * process keeps the file locked for as long as it runs, and WAL's index lives in its heap. In
 * `shared` (`?shared=1`) SQLite keeps that index in `panta.db-shm`, memory-mapped by every
 * process on the file; a write to a mapped page the kernel cannot back (a file made immutable,
 * a file system shut down after an I/O error, a full copy-on-write file system) is not an error
 * SQLite can return but SIGBUS, which ends the process. Exclusive makes that impossible.
 */
type SqliteMode = 'memory' | 'exclusive' | 'shared';

/**
 * SQLite forgets most pragmas between connections, and re-opening an existing database in WAL
 * mode silently falls back to a weaker `synchronous`; so they are set on every open and read back.
 * The locking mode must be set before the first read: the WAL index is placed then. Nothing is
 * memory-mapped beyond that index (`mmap_size = 0`): a failed disk gives errors, never SIGBUS.
 */
function applyDurabilitySettings(sqlite: SQLite.Database, mode: SqliteMode): void {
  sqlite.pragma(`locking_mode = ${mode === 'shared' ? 'NORMAL' : 'EXCLUSIVE'}`);
  if (mode !== 'memory') {
    sqlite.pragma('mmap_size = 0');
    sqlite.pragma('journal_mode = WAL');
  }
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);

  const expected: Record<string, unknown> = {
    locking_mode: mode === 'shared' ? 'normal' : 'exclusive',
    ...(mode === 'memory' ? { journal_mode: 'memory' } : { journal_mode: 'wal', mmap_size: 0 }),
    synchronous: 2,
    foreign_keys: 1,
    busy_timeout: BUSY_TIMEOUT_MS,
  };
  for (const [pragma, value] of Object.entries(expected)) {
    const actual = sqlite.pragma(pragma, { simple: true });
    if (actual !== value) {
      throw new Error(`SQLite pragma ${pragma} is ${String(actual)}, expected ${String(value)}`);
    }
  }
}

/** How many prepared statements each SQLite connection keeps, the most recently used. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The connection as Kysely's SQLite driver sees it, keeping its prepared statements by SQL text.
 * Kysely compiles a query to the same SQL every time (values are parameters), and the driver
 * prepared it anew on every execution: at a million users that was as long as running the list's
 * small statements. SQLite re-prepares a kept statement by itself when the schema changes. A
 * statement still busy (a stream being read) is not shared: the caller gets a fresh one. SQL
 * that varies in shape (a search of N words, `in` lists of N ids) only ever fills the cache up
 * to its size; the least recently used statement goes first.
 */
export function withStatementCache(sqlite: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql: string): SqliteStatement {
      const kept = statements.get(sql);
      if (kept) {
        if (kept.busy) return sqlite.prepare(sql);
        // A Map iterates in insertion order: moved to the end, it is the most recently used.
        statements.delete(sql);
        statements.set(sql, kept);
        return kept;
      }
      const statement = sqlite.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > size) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}

/**
 * Starts every transaction with BEGIN IMMEDIATE. Our writes read first (guards) and write after;
 * a deferred transaction would take its write lock only at the first write, and two servers on
 * one file would then fail with SQLITE_BUSY instead of waiting on the busy timeout.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #sqlite: SQLite.Database;

  constructor(config: SqliteDialectConfig, sqlite: SQLite.Database) {
    super(config);
    this.#sqlite = sqlite;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  /**
   * On a full disk or an I/O error SQLite rolls the transaction back by itself. Kysely then sends
   * ROLLBACK anyway, and its "cannot rollback - no transaction is active" replaced the error
   * that said why (SQLITE_FULL, SQLITE_IOERR_WRITE): a 500 instead of DATABASE_UNAVAILABLE.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#sqlite.inTransaction) await super.rollbackTransaction(connection);
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #sqlite: SQLite.Database;

  constructor(config: SqliteDialectConfig, sqlite: SQLite.Database) {
    super(config);
    this.#config = config;
    this.#sqlite = sqlite;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#sqlite);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it does not, so its migrator
 * would run migrations outside any transaction, with no lock: two servers starting on a new file
 * both created the same tables. Saying so makes every migration run in one BEGIN IMMEDIATE
 * transaction: servers take turns, and a failed migration leaves nothing half-done.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
