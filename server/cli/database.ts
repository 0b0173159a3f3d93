import { loadConfig } from '../config.ts';
import { type OpenedDatabase, openDatabase } from '../db/database.ts';

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
