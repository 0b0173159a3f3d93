import { loadConfig } from '../config.ts';
import { backupSqliteFile } from '../db/backup.ts';
import { isPostgresUrl, sqliteLocation } from '../db/database.ts';
import { type Command, parseCommandLine, positionalsAtMost, UsageError } from './command.ts';

/**
 * An online backup of the SQLite database DATABASE_URL names through SQLite's backup API, while
 * servers keep running (see server/db/backup.ts). PostgreSQL is backed up with pg_dump.
 */
export const backupCommand: Command = {
  summary: 'an online backup of the SQLite database into a new file',
  help: `Usage: panta-user-management backup <file>

Writes a consistent snapshot of the SQLite database DATABASE_URL names (default ./data/panta.db)
to <file>, a new file, while servers keep running (they and this command need ?shared=1 on
DATABASE_URL then). The copy is integrity-checked before it gets its name. Prints
{"ok":true,"source":…,"target":…,"pages":…}.
A PostgreSQL database is backed up with pg_dump instead (README, "Backups").`,
  async run(args, env) {
    const { positionals } = parseCommandLine(args, {});
    positionalsAtMost(positionals, 1);
    const [target] = positionals;
    if (!target) throw new UsageError('name the backup file, such as backups/panta-2026-01-05.db');
    const { databaseUrl } = loadConfig(env);
    if (isPostgresUrl(databaseUrl)) throw new Error('DATABASE_URL is PostgreSQL: back it up with pg_dump (see the README, "Running in production")');
    const source = sqliteLocation(databaseUrl);
    if (source === ':memory:') throw new Error('DATABASE_URL is an in-memory database: there is no file to back up');
    return { ok: true, source, ...(await backupSqliteFile(source, target)) };
  },
};
