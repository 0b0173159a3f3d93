/**
 * `npm run bench:live`: the live feed (`users.changes`) under load, as issue #14 asks, beside its
 * floor (server/bench/live.ts; `npm run bench` runs the same sections at 100,000 users): one
 * server on SQLite, then two servers on PostgreSQL (the streams on one, the writes to the other).
 * Smaller runs for development: LIVE_USERS=10000 LIVE_STREAMS=50; LIVE_DATABASES=sqlite or
 * postgresql runs one case only; LIVE_PIN=1 runs the servers on CPU 0 and the client reading the
 * streams on CPU 1. Writes bench-results/live.json and live.md; the full run (100,000 users, 1,000
 * streams, both databases, not pinned) also server/bench/LIVE.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchLive, benchLivePostgres, type LiveResults, renderLive } from '../server/bench/live.ts';
import { seedBenchDatabase } from '../server/bench/seed.ts';

const options = {
  users: Number(process.env.LIVE_USERS ?? 100_000),
  streams: Number(process.env.LIVE_STREAMS ?? 1_000),
  writes: Number(process.env.LIVE_WRITES ?? 20),
  httpSeconds: Number(process.env.LIVE_HTTP_SECONDS ?? 5),
  pin: process.env.LIVE_PIN === '1',
};
const databases = (process.env.LIVE_DATABASES ?? 'sqlite,postgresql').split(',');
const FULL = options.users === 100_000 && options.streams === 1_000 && !options.pin && databases.includes('sqlite') && databases.includes('postgresql');
const ROOT = fileURLToPath(new URL('..', import.meta.url));

console.log(`${options.users.toLocaleString('en')} users, ${options.streams.toLocaleString('en')} streams, ${options.writes} writes`);
const results: LiveResults[] = [];
if (databases.includes('sqlite')) {
  const path = `${ROOT}bench-results/seed-${options.users}.db`;
  const seed = await seedBenchDatabase(path, options.users);
  console.log(seed.seededNow ? `  seeded in ${seed.seedSeconds.toFixed(0)} s` : '  reusing the seeded file');
  results.push(await benchLive(path, seed, options));
}
if (databases.includes('postgresql')) {
  console.log('\nTwo servers on PostgreSQL');
  results.push(await benchLivePostgres(options));
}
mkdirSync(`${ROOT}bench-results`, { recursive: true });
writeFileSync(`${ROOT}bench-results/live.json`, `${JSON.stringify(results, null, 2)}\n`);
const markdown = results.map((result) => renderLive(result)).join('\n');
writeFileSync(`${ROOT}bench-results/live.md`, markdown);
if (FULL) writeFileSync(`${ROOT}server/bench/LIVE.md`, markdown);
console.log(`wrote bench-results/live.json and live.md${FULL ? ' and server/bench/LIVE.md' : ''}`);
