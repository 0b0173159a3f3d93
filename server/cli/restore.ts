/**
 * `npm run restore -- <backup-file>`: restores a backup made by `npm run backup` into the SQLite
 * database DATABASE_URL names (default ./data/panta.db). Refuses while any server has that
 * database open; keeps what it held before beside it (`….before-restore-<time>`). Prints one JSON
 * line; exits 1 with a message when it cannot.
 */
import { loadConfig } from '../config.ts';
import { restoreSqliteFile } from '../db/backup.ts';
import { isPostgresUrl, sqliteLocation } from '../db/database.ts';

const [backup] = process.argv.slice(2);
try {
  const { databaseUrl } = loadConfig();
  if (!backup) throw new Error('Name the backup file: npm run restore -- backups/panta-2026-01-05.db');
  if (isPostgresUrl(databaseUrl)) throw new Error('DATABASE_URL is PostgreSQL: restore it with pg_restore (see the README, "Running in production")');
  const target = sqliteLocation(databaseUrl);
  if (target === ':memory:') throw new Error('DATABASE_URL is an in-memory database: there is no file to restore into');
  const report = await restoreSqliteFile(backup, target);
  process.stdout.write(`${JSON.stringify({ ok: true, backup, ...report })}\n`);
} catch (error) {
  process.stderr.write(`restore failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
