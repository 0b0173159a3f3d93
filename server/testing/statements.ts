import type { KyselyPlugin } from 'kysely';
import type { DB } from '../db/database.ts';

/**
 * `db` with the statements run through it counted (a plugin sees each once, built and about to
 * run): for a test that holds a service to the number of round trips it makes.
 */
export function countingStatements(db: DB): { db: DB; count: () => number } {
  let statements = 0;
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => {
      statements += 1;
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { db: db.withPlugin(plugin), count: () => statements };
}
