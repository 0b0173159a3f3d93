/**
 * `npm run bench:live`: the live feed (`users.changes`) under load, as issue #14 asks, beside its
 * floor (server/bench/live.ts; `npm run bench` runs the same section at 100,000 users). Smaller
 * runs for development: LIVE_USERS=10000 LIVE_STREAMS=50; LIVE_PIN=1 runs the server on CPU 0 and
 * the client reading the streams on CPU 1. Writes bench-results/live.json and live.md; the full
 * run (100,000 users, 1,000 streams, not pinned) also server/bench/LIVE.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchLive, renderLive } from '../server/bench/live.ts';
import { seedBenchDatabase } from '../server/bench/seed.ts';

const options = {
  users: Number(process.env.LIVE_USERS ?? 100_000),
  streams: Number(process.env.LIVE_STREAMS ?? 1_000),
  writes: Number(process.env.LIVE_WRITES ?? 20),
  httpSeconds: Number(process.env.LIVE_HTTP_SECONDS ?? 5),
  pin: process.env.LIVE_PIN === '1',
};
const FULL = options.users === 100_000 && options.streams === 1_000 && !options.pin;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const path = `${ROOT}bench-results/seed-${options.users}.db`;
console.log(`${options.users.toLocaleString('en')} users, ${options.streams.toLocaleString('en')} streams, ${options.writes} writes`);
const seed = await seedBenchDatabase(path, options.users);
console.log(seed.seededNow ? `  seeded in ${seed.seedSeconds.toFixed(0)} s` : '  reusing the seeded file');
const results = await benchLive(path, seed, options);
mkdirSync(`${ROOT}bench-results`, { recursive: true });
writeFileSync(`${ROOT}bench-results/live.json`, `${JSON.stringify(results, null, 2)}\n`);
const markdown = renderLive(results);
writeFileSync(`${ROOT}bench-results/live.md`, markdown);
if (FULL) writeFileSync(`${ROOT}server/bench/LIVE.md`, markdown);
console.log(`wrote bench-results/live.json and live.md${FULL ? ' and server/bench/LIVE.md' : ''}`);
