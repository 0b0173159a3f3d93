/**
 * `node --import tsx server/bench/postgres-explain.ts <url of a bench database> <case name part>`:
 * EXPLAIN (ANALYZE, BUFFERS) of each statement the service runs for the bench's cases whose name
 * contains the given text, on a database postgres.ts seeded (its cluster started by
 * `POSTGRES_DIR=bench-results/postgres bash scripts/postgres.sh start`). How the report's causes of
 * PostgreSQL's misses were measured.
 */
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { buildServer } from '../app.ts';
import { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import type { Database } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { DevMailbox } from '../mail/mailer.ts';
import type { Caller } from '../services/actor.ts';
import { loadCaller } from '../services/sessions.ts';
import { listUsers } from '../services/users.ts';
import { benchCases, listQuery } from './bench-cases.ts';
import { SEED_NOW } from './seed.ts';

const [url, part = ''] = process.argv.slice(2);
if (!url) throw new Error('usage: postgres-explain.ts <url> [case name part]');
const database = await openDatabase(url);
const config = { ...loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://portal.test' }), databaseUrl: url, port: 0 };
const app = await buildServer({ config, database, clock: new ManualClock(SEED_NOW), mailer: new DevMailbox(), jobs: false });
const deps = app.management.deps as Deps;
const raw = new pg.Client({ connectionString: url });
await raw.connect();
const { rows } = await raw.query<{ workspace_id: string; owner_id: string }>('select workspace_id, owner_id from bench_seed');
const caller = (await loadCaller(deps, { workspaceId: rows[0]!.workspace_id, userId: rows[0]!.owner_id })) as Caller;
for (const { name, query } of await benchCases(deps, caller)) {
  if (!name.toLowerCase().includes(part.toLowerCase())) continue;
  const statements: CompiledQuery[] = [];
  const capture = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    log: (event) => void (event.level === 'query' && statements.push(event.query)),
  });
  await listUsers({ ...deps, db: capture }, caller, listQuery(query));
  await capture.destroy();
  console.log(`\n=== ${name}`);
  for (const statement of statements) {
    if (!/^\s*select/i.test(statement.sql)) continue;
    const plan = await raw.query(`explain (analyze, buffers) ${statement.sql}`, statement.parameters as unknown[]);
    console.log(`\n${statement.sql}\n${JSON.stringify(statement.parameters)}`);
    for (const line of plan.rows) console.log(`  ${line['QUERY PLAN']}`);
  }
}
await raw.end();
await app.close();
await database.close();
