import { loadConfig } from '../config.ts';
import { isPostgresUrl, type OpenedDatabase, openDatabase, sqliteLocation } from '../db/database.ts';

/**
 * Opens the database DATABASE_URL names, as the server does (the same default, `./data/panta.db`,
 * and the same migrations), runs `work` on it and closes it again.
 */
export async function withDatabase<T>(env: NodeJS.ProcessEnv, work: (database: OpenedDatabase) => Promise<T>): Promise<T> {
  const database = await openDatabase(loadConfig(env).databaseUrl);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/**
 * The SQLite file DATABASE_URL names, for `backup` and `restore`, which work on the file itself:
 * PostgreSQL has its own tools (`postgresTool`), and an in-memory database has no file.
 */
export function sqliteFileFrom(env: NodeJS.ProcessEnv, postgresTool: string): string {
  const { databaseUrl } = loadConfig(env);
  if (isPostgresUrl(databaseUrl)) throw new Error(`DATABASE_URL is PostgreSQL: use ${postgresTool} (see the README, "Running in production")`);
  const file = sqliteLocation(databaseUrl);
  if (file === ':memory:') throw new Error('DATABASE_URL is an in-memory database: there is no file');
  return file;
}
