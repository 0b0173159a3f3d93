/**
 * `npm run bench:import`: the bulk import end to end (upload over HTTP, parse in the child process,
 * validate, commit in one transaction) beside the bare sheetjs-style parse of the same file, for
 * 10,000 and 50,000 rows. A benchmark, not a test: it prints and records, it asserts nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
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
    for (let run = 0; run < RUNS; run += 1) {
      bare.push((await time(() => XLSX.read(bytes, { type: 'buffer', dense: true }))).ms);
      const { admin } = await seedWorkspace(server, `Bench${rows}x${run}`);
      preview.push((await time(() => admin.client.imports.preview.mutate(upload(bytes)))).ms);
      const committed = await time(() => admin.client.imports.commit.mutate(upload(bytes)));
      if (committed.result.invited !== rows) throw new Error(`expected ${rows} invited, got ${committed.result.invited}`);
      commit.push(committed.ms);
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
      previewRatio: Math.round((median(preview) / median(bare)) * 100) / 100,
      runs: { bareParseMs: bare.map(Math.round), previewMs: preview.map(Math.round), commitMs: commit.map(Math.round) },
    };
    results.push(entry);
    console.log(
      `${rows.toLocaleString('en')} rows (${(bytes.length / 1024).toFixed(0)} KB): bare parse ${entry.bareParseMs} ms; ` +
        `preview ${entry.previewMs} ms (${entry.previewRatio}x); import end to end ${entry.commitMs} ms (${entry.commitRatio}x, target ${TARGET_RATIO}x)`,
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
    '',
    '| rows | file | bare parse | preview | ratio | import end to end | ratio |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.rows.toLocaleString('en')} | ${(r.fileBytes / 1024).toFixed(0)} KB | ${r.bareParseMs} ms | ${r.previewMs} ms | ${r.previewRatio}x | ${r.commitMs} ms | ${r.commitRatio}x |`,
    ),
    '',
  ].join('\n'),
);
console.log('wrote bench-results/import.md and bench-results/import.json');
