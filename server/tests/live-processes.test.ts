import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config.ts';
import { createSession } from '../services/sessions.ts';
import { createWorkspace } from '../services/workspaces.ts';
import { ManualClock } from '../testing/clock.ts';
import { createTestDatabase, seedWorkspace, startTestServer, testDialect } from '../testing/harness.ts';
import { watchChanges } from '../testing/live-feed.ts';
import { SERVER_PROCESS_START, twoServerProcesses } from '../testing/server-processes.ts';

// PostgreSQL: the writer's trigger notifies, the other server's LISTEN connection wakes its feed.
// SQLite: the other process reads the revision once a second (its default), so within 2 s.
describe(`live change feed across two server processes on one ${testDialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} database`, () => {
  const servers = twoServerProcesses();

  it('a change on server A reaches a subscriber on server B within 2 s, once, and no other workspace', async () => {
    const { one, two, database } = servers;
    const deps = { db: database.db, clock: new ManualClock(SERVER_PROCESS_START), settings: loadConfig({ NODE_ENV: 'test' }) };
    const seed = async (name: string) => {
      const { owner } = await createWorkspace(deps, { name, owner: { email: `owner@${name}.test`, firstName: 'O', lastName: 'Wner' } });
      return (await createSession(database.db, deps, owner)).token;
    };
    const acme = await seed('acme');
    const globex = await seed('globex');
    const onB = watchChanges(two.client(acme));
    const otherOnB = watchChanges(two.client(globex));
    try {
      assert.equal((await onB.next()).kind, 'current');
      await otherOnB.next();
      const started = performance.now();
      await one.client(acme).users.invite.mutate({ email: 'across@acme.test' });
      const event = await onB.next(2000);
      const elapsed = performance.now() - started;
      assert.equal(event.kind, 'change');
      assert.deepEqual(event.tabs, ['pending']);
      assert.equal(event.counts.pending, 1);
      assert.ok(elapsed < 2000, `reached server B after ${Math.round(elapsed)} ms`);
      await onB.quiet(1200);
      await otherOnB.quiet(0);
    } finally {
      onB.close();
      otherOnB.close();
    }
  });

  // SQLite: server B skips its check while the file's change marker stays put; A's commit moves it.
  it('a sign-out through server A ends the stream on server B within a second', async () => {
    const { one, two, database } = servers;
    const deps = { db: database.db, clock: new ManualClock(SERVER_PROCESS_START), settings: loadConfig({ NODE_ENV: 'test' }) };
    const { owner } = await createWorkspace(deps, { name: 'leaving', owner: { email: 'owner@leaving.test', firstName: 'O', lastName: 'Wner' } });
    const { token } = await createSession(database.db, deps, owner);
    const onB = watchChanges(two.client(token));
    try {
      assert.equal((await onB.next()).kind, 'current');
      // Past a tick or two of B's with nothing written.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const started = performance.now();
      await one.client(token).session.signOut.mutate();
      const error = await Promise.race([onB.ended, new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 3000))]);
      const elapsed = performance.now() - started;
      assert.notEqual(error, 'open', 'the stream on B did not end within 3 s');
      assert.equal(error === 'open' ? null : error?.data?.code, 'UNAUTHORIZED');
      assert.ok(elapsed < 1500, `the stream on B ended after ${Math.round(elapsed)} ms`);
    } finally {
      onB.close();
    }
  });
});

if (testDialect === 'postgres') {
  describe('live change feed on PostgreSQL: NOTIFY, not the poll', () => {
    it('wakes the other server at once though it would not poll for a minute', async () => {
      const own = await createTestDatabase();
      const a = await startTestServer({ databaseUrl: own.url, live: { checkIntervalMs: 60_000 } });
      const b = await startTestServer({ databaseUrl: own.url, live: { checkIntervalMs: 60_000 } });
      try {
        const { admin } = await seedWorkspace(a, 'Notify');
        const onB = watchChanges(b.client(admin.token));
        try {
          assert.equal((await onB.next()).kind, 'current');
          // The LISTEN connection is opened with the first stream; give it a moment to listen.
          await new Promise((resolve) => setTimeout(resolve, 300));
          await admin.client.users.invite.mutate({ email: 'woken@notify.test' });
          assert.deepEqual((await onB.next(1500)).tabs, ['pending']);
        } finally {
          onB.close();
        }
      } finally {
        await a.close();
        await b.close();
        await own.drop();
      }
    });
  });
}
