import { restoreSqliteFile } from '../db/backup.ts';
import { type Command, fileArgument } from './command.ts';
import { sqliteFileFrom } from './database.ts';

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
    const backup = fileArgument(args);
    const target = sqliteFileFrom(env, 'pg_restore to restore it');
    return { ok: true, backup, ...(await restoreSqliteFile(backup, target)) };
  },
};
