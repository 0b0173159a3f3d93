import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { heldElsewhere } from './database.ts';

/**
 * Online backup and restore of a SQLite database file through SQLite's backup API, never a file
 * copy: a copy taken while a server writes may be torn, and recent commits sit in the `-wal` file
 * beside it. `panta-user-management backup` and `restore` (server/cli/; `npm run backup` and `restore` here) are thin shells around these.
 */

/** All remaining pages in one step of the backup API: one read transaction, one snapshot. */
const ALL_PAGES = 0x7fffffff;
const BUSY_TIMEOUT_MS = 5000;

export interface BackupReport {
  /** The file written. */
  target: string;
  pages: number;
}

/**
 * Writes a consistent snapshot of the database at `source` to `target` while servers keep
 * writing to it. The pages are copied in one step, inside one read transaction: in WAL mode that
 * blocks no writer, and a write committed by another connection meanwhile cannot restart the copy
 * (as it would between steps of the default 100 pages). Every commit acknowledged before the call
 * is in the snapshot. The snapshot goes to `target.partial` first and is renamed only once its
 * integrity check passes, so `target` is never a half-written file. Refuses to overwrite `target`.
 */
export async function backupSqliteFile(source: string, target: string): Promise<BackupReport> {
  if (!existsSync(source)) throw new Error(`No database at ${source}`);
  if (existsSync(target)) throw new Error(`${target} exists already; name a new file for the backup`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const database = new SQLite(source, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    const { totalPages } = await database.backup(partial, { progress: () => ALL_PAGES });
    // The copy's header says WAL like its source's; a backup is one self-contained file instead.
    const copy = new SQLite(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    const problems = integrityProblems(partial);
    if (problems.length > 0) throw new Error(`The backup failed its integrity check: ${problems.join('; ')}`);
    renameSync(partial, target);
    return { target: resolve(target), pages: totalPages };
  } catch (error) {
    rmSync(partial, { force: true });
    // A single server holds its file alone (`openDatabase`): only `?shared=1` lets a backup read beside it.
    throw (error as { code?: string }).code === 'SQLITE_BUSY' ? heldElsewhere(source) : error;
  } finally {
    database.close();
  }
}

export interface RestoreReport {
  /** The database file restored into. */
  target: string;
  /** A backup of what `target` held before, when it held a database. */
  previous: string | null;
  pages: number;
}

/**
 * Restores `backup` into the database file `target`, which no server may have open: a server
 * would otherwise keep running on pages pulled from under it. The backup is checked first; what
 * `target` held before is kept as `previous` (through the same backup API); the restore goes
 * through the backup API as well, so SQLite replaces the file's pages and its `-wal` together.
 */
export async function restoreSqliteFile(backup: string, target: string, now = new Date()): Promise<RestoreReport> {
  if (!existsSync(backup)) throw new Error(`No backup at ${backup}`);
  const problems = integrityProblems(backup);
  if (problems.length > 0) throw new Error(`${backup} failed its integrity check, nothing was restored: ${problems.join('; ')}`);
  if (!existsSync(dirname(resolve(target)))) throw new Error(`The directory of ${target} does not exist`);
  let previous: string | null = null;
  if (existsSync(target)) {
    if (sqliteFileInUse(target)) {
      throw new Error(`${target} is open in another process (a running server?): stop every server that uses it, then restore`);
    }
    previous = `${target}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    await backupSqliteFile(target, previous);
  }
  const source = new SQLite(backup, { fileMustExist: true });
  try {
    const { totalPages } = await source.backup(target, { progress: () => ALL_PAGES });
    const after = integrityProblems(target);
    if (after.length > 0) throw new Error(`${target} failed its integrity check after the restore: ${after.join('; ')}`);
    return { target: resolve(target), previous: previous && resolve(previous), pages: totalPages };
  } finally {
    source.close();
  }
}

/**
 * True while another connection (a server, in this process or another) has the database open.
 * In WAL mode every open connection holds a shared lock, so an exclusive lock cannot be had at
 * once. Changes nothing.
 */
export function sqliteFileInUse(file: string): boolean {
  const probe = new SQLite(file, { fileMustExist: true, timeout: 0 });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('begin exclusive');
    probe.exec('commit');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    probe.close();
  }
}

/** `PRAGMA integrity_check`'s findings; empty when it says ok. */
export function integrityProblems(file: string): string[] {
  // Read-write, though it only reads: a read-only connection to a WAL file would leave `-shm` and
  // `-wal` files beside it when none were there.
  const database = new SQLite(file, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    const rows = database.pragma('integrity_check') as { integrity_check: string }[];
    const findings = rows.map((row) => row.integrity_check);
    return findings.length === 1 && findings[0] === 'ok' ? [] : findings;
  } finally {
    database.close();
  }
}
