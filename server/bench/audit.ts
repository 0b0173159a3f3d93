/**
 * The bench's audit log case: the Activity view's reads and a user's detail panel (the user and
 * their history) at `count` users and five entries per user (5,000,000 at 1,000,000 users), each
 * beside its floor, as the list's cases are measured. Its own file, `bench-results/audit-<count>.db`:
 * a copy of the users' seed with the entries added by one INSERT … SELECT inside SQLite (a
 * recursive CTE numbers them), cached and reused like the seed. The list's cases keep their file
 * without the entries, so that their figures stay comparable with earlier runs.
 */
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import * as z from 'zod/mini';
import { AUDIT_ACTIONS } from '../../shared/constants.ts';
import { listAuditInput } from '../../shared/schemas.ts';
import { openDatabase } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import type { Caller } from '../services/actor.ts';
import { listAudit } from '../services/audit.ts';
import { getUser } from '../services/users.ts';
import type { SizeResults, Stat } from './report.ts';
import { SEED_NOW } from './seed.ts';

/** Bumped when the seeded entries change shape, so an older cached file is not reused. */
const AUDIT_SEED_VERSION = 1;
export const AUDIT_ENTRIES_PER_USER = 5;

export interface AuditBenchTools {
  sample: (work: () => unknown) => Promise<Stat>;
  /** The floor of a read: the statements it ran, bare, on `path`. */
  floorOf: (path: string, raw: SQLite.Database, deps: Deps, read: (deps: Deps) => Promise<unknown>) => Promise<Stat>;
}

/** Seeds (or finds cached) the audit file for the users' seed at `usersPath`; answers its path. */
export function seedAuditBench(usersPath: string, count: number): string {
  const path = usersPath.replace(/seed-(\d+)\.db$/, 'audit-$1.db');
  const entries = count * AUDIT_ENTRIES_PER_USER;
  if (existsSync(path) && readAuditSeed(path) === `${AUDIT_SEED_VERSION}/${entries}`) return path;
  const started = performance.now();
  const partial = `${path}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  copyFileSync(usersPath, partial);
  const sqlite = new SQLite(partial);
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -1000000');
  // Loaded without the secondary indexes, which are then built once from their own SQL.
  const indexes = sqlite.prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name = 'audit_log' and sql is not null`).all() as {
    name: string;
    sql: string;
  }[];
  for (const { name } of indexes) sqlite.exec(`drop index "${name}"`);
  const { workspace_id: workspaceId, owner_id: ownerId } = sqlite.prepare('select workspace_id, owner_id from bench_seed').get() as {
    workspace_id: string;
    owner_id: string;
  };
  const users = (sqlite.prepare('select max(rowid) as n from users').get() as { n: number }).n;
  const actions = AUDIT_ACTIONS.map((action, index) => `when ${index} then '${action}'`).join(' ');
  // Entry i: a UUID-shaped id from i, a time spread over three years before the seed's now (some
  // in the same second), one of 97 admins acting (every 97th user, as the seed makes admins; the
  // owner for every 10th), every user the target of five entries.
  sqlite
    .prepare(
      `insert into audit_log (id, workspace_id, actor_id, actor_email, action, target_id, target_email, target_email_normalized, details, created_at)
       with recursive n(i) as (select 0 union all select i + 1 from n where i < ? - 1)
       select printf('%08x-0000-7000-8000-%012x', i / 1000000, i), ?,
         coalesce(a.id, ?), coalesce(a.email, 'owner@bench.test'),
         case i % ? ${actions} end,
         t.id, t.email, t.email_normalized, null,
         strftime('%Y-%m-%dT%H:%M:%fZ', ? - (i * 7919) % (3 * 365 * 86400), 'unixepoch')
       from n
       left join users a on i % 10 <> 0 and a.rowid = 1 + ((i * 31) % (? / 97)) * 97
       join users t on t.rowid = 1 + (i % ?)`,
    )
    .run(entries, workspaceId, ownerId, AUDIT_ACTIONS.length, SEED_NOW.getTime() / 1000, users, users);
  for (const { sql } of indexes) sqlite.exec(sql);
  const seconds = Math.round((performance.now() - started) / 1000);
  sqlite.exec(`create table bench_audit_seed as select ${AUDIT_SEED_VERSION} as version, ${entries} as entries, ${seconds} as seconds`);
  sqlite.pragma('journal_mode = DELETE');
  sqlite.close();
  for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  renameSync(partial, path);
  console.log(`  seeded ${entries.toLocaleString('en')} audit entries in ${seconds} s`);
  return path;
}

function readAuditSeed(path: string): string | undefined {
  try {
    const sqlite = new SQLite(path, { readonly: true, fileMustExist: true });
    try {
      const row = sqlite.prepare('select version, entries from bench_audit_seed').get() as { version: number; entries: number } | undefined;
      return row && `${row.version}/${row.entries}`;
    } finally {
      sqlite.close();
    }
  } catch {
    return undefined;
  }
}

/** The Activity view's reads and the detail panel's, in the server, each beside its floor. */
export async function benchAudit(usersPath: string, count: number, caller: Caller, tools: AuditBenchTools): Promise<SizeResults['server']> {
  const path = seedAuditBench(usersPath, count);
  const database = await openDatabase(`${path}?shared=1`);
  const raw = new SQLite(path, { readonly: true });
  try {
    const deps = { db: database.db, clock: { now: () => SEED_NOW } } as unknown as Deps;
    const entries = (raw.prepare('select entries from bench_audit_seed').get() as { entries: number }).entries;
    const someone = raw.prepare(`select id, email from users where rowid = ?`).get(Math.floor(count / 3)) as { id: string; email: string };
    const admin = raw.prepare(`select id from users where rowid = 1 + 31 * 97`).get() as { id: string };
    const middle = raw.prepare(`select created_at, id from audit_log indexed by audit_log_by_time where workspace_id = ? order by created_at desc, id desc limit 1 offset ?`).get(
      caller.workspaceId,
      Math.floor(entries / 2),
    ) as { created_at: string; id: string };
    const month = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };
    const cases: { name: string; input: z.input<typeof listAuditInput> }[] = [
      { name: 'Activity, first page', input: {} },
      { name: `Activity, a page ${Math.floor(entries / 2).toLocaleString('en')} entries deep (cursor)`, input: { cursor: `${middle.created_at}~${middle.id}` } },
      { name: 'Activity, one action', input: { action: 'user.deleted' } },
      { name: 'Activity, one actor', input: { actorId: admin.id } },
      { name: 'Activity, a target email', input: { targetEmail: someone.email.toUpperCase() } },
      { name: 'Activity, a month', input: month },
      { name: 'Activity, one action in a month', input: { ...month, action: 'user.invited' } },
      { name: 'Activity, one actor in a month', input: { ...month, actorId: admin.id } },
      { name: "User detail: a user's history", input: { targetId: someone.id } },
    ];
    const rows: SizeResults['server'] = [];
    for (const { name, input } of cases) {
      const parsed = z.parse(listAuditInput, { limit: 25, ...input });
      const result = await listAudit(deps, caller, parsed);
      const service = await tools.sample(() => listAudit(deps, caller, parsed));
      const floor = await tools.floorOf(path, raw, deps, (capture) => listAudit(capture, caller, parsed));
      rows.push({ name, total: result.total, service, floor });
      console.log(`  ${name}: ${service.p50} / ${service.p95} ms (floor ${floor.p50} / ${floor.p95}), ${result.total.toLocaleString('en')}${result.totalCapped ? '+' : ''} found`);
    }
    const detail = () => Promise.all([getUser(deps, caller, someone.id), listAudit(deps, caller, z.parse(listAuditInput, { targetId: someone.id, limit: 25 }))]);
    const service = await tools.sample(detail);
    const floor = await tools.floorOf(path, raw, deps, (capture) =>
      Promise.all([getUser(capture, caller, someone.id), listAudit(capture, caller, z.parse(listAuditInput, { targetId: someone.id, limit: 25 }))]),
    );
    rows.push({ name: 'User detail: the user and their history', total: null, service, floor });
    console.log(`  User detail: ${service.p50} / ${service.p95} ms (floor ${floor.p50} / ${floor.p95}) at ${entries.toLocaleString('en')} entries`);
    return rows;
  } finally {
    raw.close();
    await database.close();
  }
}
