/**
 * `node --import tsx server/bench/search-latency.ts <sqlite file> [runs]`: p50/p95 of a search's
 * list call (total and first page) in the service, and of its total alone, for the bench's
 * searches and a few that stress how a page is read (role filter, a sort that gathers the matches
 * at the end of the tab, a short word beside a long one). Opens the file through the migrations,
 * so point it at a copy of a seeded bench database (bench-results/seed-*.db), not at the cache,
 * which the bench reuses.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../db/database.ts';
import { countListedUsers } from '../db/repositories/users.ts';
import { searchWords } from '../services/text.ts';
import { type ListUsersQuery, listUsers } from '../services/users.ts';

const [file, runsArgument] = process.argv.slice(2);
if (!file) throw new Error('Usage: search-latency.ts <sqlite file> [runs]');
const RUNS = Number(runsArgument ?? 40);

const CASES: [string, Partial<ListUsersQuery>][] = [
  ['"mar"', { search: 'mar' }],
  ['"ller"', { search: 'ller' }],
  ['"Müller"', { search: 'Müller' }],
  ['"anna berg"', { search: 'anna berg' }],
  ['"4711@"', { search: '4711@' }],
  ['"qxzv"', { search: 'qxzv' }],
  ['"mar", admins', { search: 'mar', role: 'admin' }],
  ['"mar", standard users', { search: 'mar', role: 'user' }],
  ['"mar", pending', { tab: 'pending', search: 'mar' }],
  ['"ller" by email, descending', { search: 'ller', sort: { by: 'email', direction: 'desc' } }],
  ['"zoe" (last by name)', { search: 'zoe' }],
  ['"anna b" (a short word too)', { search: 'anna b' }],
  ['"k" (no trigram)', { search: 'k' }],
  ['"ab" (no trigram)', { search: 'ab' }],
  ['"k", pending', { tab: 'pending', search: 'k' }],
  ['"k", Recently deleted', { tab: 'deleted', search: 'k' }],
];

const opened = performance.now();
const database = await openDatabase(file);
console.log(`opened (and migrated) in ${((performance.now() - opened) / 1000).toFixed(1)} s`);
const workspace = await database.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
const deps = { db: database.db } as never;
const caller = { workspaceId: workspace.id } as never;

async function sample(work: () => Promise<unknown>): Promise<string> {
  const samples: number[] = [];
  for (let run = 0; run < RUNS + 3; run++) {
    const start = performance.now();
    await work();
    if (run >= 3) samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const percentile = (p: number) => samples[Math.min(samples.length - 1, Math.ceil(samples.length * p) - 1)]!.toFixed(2).padStart(8);
  return `${percentile(0.5)} / ${percentile(0.95)} ms`;
}

console.log(`${'search'.padEnd(32)} ${'list p50 / p95'.padStart(22)}   ${'its total alone'.padStart(22)}`);
for (const [name, query] of CASES) {
  const input: ListUsersQuery = { tab: 'active', search: '', role: 'all', sort: { by: 'name', direction: 'asc' }, offset: 0, limit: 25, ...query };
  const { total } = await listUsers(deps, caller, input);
  const list = await sample(() => listUsers(deps, caller, input));
  const scope = { tab: input.tab, role: input.role, searchWords: searchWords(input.search) };
  const count = await sample(() => countListedUsers(database.db, workspace.id, scope));
  console.log(`${name.padEnd(32)} ${list}   ${count}   ${total.toLocaleString('en')} found`);
}
console.log(`load average ${loadavg().map((load) => load.toFixed(2)).join(', ')}`);
await database.close();
