import { type Kysely, PostgresAdapter } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Which SQL a Kysely instance, one of its transactions or a migration's `Kysely<unknown>` speaks.
 * The few statements that differ live in the db layer and ask this; services never do.
 */
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
