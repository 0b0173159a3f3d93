import { backupSqliteFile } from '../db/backup.ts';
import { type Command, fileArgument } from './command.ts';
import { sqliteFileFrom } from './database.ts';

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
    const target = fileArgument(args);
    const source = sqliteFileFrom(env, 'pg_dump to back it up');
    return { ok: true, source, ...(await backupSqliteFile(source, target)) };
  },
};
