/**
 * `npm run bench` (`-- --quick` for 100,000 users only): the list, search, KPIs and the writes of
 * a workspace of 100,000 and 1,000,000 users, each beside its floor measured in the same run.
 * A benchmark, not a test: it measures and records, it asserts nothing.
 *
 * - In the server: the service call, beside the same SQL run as bare better-sqlite3 prepared
 *   statements (the statements the service ran, captured once, so the floor answers the same).
 * - Over HTTP (autocannon in its own process, 20 connections) against a server in a process of
 *   its own (server/bench/http-server.ts, run as in production): the tRPC procedure, a constant
 *   tRPC procedure returning the same payload (the tRPC floor), a bare Fastify route returning the
 *   same JSON; that process's RSS under the load, so the figure is the server's alone.
 * - In headless Chromium (the built element, dist/element): from the element's search request to
 *   the updated rows (the 250 ms debounce before it is left out), and rendering a 100-row page.
 * - Over an emulated network (network.ts, also `npm run bench:network`): cold start, search, tab,
 *   sort, next page, invite and delete as an admin 150 ms away feels them, beside their floors.
 *
 * - PostgreSQL (postgres.ts): the same cases on the same users beside their floors, and over HTTP
 *   one and two server processes on one database.
 * - The live feed (live.ts, also `npm run bench:live`): 1,000 open streams at 100,000 users,
 *   commit to the event at the 1,000th subscriber beside a bare SSE server's (its floor); with the
 *   PostgreSQL section, the same across two servers on one PostgreSQL database (writes to one,
 *   streams on the other).
 *
 * Writes bench-results/bench.md and bench.json; a full run also writes server/bench/REPORT.md and
 * REPORT.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { type CompiledQuery, Kysely, SqliteDialect, sql } from 'kysely';
import { chromium } from 'playwright-core';
import { buildServer } from '../app.ts';
import { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { type OpenedDatabase, openDatabase } from '../db/database.ts';
import type { Database } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { DevMailbox } from '../mail/mailer.ts';
import type { Caller } from '../services/actor.ts';
import { loadCaller } from '../services/sessions.ts';
import { deleteUsersSoftly, getSummary, inviteUser, listUsers, purgeUsers, restoreUsers } from '../services/users.ts';
import { newId } from '../tokens.ts';
import { benchAudit } from './audit.ts';
import { load, startBenchServer } from './bench-server.ts';
import { RECORD_REQUESTS, WAIT_FOR_ROWS } from './browser-probes.ts';
import { benchCases, listQuery } from './bench-cases.ts';
import { benchLive, benchLivePostgres, type LiveResults, renderLive } from './live.ts';
import { NETWORK, NETWORK_RUNS, type NetworkSizeResults, benchNetwork, loadAverage, writeNetworkReport } from './network.ts';
import { benchPostgres, renderPostgres } from './postgres.ts';
import { renderReport, requestPathCpuGoal, requestPathGoal, type BenchResults, type SizeResults, type Stat } from './report.ts';
import { SEED_NOW, seedBenchDatabase, seedSeconds } from './seed.ts';

const QUICK = process.argv.includes('--quick');
const SIZES = QUICK ? [100_000] : [100_000, 1_000_000];
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const CONNECTIONS = 20;
const LOAD = { connections: CONNECTIONS, seconds: HTTP_SECONDS };
/** BENCH_ONLY_BROWSER=1 runs the Chromium part alone, for working on it. */
const ONLY_BROWSER = process.env.BENCH_ONLY_BROWSER === '1';
/**
 * BENCH_ONLY_HTTP=1 runs the HTTP part alone, with the list's first page in the server for its
 * SQL floor (BENCH_SERVER_PROFILE=<folder> adds a CPU profile of the HTTP server): for working
 * on the request path.
 */
const ONLY_HTTP = process.env.BENCH_ONLY_HTTP === '1';
/** BENCH_POSTGRES=0 leaves the PostgreSQL section out; BENCH_ONLY_POSTGRES=1 runs it alone (bench-results/postgres.md). */
const ONLY_POSTGRES = process.env.BENCH_ONLY_POSTGRES === '1';
const POSTGRES = !ONLY_BROWSER && !ONLY_HTTP && process.env.BENCH_POSTGRES !== '0';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ELEMENT = `${ROOT}dist/element/panta-user-management.js`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
const round = (ms: number) => Math.round(ms * 1000) / 1000;

function stat(samples: number[]): Stat {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 0.5)), p95: round(percentile(sorted, 0.95)), runs: samples.length };
}

async function sample(work: () => unknown, runs = RUNS, warmup = 3): Promise<Stat> {
  const first = performance.now();
  for (let index = 0; index < warmup; index++) await work();
  // Slow operations (a scan) get fewer runs, so the whole bench stays within minutes.
  if ((performance.now() - first) / warmup > 100) runs = Math.min(runs, 10);
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  for (let index = 0; index < runs; index++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  const used = process.cpuUsage(cpu);
  return { ...stat(samples), cpuMs: round((used.user + used.system) / 1000 / runs) };
}

/** A Kysely over its own connection that records every statement run through it. */
function capturingDb(path: string) {
  const statements: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: new SQLite(path) }),
    log: (event) => void (event.level === 'query' && statements.push(event.query)),
  });
  return { db, statements };
}

/**
 * The floor of a read: the statements the service ran for it, prepared once on a bare
 * better-sqlite3 connection and run in the same order (so it answers the same).
 */
async function floorOf(path: string, raw: SQLite.Database, deps: Deps, read: (deps: Deps) => Promise<unknown>): Promise<Stat> {
  const capture = capturingDb(path);
  await read({ ...deps, db: capture.db });
  await capture.db.destroy();
  const prepared = capture.statements.map((statement) => ({ statement: raw.prepare(statement.sql), parameters: statement.parameters as unknown[] }));
  return sample(() => {
    for (const { statement, parameters } of prepared) statement.all(...parameters);
  });
}

/**
 * Writes: the service's transaction (guards, audit, outbox) beside the bare row write with the
 * same durability (WAL, synchronous FULL, BEGIN IMMEDIATE).
 */
async function benchWrites(deps: Deps, caller: Caller, raw: SQLite.Database, workspaceId: string): Promise<SizeResults['server']> {
  const invited: string[] = [];
  const stamp = Date.now();
  let inviteIndex = 0;
  const invite = await sample(async () => {
    const user = await inviteUser(deps, caller, { email: `bench${stamp}.${inviteIndex++}@bench.test`, firstName: 'Bench', lastName: 'Invitee', role: 'user' });
    invited.push(user.id);
  }, 30);
  const bareInsert = raw.prepare(`insert into users (id, workspace_id, email, email_normalized, search_text, sort_name, role, status,
    invited_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, 'user', 'pending', ?, ?, ?)`);
  const bareIds: string[] = [];
  const inviteFloor = await sample(() => {
    const id = newId();
    const email = `bare${stamp}.${bareIds.length}@bench.test`;
    raw.exec('begin immediate');
    bareInsert.run(id, workspaceId, email, email, `bench invitee ${email}`, 'bench invitee', SEED_NOW.toISOString(), SEED_NOW.toISOString(), SEED_NOW.toISOString());
    raw.exec('commit');
    bareIds.push(id);
  }, 30);
  const victims = (await listUsers(deps, caller, listQuery({ tab: 'active', role: 'user', limit: 40 }))).items.map((item) => item.id);
  let victim = 0;
  const remove = await sample(() => deleteUsersSoftly(deps, caller, [victims[victim++]!]), 30, 3);
  victim = 0;
  const restore = await sample(() => restoreUsers(deps, caller, [victims[victim++]!]), 30, 3);
  const bareUpdate = raw.prepare('update users set deleted_at = ?, purge_at = ?, updated_at = ? where workspace_id = ? and id = ?');
  let bareVictim = 0;
  const removeFloor = await sample(() => {
    raw.exec('begin immediate');
    bareUpdate.run(SEED_NOW.toISOString(), SEED_NOW.toISOString(), SEED_NOW.toISOString(), workspaceId, bareIds[bareVictim++ % bareIds.length]);
    raw.exec('commit');
  }, 30);
  // Leave the cached file as it was seeded: the bench's own users go again.
  raw.prepare(`delete from users where id in (${bareIds.map(() => '?').join(', ')})`).run(...bareIds);
  await deleteUsersSoftly(deps, caller, invited);
  await purgeUsers(deps, caller, invited);
  console.log(`  invite ${invite.p50} / ${invite.p95} ms, delete ${remove.p50} / ${remove.p95}, restore ${restore.p50} / ${restore.p95} (bare write ${removeFloor.p50} / ${removeFloor.p95})`);
  return [
    { name: 'Invite one user', total: null, service: invite, floor: inviteFloor },
    { name: 'Delete one user', total: null, service: remove, floor: removeFloor },
    { name: 'Restore one user', total: null, service: restore, floor: removeFloor },
  ];
}

async function benchSize(count: number): Promise<SizeResults> {
  const path = `${ROOT}bench-results/seed-${count}.db`;
  console.log(`\n${count.toLocaleString('en')} users`);
  // Seeded in a process of its own, so that its large page cache is not counted in this
  // process's memory, which serves the HTTP measurements.
  await new Promise((resolve) =>
    spawn(process.execPath, ['--import', 'tsx', `${ROOT}server/bench/seed.ts`, path, String(count)], { cwd: ROOT, stdio: 'inherit' }).once('exit', resolve),
  );
  const seed = await seedBenchDatabase(path, count);

  // Shared: the floors' raw connection below reads the same file beside the server's.
  const database: OpenedDatabase = await openDatabase(`${path}?shared=1`);
  const migration = (await database.db.selectFrom('kysely_migration' as never).select(sql<string>`max(name)`.as('name')).executeTakeFirstOrThrow()).name;
  const clock = new ManualClock(SEED_NOW);
  const config = { ...loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://portal.test' }), databaseUrl: path, port: 0 };
  const app = await buildServer({ config, database, clock, mailer: new DevMailbox(), jobs: false });
  const deps = app.management.deps as Deps;
  // Invitations wait in the outbox: delivering them would compete with the measurements.
  (deps as { notifyOutbox: () => void }).notifyOutbox = () => {};
  const caller = (await loadCaller(deps, { workspaceId: seed.workspaceId, userId: seed.ownerId })) as Caller;
  const raw = new SQLite(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');

  const cases = await benchCases(deps, caller);

  const server: SizeResults['server'] = [];
  for (const { name, query } of ONLY_BROWSER ? [] : ONLY_HTTP ? cases.slice(0, 1) : cases) {
    const input = listQuery(query);
    const result = await listUsers(deps, caller, input);
    const measured = await sample(() => listUsers(deps, caller, input));
    const floor = await floorOf(path, raw, deps, (capture) => listUsers(capture, caller, input));
    server.push({ name, total: result.total, totalCapped: result.totalCapped, service: measured, floor });
    console.log(`  ${name}: ${measured.p50} / ${measured.p95} ms (floor ${floor.p50} / ${floor.p95}), ${result.total.toLocaleString('en')}${result.totalCapped ? '+' : ''} found`);
  }
  if (!ONLY_HTTP) {
    const measured = await sample(() => getSummary(deps, caller));
    const floor = await floorOf(path, raw, deps, (capture) => getSummary(capture, caller));
    server.push({ name: 'KPIs plus the three tab counts', total: null, service: measured, floor });
    console.log(`  KPIs: ${measured.p50} / ${measured.p95} ms (floor ${floor.p50} / ${floor.p95})`);
  }
  // The Activity view and the user detail panel, over a copy of this seed with five audit entries per user.
  if (!ONLY_BROWSER) server.push(...(await benchAudit(path, count, caller, { sample, floorOf })));

  if (!ONLY_HTTP) server.push(...(await benchWrites(deps, caller, raw, seed.workspaceId)));

  raw.close();
  await app.close();
  await database.close();
  // Read before the server process below holds the file alone (as a production server does).
  const seeded = seedSeconds(path);

  // Over HTTP, against a server in a process of its own: the real procedure, a constant tRPC
  // procedure with the same payload, bare Fastify; and that process's RSS under the load.
  const served = await startBenchServer(path, seed, ELEMENT);
  try {
    const auth = { authorization: `Bearer ${served.ready.token}` };
    const http: SizeResults['http'] = [];
    const rssIdleMb = served.rssMb();
    let maxRss = rssIdleMb ?? 0;
    /** The load, and the server's CPU time per request under it: unlike throughput, not shrunk by other work on the machine. */
    const timedLoad = async (url: string, headers: Record<string, string>) => {
      const before = served.cpuMs();
      const result = await load(url, headers, LOAD);
      const after = served.cpuMs();
      const requests = result.rps * HTTP_SECONDS;
      return { ...result, serverCpuMs: before === null || after === null || requests === 0 ? null : round((after - before) / requests) };
    };
    const rssTimer = setInterval(() => (maxRss = Math.max(maxRss, served.rssMb() ?? 0)), 100);
    for (const endpoint of ONLY_BROWSER ? [] : served.ready.endpoints) {
      const real = await timedLoad(`${served.ready.origin}${endpoint.real}`, auth);
      const constant = await timedLoad(`${served.ready.origin}${endpoint.constant}`, {});
      const bare = await timedLoad(`${served.ready.origin}${endpoint.bare}`, {});
      http.push({ name: endpoint.name, bytes: endpoint.bytes, real, constant, bare });
      console.log(
        `  HTTP ${endpoint.name}: ${real.rps} req/s (p97.5 ${real.p95} ms, server CPU ${real.serverCpuMs} ms a request), ` +
          `constant tRPC ${constant.rps} (${constant.serverCpuMs} ms), bare Fastify ${bare.rps} (${bare.serverCpuMs} ms)`,
      );
    }
    clearInterval(rssTimer);
    const list = http.find((row) => row.name === 'users.list, first page');
    if (list && server[0]) {
      const goal = requestPathGoal(list, server[0].floor.p50);
      console.log(`  HTTP users.list per request: ${goal.perRequestMs} ms against ${goal.budgetMs} ms (1.3 × (SQL floor + constant tRPC)): ${goal.ratio}×`);
      const cpuGoal = requestPathCpuGoal(list, server[0].floor);
      if (cpuGoal) console.log(`  in server CPU: ${cpuGoal.perRequestMs} ms against ${cpuGoal.budgetMs} ms: ${cpuGoal.ratio}×`);
    }
    const rssMb = rssIdleMb === null ? null : maxRss;
    console.log(`  server RSS: ${rssIdleMb} MB when started, ${rssMb} MB at most under load`);

    const browser = existsSync(ELEMENT) && !ONLY_HTTP ? await benchBrowser(served.ready.origin, served.ready.token) : null;
    if (existsSync(ELEMENT) && !ONLY_HTTP) networkSizes.push(await benchNetwork(served.ready.origin, served.ready.token, count));
    return { users: count, seedSeconds: seeded, migration, server, http, rssMb, rssIdleMb, serverRuntime: served.runtime, serverNodeOptions: served.nodeOptions, browser };
  } finally {
    await served.stop();
  }
}

/** In headless Chromium: search latency after the debounce, and rendering a 100-row page. */
async function benchBrowser(origin: string, token: string): Promise<SizeResults['browser']> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  try {
    const open = async (pageSize: number) => {
      const page = await browser.newPage();
      // Notes when each users.list request starts and answers, and which rows it answered with.
      // (Scripts for the page are strings: tsx would wrap functions in a helper the page lacks.)
      await page.addInitScript(RECORD_REQUESTS);
      await page.goto(`${origin}/bench/page?size=${pageSize}`);
      await page.evaluate((value) => {
        (document.querySelector('panta-user-management') as unknown as { token: string }).token = value;
      }, token);
      await page.waitForSelector('panta-user-management tr[data-user-id]');
      return page;
    };

    /** Runs `act` in the page and resolves with the ms from the matching request's start (or answer) to the rows it answered. */
    const timeRows = async (page: Awaited<ReturnType<typeof open>>, act: 'search' | 'tab', arg: string, from: 'start' | 'responded') => {
      if (!(await page.evaluate(`(${WAIT_FOR_ROWS})(${JSON.stringify({ act, arg })})`))) return null;
      return (await page.evaluate(`window.__last.rows - window.__last.${from === 'start' ? 'start' : 'responded'}`)) as number;
    };

    const searchPage = await open(25);
    const terms = ['mar', 'ller', 'müller', 'anna', 'berg', 'schmidt', 'qxzv', 'sophie', 'koch', 'jäger'];
    const searchSamples: number[] = [];
    let missing = 0;
    for (let round = 0; round < 2; round++) {
      for (const term of terms) {
        const ms = await timeRows(searchPage, 'search', `${term}${round ? ' ' : ''}`, 'start');
        if (ms === null) missing++;
        else searchSamples.push(ms);
        // Back to an empty search between terms, so every term is a new request.
        await timeRows(searchPage, 'search', '', 'start');
      }
    }
    const renderPage = await open(100);
    const renderSamples: number[] = [];
    for (let index = 0; index < 20; index++) {
      const ms = await timeRows(renderPage, 'tab', String(index % 2 === 0 ? 1 : 0), 'responded');
      if (ms === null) missing++;
      else renderSamples.push(ms);
    }
    if (missing > 0) console.log(`  Chromium: ${missing} measurements never showed their rows (left out)`);
    const result = { searchToRows: stat(searchSamples), render100Rows: stat(renderSamples) };
    console.log(`  Chromium: search request to rows ${result.searchToRows.p50} / ${result.searchToRows.p95} ms; 100-row page render ${result.render100Rows.p50} / ${result.render100Rows.p95} ms`);
    return result;
  } finally {
    await browser.close();
  }
}

const started = performance.now();
/** The emulated-network section (network.ts), written into the report after the rest. */
const networkSizes: NetworkSizeResults[] = [];
const sizes: SizeResults[] = [];
if (!ONLY_POSTGRES) for (const count of SIZES) sizes.push(await benchSize(count));
const postgres = POSTGRES ? await benchPostgres(SIZES, { sample, load: LOAD }) : null;
/** BENCH_LIVE=0 leaves the live section out; with the PostgreSQL section on, it has a case across two servers on PostgreSQL too. */
let live: LiveResults | null = null;
let livePostgres: LiveResults | null = null;
if (!ONLY_POSTGRES && !ONLY_BROWSER && !ONLY_HTTP && process.env.BENCH_LIVE !== '0') {
  console.log('\nLive feed, 100,000 users, 1,000 streams');
  const path = `${ROOT}bench-results/seed-100000.db`;
  live = await benchLive(path, await seedBenchDatabase(path, 100_000), { users: 100_000, streams: 1_000, writes: 20, httpSeconds: HTTP_SECONDS, pin: false });
  if (POSTGRES) {
    console.log('\nLive feed across two servers on PostgreSQL, 100,000 users, 1,000 streams');
    livePostgres = await benchLivePostgres({ users: 100_000, streams: 1_000, writes: 20, httpSeconds: HTTP_SECONDS, pin: false });
  }
}
if (ONLY_POSTGRES && postgres) {
  mkdirSync(`${ROOT}bench-results`, { recursive: true });
  writeFileSync(`${ROOT}bench-results/postgres.md`, renderPostgres(postgres, []));
  console.log('\nWrote bench-results/postgres.md');
  process.exit(0);
}
const results: BenchResults = {
  environment: {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    sqlite: (new SQLite(':memory:').prepare('select sqlite_version() as version').get() as { version: string }).version,
    runs: RUNS,
    httpSeconds: HTTP_SECONDS,
    connections: CONNECTIONS,
    quick: QUICK,
    minutes: 0,
    loadAverage: os.loadavg().map((value) => Math.round(value * 10) / 10),
  },
  sizes,
  postgres,
};
results.environment.minutes = Math.round((performance.now() - started) / 6000) / 10;
if (ONLY_BROWSER || ONLY_HTTP) process.exit(0);
mkdirSync(`${ROOT}bench-results`, { recursive: true });
writeFileSync(`${ROOT}bench-results/bench.json`, `${JSON.stringify({ ...results, live, livePostgres }, null, 2)}\n`);
const markdown = renderReport(results) + (postgres ? `\n${renderPostgres(postgres, sizes)}` : '') + (live ? `\n${renderLive(live, '##')}` : '') + (livePostgres ? `\n${renderLive(livePostgres, '##')}` : '');
writeFileSync(`${ROOT}bench-results/bench.md`, markdown);
if (!QUICK) {
  writeFileSync(`${ROOT}server/bench/REPORT.md`, markdown);
  writeFileSync(`${ROOT}server/bench/REPORT.json`, `${JSON.stringify({ ...results, live, livePostgres }, null, 2)}\n`);
}
if (networkSizes.length > 0) {
  writeNetworkReport({ date: results.environment.date, network: NETWORK, runs: NETWORK_RUNS, loadAverage: loadAverage(), sizes: networkSizes }, `${ROOT}${QUICK ? 'bench-results/bench.md' : 'server/bench/REPORT.md'}`);
}
console.log(`\nWrote bench-results/bench.md and bench.json${QUICK ? '' : ' and server/bench/REPORT.md and REPORT.json'} (${results.environment.minutes} min)`);
process.exit(0);
