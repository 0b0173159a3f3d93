/**
 * The PostgreSQL section of `npm run bench`: the same cases on the same users as the SQLite
 * section, each beside its floor measured in the same run, and over HTTP one server and two
 * server processes on the same database.
 *
 * - PostgreSQL from scripts/postgres.sh, kept in bench-results/postgres between runs (one database
 *   per size, seeded once: postgres-seed.ts), with fsync, synchronous_commit and full_page_writes
 *   on, so that a write's figure includes its flush as in production; the other settings are
 *   PostgreSQL's defaults but for `SETTINGS` below.
 * - In the server: the service call, beside the floor: the statements the service ran, captured
 *   once, run again on a bare `pg` client as named prepared statements (parsed once, planned for
 *   their values each time, as the service's are).
 * - Over HTTP: the bench's server process (http-server.ts) on the database, the real procedure
 *   beside its constant tRPC floor; then two such processes on the same database, loaded at once,
 *   for what a second server adds (both share the machine's cores with PostgreSQL and the load).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { SEARCH_COUNT_CAP } from '../../shared/constants.ts';
import { buildServer } from '../app.ts';
import { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import type { Database } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { DevMailbox } from '../mail/mailer.ts';
import type { Caller } from '../services/actor.ts';
import { loadCaller } from '../services/sessions.ts';
import { deleteUsersSoftly, getSummary, inviteUser, listUsers, purgeUsers, restoreUsers } from '../services/users.ts';
import { newId } from '../tokens.ts';
import { benchCases, EXPIRED_CASE, expiredReading, listQuery } from './bench-cases.ts';
import { load, startBenchServer } from './bench-server.ts';
import { seedPostgresBench } from './postgres-seed.ts';
import type { LoadResult, SizeResults, Stat } from './report.ts';
import { SEED_NOW } from './seed.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLUSTER = `${ROOT}bench-results/postgres`;
/**
 * Server settings beyond PostgreSQL's defaults: a quarter of a small server's memory for its
 * buffer cache (the default 128 MB is meant for a laptop), as any deployment sets it.
 */
const SETTINGS = '-c shared_buffers=1GB -c effective_cache_size=4GB';

export interface PostgresSize {
  users: number;
  seedSeconds: number;
  server: SizeResults['server'];
  /** One server process: the real procedure beside its constant tRPC floor. */
  http: { name: string; bytes: number; real: LoadResult; constant: LoadResult }[];
  /** Two server processes on the same database, loaded at once: each one's figure and their sum. */
  twoServers: { name: string; each: LoadResult[]; rps: number }[];
}

export interface PostgresResults {
  version: string;
  settings: string;
  sizes: PostgresSize[];
}

/** What postgres.ts measures with, from bench.ts: the same sampling and load as the SQLite section's. */
export interface BenchTools {
  sample: (work: () => unknown, runs?: number, warmup?: number) => Promise<Stat>;
  load: { connections: number; seconds: number };
}

/** A kept cluster from scripts/postgres.sh, with fsync on; stopped (and kept) by `stop`. */
export async function startCluster() {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [`${ROOT}scripts/postgres.sh`, 'start'], {
      env: { ...process.env, POSTGRES_DIR: CLUSTER, POSTGRES_DURABLE: '1', POSTGRES_OPTIONS: SETTINGS },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`scripts/postgres.sh start ended with ${code}`))));
  });
  const url = /TEST_DATABASE_URL=(\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`scripts/postgres.sh printed no URL: ${output}`);
  const bindir = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((major) => `/usr/lib/postgresql/${major}/bin`).find((dir) => existsSync(`${dir}/psql`));
  const psql = bindir ? `${bindir}/psql` : 'psql';
  const version = execFileSync(psql, [url, '-Atc', 'show server_version'], { encoding: 'utf8' }).trim();
  return {
    url,
    psql,
    version,
    stop: () => void execFileSync('bash', [`${ROOT}scripts/postgres.sh`, 'stop', CLUSTER], { stdio: 'inherit' }),
  };
}

/**
 * The floor of a read: the statements the service ran for it, captured on a Kysely of its own,
 * then run in the same order on a bare `pg` client as named prepared statements.
 */
async function floorOf(url: string, raw: pg.Client, deps: Deps, read: (deps: Deps) => Promise<unknown>, tools: BenchTools): Promise<Stat> {
  const statements: CompiledQuery[] = [];
  const capture = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    log: (event) => void (event.level === 'query' && statements.push(event.query)),
  });
  await read({ ...deps, db: capture });
  await capture.destroy();
  const prepared = statements.map((statement) => ({ name: `floor_${newId().slice(0, 12)}`, text: statement.sql, values: statement.parameters as unknown[] }));
  return tools.sample(async () => {
    for (const statement of prepared) await raw.query(statement);
  });
}

async function benchSize(url: string, psql: string, count: number, tools: BenchTools): Promise<PostgresSize> {
  console.log(`\nPostgreSQL, ${count.toLocaleString('en')} users`);
  const seed = await seedPostgresBench(url, psql, count);
  console.log(seed.seededNow ? `  seeded in ${seed.seedSeconds} s` : '  reusing the seeded database');
  const database = await openDatabase(seed.url);
  const config = { ...loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://portal.test' }), databaseUrl: seed.url, port: 0 };
  const app = await buildServer({ config, database, clock: new ManualClock(SEED_NOW), mailer: new DevMailbox(), jobs: false });
  const deps = app.management.deps as Deps;
  (deps as { notifyOutbox: () => void }).notifyOutbox = () => {};
  const caller = (await loadCaller(deps, { workspaceId: seed.workspaceId, userId: seed.ownerId })) as Caller;
  const raw = new pg.Client({ connectionString: seed.url });
  await raw.connect();
  // Prepared once, planned for each run's values as the service's statements are: after five runs
  // PostgreSQL would otherwise switch to one generic plan, which for `like $1` scans the tab
  // ("k": 2.8 s against the service's 0.6 s at a million users).
  await raw.query('set plan_cache_mode = force_custom_plan');

  const server: SizeResults['server'] = [];
  try {
    for (const { name, query } of await benchCases(deps, caller)) {
      const input = listQuery(query);
      const result = await listUsers(deps, caller, input);
      const measured = await tools.sample(() => listUsers(deps, caller, input));
      const floor = await floorOf(seed.url, raw, deps, (capture) => listUsers(capture, caller, input), tools);
      server.push({ name, total: result.total, totalCapped: result.totalCapped, service: measured, floor });
      console.log(`  ${name}: ${measured.p50} / ${measured.p95} ms (floor ${floor.p50} / ${floor.p95}), ${result.total.toLocaleString('en')}${result.totalCapped ? '+' : ''} found`);
    }
    {
      const measured = await tools.sample(() => getSummary(deps, caller));
      const floor = await floorOf(seed.url, raw, deps, (capture) => getSummary(capture, caller), tools);
      server.push({ name: 'KPIs plus the three tab counts', total: null, service: measured, floor });
      console.log(`  KPIs: ${measured.p50} / ${measured.p95} ms (floor ${floor.p50} / ${floor.p95})`);
    }

    // Writes: the service's transaction beside the bare row write in a transaction of its own,
    // both flushed at commit (synchronous_commit on).
    const invited: string[] = [];
    const stamp = Date.now();
    let inviteIndex = 0;
    const invite = await tools.sample(async () => {
      const user = await inviteUser(deps, caller, { email: `bench${stamp}.${inviteIndex++}@bench.test`, firstName: 'Bench', lastName: 'Invitee', role: 'user' });
      invited.push(user.id);
    }, 30);
    const bareIds: string[] = [];
    const now = SEED_NOW.toISOString();
    const inviteFloor = await tools.sample(async () => {
      const id = newId();
      const email = `bare${stamp}.${bareIds.length}@bench.test`;
      await raw.query('begin');
      await raw.query({
        name: 'bare_insert',
        text: `insert into users (id, workspace_id, email, email_normalized, search_text, sort_name, role, status, invited_at, created_at, updated_at)
          values ($1, $2, $3, $3, $4, 'bench invitee', 'user', 'pending', $5, $5, $5)`,
        values: [id, seed.workspaceId, email, `bench invitee ${email}`, now],
      });
      await raw.query('commit');
      bareIds.push(id);
    }, 30);
    const victims = (await listUsers(deps, caller, listQuery({ tab: 'active', role: 'user', limit: 40 }))).items.map((item) => item.id);
    let victim = 0;
    const remove = await tools.sample(() => deleteUsersSoftly(deps, caller, [victims[victim++]!]), 30, 3);
    victim = 0;
    const restore = await tools.sample(() => restoreUsers(deps, caller, [victims[victim++]!]), 30, 3);
    let bareVictim = 0;
    const removeFloor = await tools.sample(async () => {
      await raw.query('begin');
      await raw.query({
        name: 'bare_update',
        text: 'update users set deleted_at = $1, purge_at = $1, updated_at = $1 where workspace_id = $2 and id = $3',
        values: [now, seed.workspaceId, bareIds[bareVictim++ % bareIds.length]],
      });
      await raw.query('commit');
    }, 30);
    // Leave the database as it was seeded, its statistics and visibility map too.
    await raw.query('delete from users where id = any($1)', [bareIds]);
    await deleteUsersSoftly(deps, caller, invited);
    await purgeUsers(deps, caller, invited);
    await raw.query('vacuum analyze users');
    server.push({ name: 'Invite one user', total: null, service: invite, floor: inviteFloor });
    server.push({ name: 'Delete one user', total: null, service: remove, floor: removeFloor });
    server.push({ name: 'Restore one user', total: null, service: restore, floor: removeFloor });
    console.log(`  invite ${invite.p50} / ${invite.p95} ms, delete ${remove.p50} / ${remove.p95}, restore ${restore.p50} / ${restore.p95} (bare write ${removeFloor.p50} / ${removeFloor.p95})`);
  } finally {
    await raw.end();
    await app.close();
    await database.close();
  }

  const { http, twoServers } = await benchHttp(seed, tools);
  return { users: count, seedSeconds: seed.seedSeconds, server, http, twoServers };
}

/** Over HTTP: one server process, then two on the same database loaded at once (list and search). */
async function benchHttp(seed: { url: string; workspaceId: string; ownerId: string }, tools: BenchTools) {
  const http: PostgresSize['http'] = [];
  const twoServers: PostgresSize['twoServers'] = [];
  const first = await startBenchServer(seed.url, seed);
  try {
    for (const endpoint of first.ready.endpoints) {
      const real = await load(`${first.ready.origin}${endpoint.real}`, { authorization: `Bearer ${first.ready.token}` }, tools.load);
      const constant = await load(`${first.ready.origin}${endpoint.constant}`, {}, tools.load);
      http.push({ name: endpoint.name, bytes: endpoint.bytes, real, constant });
      console.log(`  HTTP ${endpoint.name}: ${real.rps} req/s (p97.5 ${real.p95} ms), constant tRPC ${constant.rps}`);
    }
    const second = await startBenchServer(seed.url, seed);
    try {
      for (const endpoint of first.ready.endpoints.filter((entry) => entry.name.startsWith('users.list'))) {
        const each = await Promise.all(
          [first, second].map((served) => load(`${served.ready.origin}${endpoint.real}`, { authorization: `Bearer ${served.ready.token}` }, tools.load)),
        );
        const rps = each.reduce((sum, result) => sum + result.rps, 0);
        twoServers.push({ name: endpoint.name, each, rps });
        console.log(`  HTTP ${endpoint.name}, two servers: ${Math.round(rps)} req/s together (${each.map((result) => Math.round(result.rps)).join(' + ')})`);
      }
    } finally {
      await second.stop();
    }
  } finally {
    await first.stop();
  }
  return { http, twoServers };
}

/** The PostgreSQL section: every size, on one cluster started for it and stopped after. */
export async function benchPostgres(sizes: number[], tools: BenchTools): Promise<PostgresResults> {
  const cluster = await startCluster();
  try {
    const results: PostgresSize[] = [];
    for (const count of sizes) results.push(await benchSize(cluster.url, cluster.psql, count, tools));
    return { version: cluster.version, settings: `fsync=on synchronous_commit=on full_page_writes=on ${SETTINGS.replaceAll('-c ', '')}`, sizes: results };
  } finally {
    cluster.stop();
  }
}

const TARGETS = { search: 20, shortSearch: 200, page: 5, kpis: 5 };
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const num = (value: number) => Math.round(value).toLocaleString('en');

/** The p95 target of a case, by its kind (issue 19: the same as SQLite's); null for writes. */
function targetOf(name: string): number | null {
  if (name.startsWith('KPIs')) return TARGETS.kpis;
  if (/^(Invite|Delete|Restore) /.test(name)) return null;
  if (name.startsWith('Search')) return name.includes('no trigram') ? TARGETS.shortSearch : TARGETS.search;
  return TARGETS.page;
}

/** The markdown of the PostgreSQL section, each figure beside its floor and SQLite's of the same run. */
export function renderPostgres(results: PostgresResults, sqlite: SizeResults[]): string {
  const lines = [
    '## PostgreSQL',
    '',
    `PostgreSQL ${results.version} from \`scripts/postgres.sh\` on the same machine, settings: ${results.settings} (the rest PostgreSQL's defaults). ` +
      'Seeded with the same users through COPY, `VACUUM ANALYZE` after the load. A floor here is the very statements the service ran, ' +
      'as named prepared statements on a bare `pg` client, planned for their values each run as the service\'s are; SQLite\'s figures beside them are from the section above, same run.',
    '',
  ];
  const largest = results.sizes[results.sizes.length - 1];
  if (largest) lines.push(...reading(largest, sqlite.find((entry) => entry.users === largest.users)), '');
  for (const size of results.sizes) {
    const other = sqlite.find((entry) => entry.users === size.users);
    lines.push(
      `### PostgreSQL, ${num(size.users)} users`,
      '',
      `Seeded in ${size.seedSeconds} s.`,
      '',
      '| operation | found | service p50 / p95 | floor p50 / p95 | SQLite service p50 / p95 | p95 target |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const row of size.server) {
      const theirs = other?.server.find((entry) => entry.name === row.name);
      const target = targetOf(row.name);
      const verdict = target === null ? '' : `< ${target} ${row.service.p95 < target ? '✅' : '❌'}`;
      lines.push(
        `| ${row.name} | ${row.total === null ? '' : `${num(row.total)}${row.totalCapped ? '+' : ''}`} | ${ms(row.service.p50)} / ${ms(row.service.p95)} | ${ms(row.floor.p50)} / ${ms(row.floor.p95)} | ${theirs ? `${ms(theirs.service.p50)} / ${ms(theirs.service.p95)}` : ''} | ${verdict} |`,
      );
    }
    lines.push('', '| over HTTP | bytes | tRPC req/s (p50 / p97.5 ms) | constant tRPC req/s | SQLite tRPC req/s |', '| --- | ---: | ---: | ---: | ---: |');
    for (const row of size.http) {
      const theirs = other?.http.find((entry) => entry.name === row.name);
      lines.push(`| ${row.name} | ${num(row.bytes)} | ${num(row.real.rps)} (${row.real.p50} / ${row.real.p95})${row.real.errors ? ` ${row.real.errors} errors` : ''} | ${num(row.constant.rps)} | ${theirs ? num(theirs.real.rps) : ''} |`);
    }
    lines.push('', '| two server processes, loaded at once | req/s together | each | one server alone |', '| --- | ---: | ---: | ---: |');
    for (const row of size.twoServers) {
      const alone = size.http.find((entry) => entry.name === row.name);
      lines.push(`| ${row.name} | ${num(row.rps)} | ${row.each.map((result) => num(result.rps)).join(' + ')} | ${alone ? num(alone.real.rps) : ''} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * What the largest size's figures say: which targets are met, and for each miss its cause, as
 * EXPLAIN (ANALYZE, BUFFERS) showed it (server/bench/postgres-explain.ts, at a million users).
 */
function reading(size: PostgresSize, sqlite: SizeResults | undefined): string[] {
  const row = (part: string) => size.server.find((entry) => entry.name.includes(part));
  const fig = (part: string) => {
    const found = row(part);
    return found ? `${ms(found.service.p50)} / ${ms(found.service.p95)} ms (floor ${ms(found.floor.p50)} / ${ms(found.floor.p95)})` : 'n/a';
  };
  const judged = size.server.map((entry) => ({ entry, target: targetOf(entry.name) })).filter((item) => item.target !== null);
  const missed = judged.filter(({ entry, target }) => entry.service.p95 >= target!);
  const floorMissed = missed.filter(({ entry, target }) => entry.floor.p95 >= target!);
  const list = size.http.find((entry) => entry.name === 'users.list, first page');
  const two = size.twoServers.find((entry) => entry.name === 'users.list, first page');
  const sqliteList = sqlite?.http.find((entry) => entry.name === 'users.list, first page');
  const sqliteMet = sqlite?.server.filter((entry) => targetOf(entry.name) !== null && size.server.some((own) => own.name === entry.name) && entry.service.p95 < targetOf(entry.name)!).length;
  return [
    `### Reading PostgreSQL's figures (${num(size.users)} users)`,
    '',
    `- **Targets** (the same as SQLite's, p95): ${judged.length - missed.length} of ${judged.length} met. Missed: ${missed.map(({ entry }) => entry.name).join('; ') || 'none'}. ` +
      `${floorMissed.length} of the misses miss with their floor too: the statements themselves, not the service around them, take the time.` +
      (sqliteMet === undefined ? '' : ` SQLite, same run, same cases: ${sqliteMet} of ${judged.length} met; where both miss a first page or a sort, the machine's load (above) decides the p95, and the p50s are the figures to compare.`),
    `- **A search's total stops counting at ${num(SEARCH_COUNT_CAP)}** (\`SEARCH_COUNT_CAP\`; the list says "${num(SEARCH_COUNT_CAP)}+", \`totalCapped\`), because an exact one reads every match's row. ` +
      'PostgreSQL\'s trigram index (GIN) only names candidate rows; each is read to recheck the pattern (`Bitmap Heap Scan`). ' +
      'Each tab has its own trigram index (migration 0018; 0003\'s one index over every tab named the other tabs\' users too, each read and thrown away): ' +
      '"ller" at a million users 29,093 candidates (44,764 with one index); "zoe" 7,894 candidates in 7,894 heap blocks, each a match (13,158 in 13,144, 5,264 of them pending or deleted); ' +
      '"mar" 171,904 candidates over every tab, 35,354 buffers, 315 ms with two parallel workers on the loaded machine when counted exactly. SQLite counts the same words from FTS5\'s doclists, whose rowids carry workspace, tab and role, without reading a row. ' +
      'PostgreSQL 15.18 reads the rows even where nothing needs rechecking: a trial `text[]` column of each row\'s trigrams and its tab, under a GIN index whose containment (`@>`) is exact, with every page all-visible, ' +
      'still read 8,085 buffers for "zoe"\'s 7,894 matches (this version\'s bitmap scan does not skip all-visible pages). An exact total in the target needs an inverted index that a B-tree answers index-only ' +
      '(a table of workspace, tab, trigram and user, counted by an index-only scan; sized on a 2 % sample of the bench\'s users with the page\'s order in it too: 34 rows a user, one for each three-character substring of the search text, ' +
      '216 MB of table and index for 20,164 users, so about 10.7 GB at a million, 6.6 times `users` with all its indexes (1.6 GB), and 34 rows and index entries more to write at every invite, edit, delete and restore: not built) ' +
      'or a total that stops counting at a bound, as it now does: ' +
      `\`count(*)\` of the first ${num(SEARCH_COUNT_CAP + 1)} matches (\`limit\`), so the heap scan stops there; the bitmap index scan before it still collects every candidate from the index ` +
      '("ller"\'s two common trigrams: 29,093 candidates of the Active tab; 44,764 and 10.9 ms of its count on an idle machine with one index of every tab), which is what a capped search of common trigrams still costs. ' +
      'A cap of 10,000 was measured in the same session: "mar" 55 / 128 ms, "ller" 22 / 52, "ab" 175 / 230, against 5.6 / 17, 24 / 88 and 22 / 29 with 1,000 (the uncapped total: "mar" 114 / 150). ' +
      'A capped total tells the page only that reading every match costs at least that much: the walk of the name index is then always tried, up to where it has cost as much. ' +
      `Here: "mar" ${fig('"mar"')}, "ller" ${fig('"ller"')}, "Müller" ${fig('Müller')}, "anna berg" ${fig('anna berg')}.`,
    `- **"zoe", whose matches all sort last by name,** ${fig('"zoe"')}: its page first walks the name index as far as reading every match would cost (at a million users 69,731 entries, index-only, no match among them; with its total capped, as far as 1,001 matches would: 8,843 entries), ` +
      'then reads the matches through the trigram index and sorts them, as SQLite does (the walk is the bet that pays for "mar", whose matches are everywhere); before migration 0014 and this choice the planner walked the whole tab (1.9 s). ' +
      'Reading them is what is left: 7,894 rows in as many heap blocks, about 14 of its 24 ms on a quiet machine (count 4.7, walk 3). With the Active tab\'s own trigram index (migration 0018) that read has no other tab\'s rows in it; ' +
      'measured in one session, the two index layouts alternating run by run (60 runs each, the service call, p50 / p95 ms, machine shared): "zoe" 20.8 / 32.5 against 26.0 / 43.0 with one index of every tab, ' +
      '"ller" 5.6 / 8.9 against 6.3 / 8.1, "anna berg" 6.5 / 12.2 against 8.3 / 15.6, "mar" 6.6 / 11.8 against 6.7 / 11.6, "Müller" 5.3 / 7.0 against 5.6 / 9.5, and invites, deletes and purges as fast (each user is in one of the three indexes, as it was in the one). ' +
      'Two other ways were measured and dropped: the page first and the total after it, counted in the read of every match (`count(*) over ()`) when the walk finds no page, gained nothing for "zoe" (the window costs what the count did) and cost a search with no match its walk (0.7 → 10.8 ms p50, loaded machine); ' +
      'GIN\'s pending list (`fastupdate`, on) left 982 entries after 6,000 inserts and "zoe"\'s count as fast, while turning it off costs each insert 0.15 ms. ' +
      'A page that sorts "zoe"\'s matches without reading them needs their order in an inverted index (the table above).',
    expiredReading(fig(EXPIRED_CASE)),
    `- **Deep pages.** By cursor (Next from the page before): ${fig('by cursor')}, like a first page (${fig('Active, first page')}). By offset, a jump: ${fig('deep page (offset')}: ` +
      'an index-only scan of the name index that skips every entry before it (at a million users 325,000 entries, 492 heap fetches), about as SQLite does.',
    `- **One and two characters** have no trigram: "k" ${fig('"k"')}, "ab" ${fig('"ab"')} (target < ${TARGETS.shortSearch} ms). Their page walks the name index, which holds the search text (migration 0014), ` +
      'until it is full; their total tests the pattern on the users of the workspace until the cap is passed: a sequential scan of the table that stops at match ' +
      `${num(SEARCH_COUNT_CAP + 1)} (about 5 rows a match for "k", 57 for "ab"; uncapped, the whole table: 1,000,000 rows, 475 ms with two workers on the loaded machine). ` +
      'SQLite counts through its name index, exactly.',
    `- **KPIs** read the counters row: ${fig('KPIs')}. Writes are flushed at commit (fsync and synchronous_commit on): invite ${fig('Invite')}, delete ${fig('Delete')}.`,
    list && two
      ? `- **HTTP, one server and two.** The list's first page: ${num(list.real.rps)} req/s from one server process, ${num(two.rps)} from two on the same database, loaded at once` +
        `${sqliteList ? ` (SQLite, one server: ${num(sqliteList.real.rps)})` : ''}. On this machine the servers, PostgreSQL and the load generator share 2 cores, so a second process adds what idle CPU there is, not a second machine's worth; ` +
        'a second server adds throughput where it has cores of its own and PostgreSQL has idle ones.'
      : '- **HTTP.** Not measured.',
  ];
}
