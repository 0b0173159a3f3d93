/**
 * Seeds the PostgreSQL bench database of `count` users, the same users as the SQLite file
 * (seed.ts's `benchUser`), and finds it again in the next run: one database per size in the
 * bench's kept cluster (bench-results/postgres, scripts/postgres.sh's POSTGRES_DIR), so that a
 * cached seed "restores" by starting the cluster, in about a second; a pg_dump file would rebuild
 * every index on restore (minutes at a million users).
 *
 * The schema comes from the migrations, the workspace and its owner from the service; the users go
 * in through COPY (psql's `\copy`, from this process's stream: `pg` has no COPY of its own and
 * pg-copy-streams is not a dependency), with triggers and foreign-key checks off for the load
 * (`session_replication_role = replica`) and the secondary indexes dropped, then rebuilt once from
 * their own definitions; the counters are recounted, and `VACUUM ANALYZE` leaves statistics and
 * the visibility map (index-only scans) as autovacuum would keep them.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDatabase } from '../db/database.ts';
import { createWorkspace } from '../services/workspaces.ts';
import { benchUser, INVITATION_COLUMNS, OWNER_EMAIL, RECOUNT, SEED_NOW, SEED_VERSION, USER_COLUMNS } from './seed.ts';

export interface SeededPostgres {
  url: string;
  workspaceId: string;
  ownerId: string;
  /** How long it took to seed, whenever that was. */
  seedSeconds: number;
  seededNow: boolean;
}

/** The database of `count` users in the cluster at `serverUrl` (its `postgres` database), seeded unless found complete. */
export async function seedPostgresBench(serverUrl: string, psql: string, count: number): Promise<SeededPostgres> {
  const name = `bench_${count}`;
  const url = serverUrl.replace(/\/[^/]*$/, `/${name}`);
  const found = await readSeed(url);
  if (found && found.count === count && found.version === SEED_VERSION) return { url, ...found, seededNow: false };

  const started = performance.now();
  await withClient(serverUrl, async (client) => {
    await client.query(`drop database if exists ${name}`);
    await client.query(`create database ${name}`);
  });
  const opened = await openDatabase(url);
  const { workspaceId, owner } = await createWorkspace(
    { db: opened.db, clock: { now: () => SEED_NOW } as never },
    { name: 'Bench', owner: { email: OWNER_EMAIL, firstName: 'Olivia', lastName: 'Owner' } },
  );
  await opened.close();

  const indexes = await withClient(url, async (client) => {
    const { rows } = await client.query<{ name: string; definition: string }>(`
      select i.indexname as name, i.indexdef as definition from pg_indexes i
      where i.tablename in ('users', 'invitations') and i.schemaname = current_schema()
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`);
    for (const { name: index } of rows) await client.query(`drop index "${index}"`);
    return rows;
  });

  const invitations: string[] = [];
  await copyInto(psql, url, 'users', USER_COLUMNS, async function* () {
    const BATCH = 10_000;
    for (let from = 0; from < count; from += BATCH) {
      let chunk = '';
      for (let index = from; index < Math.min(count, from + BATCH); index++) {
        const { user, invitation } = benchUser(index, workspaceId, owner.id);
        chunk += copyLine(user);
        if (invitation) invitations.push(copyLine(invitation));
      }
      yield chunk;
      if (count >= 500_000 && (from + BATCH) % 100_000 === 0) process.stdout.write(`\r  copied ${Math.min(count, from + BATCH).toLocaleString('en')} / ${count.toLocaleString('en')} users`);
    }
    if (count >= 500_000) process.stdout.write('\n');
  });
  await copyInto(psql, url, 'invitations', INVITATION_COLUMNS, async function* () {
    for (let at = 0; at < invitations.length; at += 10_000) yield invitations.slice(at, at + 10_000).join('');
  });

  const seconds = await withClient(url, async (client) => {
    await client.query(`set maintenance_work_mem = '512MB'`);
    for (const { definition } of indexes) await client.query(definition);
    await client.query(RECOUNT);
    await client.query('vacuum analyze users');
    await client.query('vacuum analyze invitations');
    const elapsed = Math.round((performance.now() - started) / 1000);
    await client.query(`create table bench_seed as select ${SEED_VERSION} as version, ${count} as count,
      '${workspaceId}'::text as workspace_id, '${owner.id}'::text as owner_id, ${elapsed} as seconds`);
    return elapsed;
  });
  return { url, workspaceId, ownerId: owner.id, seedSeconds: seconds, seededNow: true };
}

/** One row of COPY's text format: tab-separated, `\N` for null, backslash, tab and line breaks escaped. */
function copyLine(values: readonly unknown[]): string {
  return `${values.map((value) => (value === null ? '\\N' : String(value).replace(/[\\\t\n\r]/g, (char) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[char]!))).join('\t')}\n`;
}

/** COPY into `table` through psql, the rows streamed to its standard input. */
async function copyInto(psql: string, url: string, table: string, columns: readonly string[], chunks: () => AsyncGenerator<string>): Promise<void> {
  const child = spawn(
    psql,
    [url, '--quiet', '--set=ON_ERROR_STOP=1', '-c', 'set session_replication_role = replica', '-c', `\\copy ${table} (${columns.join(', ')}) from pstdin`],
    { stdio: ['pipe', 'inherit', 'inherit'] },
  );
  const exited = once(child, 'exit');
  for await (const chunk of chunks()) {
    if (!child.stdin.write(chunk)) await once(child.stdin, 'drain');
  }
  child.stdin.end();
  const [code] = await exited;
  if (code !== 0) throw new Error(`psql's COPY into ${table} ended with ${code}`);
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function readSeed(url: string) {
  try {
    return await withClient(url, async (client) => {
      const { rows } = await client.query<{ version: number; count: number; workspace_id: string; owner_id: string; seconds: number }>(
        'select version, count, workspace_id, owner_id, seconds from bench_seed',
      );
      const row = rows[0];
      return row && { version: row.version, count: row.count, workspaceId: row.workspace_id, ownerId: row.owner_id, seedSeconds: row.seconds };
    });
  } catch {
    return undefined;
  }
}
