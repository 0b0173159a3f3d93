import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { TRPCClientError } from '@trpc/client';
import type { PantaErrorData } from '../../shared/errors.ts';
import { rejectsWith } from '../testing/assertions.ts';
import { addActiveUser, seedWorkspace, startTestServer, type SeededPerson, type TestServer } from '../testing/harness.ts';
import { upload, workbook, xlsxWithComments } from '../testing/spreadsheets.ts';

/** CVE-2024-22363: unclosed tags keep SheetJS's regular expressions busy until the parser is killed. */
const STALLING_COMMENTS = `<?xml version="1.0"?><comments><authors><author>x</author></authors>${'<commentList>'.repeat(160_000)}</comments>`;
const stalling = () => xlsxWithComments(workbook('xlsx', [['Email'], ['stall@fair.test']]), STALLING_COMMENTS);
const PARSE_TIMEOUT_MS = 4000;

/** Each call's outcome, how long its answer took and when it came. */
async function timed(call: () => Promise<unknown>) {
  const started = performance.now();
  try {
    await call();
    return { ms: performance.now() - started, at: performance.now(), data: undefined as PantaErrorData | undefined, message: '' };
  } catch (error) {
    assert.ok(error instanceof TRPCClientError, String(error));
    return { ms: performance.now() - started, at: performance.now(), data: error.data as PantaErrorData, message: error.message };
  }
}

describe('imports: one admin’s stalling files do not hold everyone else’s', () => {
  let server: TestServer;
  let floodA: SeededPerson;
  let floodB: SeededPerson;
  let other: SeededPerson;
  before(async () => {
    server = await startTestServer({ imports: { parseTimeoutMs: PARSE_TIMEOUT_MS }, rateLimits: { importsPerAdmin: 11 } });
    ({ admin: floodA } = await seedWorkspace(server, 'Flood'));
    floodB = await addActiveUser(server, floodA, 'second.admin@flood.test', 'admin');
    ({ admin: other } = await seedWorkspace(server, 'Elsewhere'));
  });
  after(() => server.close());

  // Judged by order, not by a wall clock (a loaded machine stretches every parse): the small file
  // and the refusals must be answered while the flood's own parses still stall, i.e. they never
  // waited for a slot the flood held. Unloaded, the small preview takes about 150 ms.
  it('two admins flood stalling files: each has one parse, the rest is refused at once; another workspace’s small file answers while they stall', async () => {
    const flood = [floodA, floodB].flatMap((admin) => Array.from({ length: 5 }, () => timed(() => admin.client.imports.preview.mutate(upload(stalling())))));
    // Let the flood arrive first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const small = workbook('xlsx', [['Email', 'First name'], ...['a', 'b', 'c', 'd'].map((name) => [`${name}@elsewhere.test`, name])]);
    const started = performance.now();
    const preview = await other.client.imports.preview.mutate(upload(small));
    const answeredAt = performance.now();
    assert.equal(preview.totals.invite, 4);

    const outcomes = await Promise.all(flood);
    const stallsEnded = Math.min(...outcomes.filter((outcome) => outcome.data?.reason === 'IMPORT_UNREADABLE').map((outcome) => outcome.at));
    assert.ok(answeredAt < stallsEnded, `the other workspace's preview took ${Math.round(answeredAt - started)} ms: it waited for the flood's parses to time out`);
    const refused = outcomes.filter((outcome) => outcome.data?.reason === 'RATE_LIMITED');
    const parsed = outcomes.filter((outcome) => outcome.data?.reason === 'IMPORT_UNREADABLE');
    // One parse per admin (their workspace may hold three, never the last free slot).
    assert.equal(parsed.length, 2, JSON.stringify(outcomes.map((outcome) => outcome.data?.reason)));
    assert.equal(refused.length, 8);
    for (const outcome of refused) {
      assert.equal(outcome.data?.code, 'TOO_MANY_REQUESTS');
      assert.ok(outcome.data!.retryAfterSeconds! >= 1 && outcome.data!.retryAfterSeconds! <= PARSE_TIMEOUT_MS / 1000, String(outcome.data?.retryAfterSeconds));
      assert.ok(outcome.at < stallsEnded, `refused after ${Math.round(outcome.ms)} ms: it waited for a parse to time out`);
    }
  });

  it('a parse that reaches its time limit counts as ten uploads against its admin’s budget', async () => {
    const { admin } = await seedWorkspace(server, 'Budget');
    const file = () => upload(workbook('xlsx', [['Email'], ['fine@budget.test']]));
    await rejectsWith(admin.client.imports.preview.mutate(upload(stalling())), { code: 'BAD_REQUEST', reason: 'IMPORT_UNREADABLE' });
    // 10 of 11 spent: one more upload, then the budget is gone for this minute.
    await admin.client.imports.preview.mutate(file());
    await rejectsWith(admin.client.imports.preview.mutate(file()), { code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED' });
    // A file that is merely refused costs one upload, as before.
    const { admin: calm } = await seedWorkspace(server, 'Calm');
    for (let index = 0; index < 11; index += 1) await calm.client.imports.preview.mutate(file());
    await rejectsWith(calm.client.imports.preview.mutate(file()), { code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED' });
  });
});

describe('imports: a full queue refuses at once', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ imports: { parseTimeoutMs: PARSE_TIMEOUT_MS, maxWaitingParses: 1 } });
  });
  after(() => server.close());

  it('two parses run, one waits, the next is refused with the seconds until a slot is free', async () => {
    const admins = await Promise.all(['One', 'Two', 'Three', 'Four'].map(async (name) => (await seedWorkspace(server, name)).admin));
    const calls = admins.slice(0, 3).map((admin) => timed(() => admin.client.imports.preview.mutate(upload(stalling()))));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await timed(() => admins[3]!.client.imports.preview.mutate(upload(workbook('xlsx', [['Email'], ['late@four.test']]))));
    assert.equal(refused.data?.reason, 'RATE_LIMITED');
    assert.match(refused.message, /still reading other files/);
    assert.equal(refused.data?.code, 'TOO_MANY_REQUESTS');
    assert.ok(refused.ms < 1000, `refused after ${Math.round(refused.ms)} ms`);
    assert.ok(refused.data!.retryAfterSeconds! >= 1 && refused.data!.retryAfterSeconds! <= PARSE_TIMEOUT_MS / 1000);
    // The one that waited (whichever arrived last) ran after another: about twice the time limit.
    const outcomes = await Promise.all(calls);
    assert.deepEqual(outcomes.map((outcome) => outcome.data?.reason), ['IMPORT_UNREADABLE', 'IMPORT_UNREADABLE', 'IMPORT_UNREADABLE']);
    const longest = Math.max(...outcomes.map((outcome) => outcome.ms));
    assert.ok(longest > 1.5 * PARSE_TIMEOUT_MS, `the waiting parse ended after ${Math.round(longest)} ms`);
  });
});
