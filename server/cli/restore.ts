import { loadConfig } from '../config.ts';
import { restoreSqliteFile } from '../db/backup.ts';
import { isPostgresUrl, sqliteLocation } from '../db/database.ts';
import { type Command, parseCommandLine, positionalsAtMost, UsageError } from './command.ts';

/** Restores a backup made by `backup` into the SQLite database DATABASE_URL names (see server/db/backup.ts). */
export const restoreCommand: Command = {
  summary: 'restore the SQLite database from a backup (every server stopped)',
  help: `Usage: panta-user-management restore <file>

Restores the backup <file> (made by the backup command) into the SQLite database DATABASE_URL
names (default ./data/panta.db). Checks the backup first, refuses while any process has the
database open (stop every server first), and keeps what the database held before beside it as
<database>.before-restore-<time>. Prints {"ok":true,"backup":…,"target":…,"previous":…,"pages":…}.
A PostgreSQL database is restored with pg_restore instead (README, "Backups").`,
  async run(args, env) {
    const { positionals } = parseCommandLine(args, {});
    positionalsAtMost(positionals, 1);
    const [backup] = positionals;
    if (!backup) throw new UsageError('name the backup file, such as backups/panta-2026-01-05.db');
    const { databaseUrl } = loadConfig(env);
    if (isPostgresUrl(databaseUrl)) throw new Error('DATABASE_URL is PostgreSQL: restore it with pg_restore (see the README, "Running in production")');
    const target = sqliteLocation(databaseUrl);
    if (target === ':memory:') throw new Error('DATABASE_URL is an in-memory database: there is no file to restore into');
    return { ok: true, backup, ...(await restoreSqliteFile(backup, target)) };
  },
};
