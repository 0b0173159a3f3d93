/**
 * `npm run load`: autocannon against a local server over a SQLite file with 100,000 users, 60 s,
 * 50 connections, a mix of reads (list, search, KPIs) and writes (invite, edit, delete, restore).
 * Reports throughput and p50/p99, then checks that no answer was a 5xx, that every acknowledged
 * write is in the database and that the invariants hold. Writes bench-results/load.md.
 * A load run, not a test: it exits 1 when a check fails. LOAD_USERS, LOAD_SECONDS, LOAD_CONNECTIONS
 * change the size.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { insertUsers } from '../server/db/repositories/users.ts';
import type { NewUserRow } from '../server/db/schema/index.ts';
import { inTransaction } from '../server/db/transactions.ts';
import { normalizeEmail } from '../server/services/email-rule.ts';
import { searchTextFor, sortNameFor } from '../server/services/text.ts';
import { seedWorkspace, startTestServer } from '../server/testing/harness.ts';

const USERS = Number(process.env.LOAD_USERS ?? 100_000);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);
const UNLIMITED = 1_000_000_000;

const dir = mkdtempSync(join(tmpdir(), 'panta-load-'));
const server = await startTestServer({
  databaseUrl: join(dir, 'load.db'),
  rateLimits: { invitesPerAdmin: UNLIMITED, invitesPerWorkspace: UNLIMITED, importsPerAdmin: UNLIMITED, importsPerWorkspace: UNLIMITED, tokenFailuresPerIp: UNLIMITED },
});
const { admin, workspaceId } = await seedWorkspace(server, 'Load');
const db = server.database.db;

// Seed through the repository's bulk insert, 5,000 rows a transaction: 80 % active, 15 % pending, 5 % deleted.
const seedStart = performance.now();
const nowIso = server.clock.now().toISOString();
const purgeAt = new Date(server.clock.now().getTime() + 30 * 86_400_000).toISOString();
const activeIds: string[] = [];
const deletedIds: string[] = [];
for (let start = 0; start < USERS; start += 5000) {
  const rows: NewUserRow[] = [];
  for (let index = start; index < Math.min(start + 5000, USERS); index++) {
    const person = { first_name: `First${index}`, last_name: `Müller${index % 997}`, email: `person${index}@load.test` };
    const kind = index % 20 === 0 ? 'deleted' : index % 20 <= 3 ? 'pending' : 'active';
    const id = crypto.randomUUID();
    if (kind === 'active') activeIds.push(id);
    if (kind === 'deleted') deletedIds.push(id);
    rows.push({
      id,
      workspace_id: workspaceId,
      ...person,
      email_normalized: normalizeEmail(person.email),
      search_text: searchTextFor(person),
      sort_name: sortNameFor(person),
      role: index % 50 === 0 ? 'admin' : 'user',
      status: kind === 'pending' ? 'pending' : 'active',
      invited_by_id: admin.id,
      invited_at: nowIso,
      last_invitation_sent_at: nowIso,
      invitation_send_count: 1,
      onboarded_at: kind === 'pending' ? null : nowIso,
      deleted_at: kind === 'deleted' ? nowIso : null,
      deleted_by_id: kind === 'deleted' ? admin.id : null,
      purge_at: kind === 'deleted' ? purgeAt : null,
      created_at: nowIso,
      updated_at: nowIso,
    });
  }
  await inTransaction(db, (trx) => insertUsers(trx, rows));
}
const seedMs = performance.now() - seedStart;

// Each write names users nobody else touches, so what each acknowledged write left is known exactly.
const toEdit = activeIds.slice(0, Math.floor(activeIds.length / 2));
const toDelete = activeIds.slice(Math.floor(activeIds.length / 2));
const toRestore = [...deletedIds];
const acknowledged = { invite: [] as string[], update: [] as { id: string; firstName: string }[], delete: [] as string[], restore: [] as string[] };

type Kind = 'list' | 'search' | 'summary' | 'invite' | 'update' | 'delete' | 'restore';
const MIX: [Kind, number][] = [['list', 30], ['search', 20], ['summary', 20], ['invite', 10], ['update', 10], ['delete', 5], ['restore', 5]];
const byKind = Object.fromEntries(MIX.map(([kind]) => [kind, { sent: 0, '2xx': 0, '4xx': 0, '5xx': 0, other: 0 }])) as Record<Kind, Record<string, number>>;
const pick = (): Kind => {
  let roll = Math.random() * 100;
  for (const [kind, weight] of MIX) if ((roll -= weight) < 0) return kind;
  return 'list';
};
const query = (path: string, input?: unknown) => `/api/users/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;
let invites = 0;
const samples: string[] = [];

interface Pending {
  kind: Kind;
  record?: () => void;
}

/**
 * What each connection has sent and not yet had answered, oldest first: autocannon may build a
 * connection's next request before the previous answer arrives, and answers come back in order.
 */
interface ConnectionContext {
  sent?: Pending[];
}

function nextRequest(context: ConnectionContext): { method: 'GET' | 'POST'; path: string; body?: string } {
  const queue = (context.sent ??= []);
  const pending: { current?: Pending } = {};
  const request = buildRequest(pending);
  queue.push(pending.current!);
  return request;
}

function buildRequest(context: { current?: Pending }): { method: 'GET' | 'POST'; path: string; body?: string } {
  let kind = pick();
  if ((kind === 'update' && toEdit.length === 0) || (kind === 'delete' && toDelete.length === 0) || (kind === 'restore' && toRestore.length === 0)) kind = 'summary';
  byKind[kind]!.sent += 1;
  const post = (path: string, input: unknown, record: () => void) => {
    context.current = { kind, record };
    return { method: 'POST' as const, path: query(path), body: JSON.stringify(input) };
  };
  switch (kind) {
    case 'list':
      context.current = { kind };
      return { method: 'GET', body: undefined, path: query('users.list', { tab: 'active', offset: Math.floor(Math.random() * 2000) * 25, limit: 25, sort: { by: 'name', direction: 'asc' } }) };
    case 'search':
      context.current = { kind };
      return { method: 'GET', body: undefined, path: query('users.list', { tab: 'active', search: `muller${Math.floor(Math.random() * 997)}`, limit: 25 }) };
    case 'summary':
      context.current = { kind };
      return { method: 'GET', body: undefined, path: query('users.summary') };
    case 'invite': {
      const email = `load-${++invites}-${process.pid}@load.test`;
      return post('users.invite', { email }, () => acknowledged.invite.push(email));
    }
    case 'update': {
      const id = toEdit.pop()!;
      const firstName = `Edited${invites}`;
      return post('users.update', { id, firstName }, () => acknowledged.update.push({ id, firstName }));
    }
    case 'delete': {
      const id = toDelete.pop()!;
      return post('users.delete', { ids: [id] }, () => acknowledged.delete.push(id));
    }
    case 'restore': {
      const id = toRestore.pop()!;
      return post('users.restore', { ids: [id] }, () => acknowledged.restore.push(id));
    }
  }
}

const result = await autocannon({
  url: server.url,
  connections: CONNECTIONS,
  duration: SECONDS,
  requests: [
    {
      // A whole new request each time: autocannon keeps a POST's content-length in the headers it reuses.
      setupRequest: (_request: Record<string, unknown>, context: ConnectionContext) => {
        const request = nextRequest(context);
        const headers: Record<string, string> = { host: new URL(server.url).host, authorization: `Bearer ${admin.token}` };
        if (request.body !== undefined) headers['content-type'] = 'application/json';
        return { ...request, headers };
      },
      onResponse: (status: number, _body: string, context: ConnectionContext) => {
        const pending = context.sent?.shift();
        if (!pending) return;
        const counts = byKind[pending.kind]!;
        const bucket = status >= 200 && status < 300 ? '2xx' : status >= 400 && status < 500 ? '4xx' : status >= 500 ? '5xx' : 'other';
        counts[bucket] = (counts[bucket] ?? 0) + 1;
        if (bucket === '2xx') pending.record?.();
        else if (samples.length < 5) samples.push(`${pending.kind} ${status} ${_body.slice(0, 300)}`);
      },
    },
  ],
} as autocannon.Options);
await server.app.management.flushOutbox();

// What the acknowledged writes left, and the invariants.
const failures: string[] = [];
const check = (ok: boolean, message: string) => void (ok || failures.push(message));
const chunks = <T,>(items: T[], size = 500) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
let found = 0;
for (const chunk of chunks(acknowledged.invite)) found += (await db.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).where('email', 'in', chunk).execute()).length;
check(found === acknowledged.invite.length, `invites: ${found} of ${acknowledged.invite.length} acknowledged are in the database`);
let edited = 0;
for (const chunk of chunks(acknowledged.update)) {
  const rows = await db.selectFrom('users').select(['id', 'first_name']).where('id', 'in', chunk.map((edit) => edit.id)).execute();
  const names = new Map(rows.map((row) => [row.id, row.first_name]));
  edited += chunk.filter((edit) => names.get(edit.id) === edit.firstName).length;
}
check(edited === acknowledged.update.length, `edits: ${edited} of ${acknowledged.update.length} acknowledged are in the database`);
let deleted = 0;
for (const chunk of chunks(acknowledged.delete)) deleted += (await db.selectFrom('users').select('id').where('id', 'in', chunk).where('deleted_at', 'is not', null).execute()).length;
check(deleted === acknowledged.delete.length, `deletes: ${deleted} of ${acknowledged.delete.length} acknowledged are in the database`);
let restored = 0;
for (const chunk of chunks(acknowledged.restore)) restored += (await db.selectFrom('users').select('id').where('id', 'in', chunk).where('deleted_at', 'is', null).execute()).length;
check(restored === acknowledged.restore.length, `restores: ${restored} of ${acknowledged.restore.length} acknowledged are in the database`);

const summary = await admin.client.users.summary.query();
check(summary.kpis.invited === summary.kpis.completed + summary.kpis.pending, 'invited = completed + pending');
const { rows: [actual] } = await sql<{ active: number; pending: number; deleted: number }>`
  select sum(case when deleted_at is null and status = 'active' then 1 else 0 end) as active,
         sum(case when deleted_at is null and status = 'pending' then 1 else 0 end) as pending,
         sum(case when deleted_at is not null then 1 else 0 end) as deleted
  from users where workspace_id = ${workspaceId}`.execute(db);
check(
  Number(actual!.active) === summary.counts.active && Number(actual!.pending) === summary.counts.pending && Number(actual!.deleted) === summary.counts.deleted,
  `KPIs ${JSON.stringify(summary.counts)} equal the rows ${JSON.stringify(actual)}`,
);
check(summary.activeAdmins >= 1, 'the workspace keeps an active admin');
const total = summary.counts.active + summary.counts.pending + summary.counts.deleted;
const { rows: [all] } = await sql<{ n: number }>`select count(*) as n from users where workspace_id = ${workspaceId}`.execute(db);
check(Number(all!.n) === total, 'every user is in exactly one tab');
const { rows: [audit] } = await sql<{ n: number }>`select count(*) as n from audit_log where workspace_id = ${workspaceId}`.execute(db);
const writes = acknowledged.invite.length + acknowledged.update.length + acknowledged.delete.length + acknowledged.restore.length;
check(Number(audit!.n) >= writes, `the audit log has an entry for each acknowledged write (${audit!.n} ≥ ${writes})`);
const fiveXx = Object.values(byKind).reduce((sum, counts) => sum + (counts['5xx'] ?? 0), 0) + (result['5xx'] ?? 0);
check(fiveXx === 0 && result.errors === 0 && result.timeouts === 0, `no 5xx (${fiveXx}), connection errors (${result.errors}) or timeouts (${result.timeouts})`);

const lines = [
  '# Load run',
  '',
  `${new Date().toISOString()}; Node ${process.version} on ${process.platform} ${process.arch}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}); load average before the run ${loadavg().map((n) => n.toFixed(2)).join(' ')}.`,
  'The machine is shared: other work (test suites, builds) may have run at the same time, so the figures are a floor, not a capacity.',
  '',
  `One server process (the autocannon client in the same process), SQLite file in WAL with synchronous FULL, ${USERS.toLocaleString('en')} users in one workspace (seeded in ${(seedMs / 1000).toFixed(1)} s through the repository bulk insert), ${CONNECTIONS} connections for ${SECONDS} s, no pipelining. Mix: ${MIX.map(([kind, weight]) => `${kind} ${weight} %`).join(', ')}; list = a page of 25 at a random offset, search = a folded surname (about 80 matches), writes each name a different user.`,
  '',
  '| | value |',
  '| --- | ---: |',
  `| requests | ${result.requests.total.toLocaleString('en')} |`,
  `| throughput | ${result.requests.average.toFixed(0)} req/s (${result.throughput.average.toFixed(0)} B/s) |`,
  `| latency p50 | ${result.latency.p50} ms |`,
  `| latency p99 | ${result.latency.p99} ms |`,
  `| latency max | ${result.latency.max} ms |`,
  `| 2xx / 4xx / 5xx | ${result['2xx']} / ${result['4xx']} / ${result['5xx']} |`,
  `| errors / timeouts | ${result.errors} / ${result.timeouts} |`,
  '',
  '| kind | sent | 2xx | 4xx | 5xx |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...MIX.map(([kind]) => `| ${kind} | ${byKind[kind]!.sent} | ${byKind[kind]!['2xx']} | ${byKind[kind]!['4xx']} | ${byKind[kind]!['5xx']} |`),
  '',
  '(Sent counts include requests still in flight when the run ended.)',
  ...(samples.length > 0 ? ['', 'First answers that were not 2xx:', '', ...samples.map((sample) => `    ${sample}`)] : []),
  '',
  '## Checks afterwards',
  '',
  `Acknowledged writes: ${acknowledged.invite.length} invites, ${acknowledged.update.length} edits, ${acknowledged.delete.length} deletes, ${acknowledged.restore.length} restores.`,
  '',
  ...(failures.length === 0 ? ['All passed: zero 5xx, every acknowledged write is in the database, KPIs equal the rows, an active admin remains, every user is in exactly one tab, the audit log has an entry per write.'] : failures.map((failure) => `- FAILED: ${failure}`)),
  '',
];
const report = lines.join('\n');
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/load.md', report);
process.stdout.write(report);
await server.close();
rmSync(dir, { recursive: true, force: true });
process.exitCode = failures.length === 0 ? 0 : 1;
