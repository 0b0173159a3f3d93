/**
 * `npm run bench:render [-- --element path/to/panta-user-management.js] [--runs 40] [--profile out.cpuprofile] [--trace out.json]`:
 * the element's own share of issue 6's Chromium figures, measured the way server/bench/bench.ts
 * measures them, plus the frame after. A benchmark: it prints figures, it asserts nothing.
 *
 * - 100-row render: switching tabs (Pending ↔ Active) and sorting with page-size=100, from the
 *   answer (fetch resolved) to the rows in the DOM, and to the end of the next frame (style,
 *   layout and paint included, which the DOM figure leaves out).
 * - Search (page-size=25): from the request (after the debounce) to the rows, and from the
 *   answer to the rows, which is the element's part; the rest is the server's.
 *
 * Serves a copy of bench-results/seed-100000.db (seeded by server/bench/seed.ts when missing), so
 * the cached file is left as it is. The element is the built single file (dist/element by default;
 * `--element` to compare another build, e.g. the previous commit's, in the same session).
 */
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildServer } from '../server/app.ts';
import { SEED_NOW, seedBenchDatabase } from '../server/bench/seed.ts';
import { ManualClock } from '../server/clock.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/database.ts';
import type { Deps } from '../server/deps.ts';
import { DevMailbox } from '../server/mail/mailer.ts';
import { createSession } from '../server/services/sessions.ts';
import { RECORD_REQUESTS, WAIT_FOR_ROWS, elementPage } from '../server/bench/browser-probes.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const option = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
};
const ELEMENT = option('element') ?? `${ROOT}dist/element/panta-user-management.js`;
const RUNS = Number(option('runs') ?? 40);
const PROFILE = option('profile');
const TRACE = option('trace');
const USERS = 100_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN;
const figure = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const ms = (value: number) => value.toFixed(1);
  return `${ms(percentile(sorted, 0.5))} / ${ms(percentile(sorted, 0.95))} ms (max ${ms(sorted.at(-1) ?? NaN)}, n=${samples.length})`;
};

type Timing = { start: number; responded: number; rows: number; frame?: number; update: number };

const source = `${ROOT}bench-results/seed-${USERS}.db`;
const seed = await seedBenchDatabase(source, USERS);
const path = `${os.tmpdir()}/bench-render-${process.pid}.db`;
copyFileSync(source, path);
const database = await openDatabase(path);
const config = { ...loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://portal.test' }), databaseUrl: path, port: 0 };
const app = await buildServer({ config, database, clock: new ManualClock(SEED_NOW), mailer: new DevMailbox(), jobs: false });
const deps = app.management.deps as Deps;
const session = await createSession(database.db, deps, { id: seed.ownerId, workspace_id: seed.workspaceId });
const element = readFileSync(ELEMENT);
app.get('/render/page', (request, reply) =>
  reply
    .type('text/html')
    .send(elementPage((request.query as { size?: string }).size, '/render/element.js')),
);
app.get('/render/element.js', (_request, reply) => reply.type('text/javascript').send(element));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

console.log(`bench:render  ${ELEMENT}  (${USERS.toLocaleString('en')} users, ${RUNS} runs, load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')})`);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const open = async (pageSize: number) => {
    const page = await browser.newPage();
    await page.addInitScript(RECORD_REQUESTS);
    await page.goto(`${origin}/render/page?size=${pageSize}`);
    await page.evaluate((token) => ((document.querySelector('panta-user-management') as unknown as { token: string }).token = token), session.token);
    await page.waitForSelector('panta-user-management tr[data-user-id]');
    // Notes each update of the element (render and DOM commit), to tell its own work from waiting.
    await page.evaluate(`{
      const proto = customElements.get('panta-user-management').prototype;
      const performUpdate = proto.performUpdate;
      window.__updates = [];
      proto.performUpdate = function () {
        const start = performance.now();
        const result = performUpdate.call(this);
        window.__updates.push({ start, end: performance.now() });
        return result;
      };
    }`);
    return page;
  };
  type Page = Awaited<ReturnType<typeof open>>;
  const time = async (page: Page, act: 'search' | 'tab' | 'sort', arg: string) => {
    const shown = await page.evaluate(`(${WAIT_FOR_ROWS})(${JSON.stringify({ act, arg })})`);
    // Lets the frame after the rows be drawn (and timed) before the next act.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)))');
    if (!shown) return null;
    return (await page.evaluate(`({
      start: __last.start, responded: __last.responded, rows: __last.rows, frame: __last.done.frame,
      update: __updates.filter((u) => u.start >= __last.responded && u.end <= __last.rows).reduce((sum, u) => sum + u.end - u.start, 0),
    })`)) as Timing;
  };
  const report = (label: string, timings: (Timing | null)[], from: 'start' | 'responded') => {
    const done = timings.filter((timing): timing is Timing => timing !== null);
    const missing = timings.length - done.length;
    console.log(`  ${label}`);
    console.log(`    ${from === 'start' ? 'request' : 'answer '} → rows in the DOM: ${figure(done.map((t) => t.rows - t[from]))}${missing ? ` (${missing} never showed)` : ''}`);
    if (from === 'start') console.log(`    answer  → rows in the DOM: ${figure(done.map((t) => t.rows - t.responded))}`);
    console.log(`      of which the element's update (render and DOM commit): ${figure(done.map((t) => t.update))}`);
    const framed = done.filter((t) => t.frame !== undefined);
    console.log(`    answer  → next frame drawn: ${figure(framed.map((t) => t.frame! - t.responded))}`);
  };

  const renderPage = await open(100);
  for (let index = 0; index < 4; index++) await time(renderPage, 'tab', String(index % 2 === 0 ? 1 : 0));
  const cdp = PROFILE ? await renderPage.context().newCDPSession(renderPage) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  if (TRACE) await browser.startTracing(renderPage, { path: TRACE, categories: ['devtools.timeline', 'blink'] });
  const tabs: (Timing | null)[] = [];
  for (let index = 0; index < RUNS; index++) tabs.push(await time(renderPage, 'tab', String(index % 2 === 0 ? 1 : 0)));
  if (TRACE) {
    await browser.stopTracing();
    console.log(`  wrote ${TRACE}`);
  }
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(PROFILE!, JSON.stringify(profile));
    console.log(`  wrote ${PROFILE}`);
  }
  report('100-row page, switching tabs (Pending ↔ Active)', tabs, 'responded');
  const sorts: (Timing | null)[] = [];
  for (let index = 0; index < RUNS; index++) sorts.push(await time(renderPage, 'sort', index % 2 === 0 ? 'role' : 'name'));
  report('100-row page, sorting (Active: role ↔ name)', sorts, 'responded');

  const searchPage = await open(25);
  const terms = ['anna', 'berg', 'müller', 'schmidt', 'qxzv', 'sophie', 'koch', 'jäger', '4711@', 'weber'];
  const searches: (Timing | null)[] = [];
  for (let round = 0; searches.length < RUNS; round++) {
    for (const term of terms) {
      searches.push(await time(searchPage, 'search', `${term}${round % 2 ? ' ' : ''}`));
      await time(searchPage, 'search', '');
    }
  }
  report('search, 25 rows (request after the 250 ms debounce)', searches, 'start');
} finally {
  await browser.close();
  await app.close();
  await database.close();
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(`${path}${suffix}`)) rmSync(`${path}${suffix}`);
}
process.exit(0);
