/**
 * `npm run backup -- <target-file>`: an online backup of the SQLite database DATABASE_URL names
 * (default ./data/panta.db) through SQLite's backup API, while servers keep running. Prints one
 * JSON line; exits 1 with a message when it cannot. PostgreSQL is backed up with pg_dump (README,
 * "Running in production").
 */
import { loadConfig } from '../config.ts';
import { backupSqliteFile } from '../db/backup.ts';
import { isPostgresUrl, sqliteLocation } from '../db/database.ts';

const [target] = process.argv.slice(2);
try {
  const { databaseUrl } = loadConfig();
  if (!target) throw new Error('Name the backup file: npm run backup -- backups/panta-2026-01-05.db');
  if (isPostgresUrl(databaseUrl)) throw new Error('DATABASE_URL is PostgreSQL: back it up with pg_dump (see the README, "Running in production")');
  const source = sqliteLocation(databaseUrl);
  if (source === ':memory:') throw new Error('DATABASE_URL is an in-memory database: there is no file to back up');
  const report = await backupSqliteFile(source, target);
  process.stdout.write(`${JSON.stringify({ ok: true, source, ...report })}\n`);
} catch (error) {
  process.stderr.write(`backup failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
