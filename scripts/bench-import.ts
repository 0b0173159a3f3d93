/**
 * `npm run bench:import`: the bulk import end to end (upload over HTTP, parse in the child process,
 * validate, commit in one transaction) beside the bare sheetjs-style parse of the same file, for
 * 10,000 and 50,000 rows. A benchmark, not a test: it prints and records, it asserts nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import XLSX from 'sheetjs-style';
import { seedWorkspace, startTestServer } from '../server/testing/harness.ts';
import { upload, workbook } from '../server/testing/spreadsheets.ts';

const SIZES = process.env.BENCH_ROWS ? process.env.BENCH_ROWS.split(',').map(Number) : [10_000, 50_000];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_RATIO = 1.3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function file(rows: number): Buffer {
  return workbook('xlsx', [
    ['Email', 'First name', 'Last name', 'Role'],
    ...Array.from({ length: rows }, (_, index) => [`person${index}@bench.test`, `First${index}`, `Last${index}`, index % 20 === 0 ? 'Admin' : 'Standard user']),
  ]);
}

/** What one import writes: the rows of each table, read back after the commit. */
type WrittenRows = { table: string; rows: Record<string, unknown>[] }[];

async function rowsWrittenBy(workspaceId: string): Promise<WrittenRows> {
  const db = server.database.db;
  return [
    { table: 'users', rows: await db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('status', '=', 'pending').execute() },
    { table: 'invitations', rows: await db.selectFrom('invitations').selectAll().where('workspace_id', '=', workspaceId).execute() },
    { table: 'outbox', rows: await db.selectFrom('outbox').selectAll().where('workspace_id', '=', workspaceId).execute() },
    {
      table: 'audit_log',
      rows: await db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId).where('action', 'in', ['users.imported', 'user.invited']).execute(),
    },
  ];
}

/**
 * The write floor: the very rows the import wrote, inserted in one transaction with the same
 * durability (WAL, synchronous = FULL) into tables that have the same columns and nothing else: no
 * index, no constraint, no trigger, no search index. Prepared multi-row statements on a bare
 * better-sqlite3 connection, as the import's own inserts. No import that keeps these rows can
 * write them faster on this machine, so bare parse + this floor bounds any import from below.
 */
function writeFloor(written: WrittenRows, file: string): number {
  const db = new SQLite(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    for (const { table, rows } of written) {
      const columns = Object.keys(rows[0]!);
      db.exec(`create table "${table}" (${columns.map((column) => `"${column}"`).join(', ')})`);
    }
    const start = performance.now();
    db.exec('begin immediate');
    for (const { table, rows } of written) {
      const columns = Object.keys(rows[0]!);
      const perStatement = Math.floor(32_766 / columns.length);
      const statementFor = (count: number) =>
        db.prepare(`insert into "${table}" values ${Array.from({ length: count }, () => `(${columns.map(() => '?').join(', ')})`).join(', ')}`);
      const full = statementFor(perStatement);
      for (let at = 0; at < rows.length; at += perStatement) {
        const chunk = rows.slice(at, at + perStatement);
        (chunk.length === perStatement ? full : statementFor(chunk.length)).run(chunk.flatMap((row) => columns.map((column) => row[column])));
      }
    }
    db.exec('commit');
    return performance.now() - start;
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  }
}

async function time<T>(work: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

// Other work on the machine moves every figure: the load average is recorded beside them.
const loadAtStart = loadavg().map((load) => Math.round(load * 100) / 100);
const dir = mkdtempSync(join(tmpdir(), 'panta-bench-'));
const server = await startTestServer({ databaseUrl: join(dir, 'bench.db'), imports: { maxRows: 50_000 } });
// Invitations are delivered after commit, apart from the import: the bench lets them wait and
// delivers them between runs, so 50,000 emails going out do not compete with the next measurement.
const management = server.app.management;
const deliverLater = () => {};
(management.deps as { notifyOutbox: () => void }).notifyOutbox = deliverLater;
const results = [];
try {
  for (const rows of SIZES) {
    const bytes = file(rows);
    const bare: number[] = [];
    const preview: number[] = [];
    const commit: number[] = [];
    const floor: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      bare.push((await time(() => XLSX.read(bytes, { type: 'buffer', dense: true }))).ms);
      const { admin, workspaceId } = await seedWorkspace(server, `Bench${rows}x${run}`);
      preview.push((await time(() => admin.client.imports.preview.mutate(upload(bytes)))).ms);
      const committed = await time(() => admin.client.imports.commit.mutate(upload(bytes)));
      if (committed.result.invited !== rows) throw new Error(`expected ${rows} invited, got ${committed.result.invited}`);
      commit.push(committed.ms);
      floor.push(writeFloor(await rowsWrittenBy(workspaceId), join(dir, 'floor.db')));
      await server.database.db.deleteFrom('outbox').execute();
      // Untimed: the WAL copied into the database file and emptied, so that no checkpoint (inside a
      // commit, or on another thread after it) overlaps the next run's measurements.
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(server.database.db);
    }
    const entry = {
      rows,
      fileBytes: bytes.length,
      bareParseMs: Math.round(median(bare)),
      previewMs: Math.round(median(preview)),
      commitMs: Math.round(median(commit)),
      commitRatio: Math.round((median(commit) / median(bare)) * 100) / 100,
      writeFloorMs: Math.round(median(floor)),
      // The least any import could take here: the parse, then the rows written with nothing else.
      floorRatio: Math.round(((median(bare) + median(floor)) / median(bare)) * 100) / 100,
      previewRatio: Math.round((median(preview) / median(bare)) * 100) / 100,
      runs: { bareParseMs: bare.map(Math.round), previewMs: preview.map(Math.round), commitMs: commit.map(Math.round), writeFloorMs: floor.map(Math.round) },
    };
    results.push(entry);
    console.log(
      `${rows.toLocaleString('en')} rows (${(bytes.length / 1024).toFixed(0)} KB): bare parse ${entry.bareParseMs} ms; ` +
        `preview ${entry.previewMs} ms (${entry.previewRatio}x); import end to end ${entry.commitMs} ms (${entry.commitRatio}x, target ${TARGET_RATIO}x); ` +
        `write floor ${entry.writeFloorMs} ms, so bare parse + write floor = ${entry.floorRatio}x`,
    );
  }
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

const environment = {
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: availableParallelism(),
  loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((load) => Math.round(load * 100) / 100) },
  date: new Date().toISOString(),
  runs: RUNS,
};
console.log(`load average (1, 5, 15 min): ${environment.loadAverage.atStart.join(', ')} at start, ${environment.loadAverage.atEnd.join(', ')} at end; ${environment.cpus} CPUs`);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/import.json', `${JSON.stringify({ environment, targetRatio: TARGET_RATIO, results }, null, 2)}\n`);
writeFileSync(
  'bench-results/import.md',
  [
    '# Bulk import benchmark',
    '',
    `Median of ${RUNS} runs; ${environment.node} on ${environment.platform}, ${environment.cpus} CPUs, ${environment.date}.`,
    `Load average (1, 5, 15 min) ${environment.loadAverage.atStart.join(', ')} at start, ${environment.loadAverage.atEnd.join(', ')} at end.`,
    'End to end = one `imports.commit` over HTTP: upload, checks, parse in the child process, zod validation, verdicts, one transaction.',
    `Bare parse = \`XLSX.read(file, { dense: true })\` of the same file in-process. Target: end to end within ${TARGET_RATIO}x of the bare parse.`,
    'Write floor = the rows that import wrote, inserted in one transaction (WAL, synchronous = FULL) into tables with the same columns and no index, constraint or trigger;',
    'bare parse + write floor is the least any import keeping those rows could take here.',
    '',
    '| rows | file | bare parse | preview | ratio | import end to end | ratio | write floor | bare parse + write floor |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.rows.toLocaleString('en')} | ${(r.fileBytes / 1024).toFixed(0)} KB | ${r.bareParseMs} ms | ${r.previewMs} ms | ${r.previewRatio}x | ${r.commitMs} ms | ${r.commitRatio}x | ${r.writeFloorMs} ms | ${r.floorRatio}x |`,
    ),
    '',
  ].join('\n'),
);
console.log('wrote bench-results/import.md and bench-results/import.json');
