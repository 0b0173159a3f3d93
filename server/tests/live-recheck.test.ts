import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KyselyPlugin, PluginTransformQueryArgs, RootOperationNode } from 'kysely';
import { ChangeFeed } from '../live/change-feed.ts';
import type { Caller } from '../services/actor.ts';
import { identityFromSessionToken, loadCaller } from '../services/sessions.ts';
import { seedWorkspace, startTestServer, type TestServer, testDialect } from '../testing/harness.ts';

/** The caller as a stream of theirs sees them: with the session their token names. */
const callerOf = async (server: TestServer, token: string) => (await loadCaller(server.deps, (await identityFromSessionToken(server.deps, token))!)) as Caller;

/** Counts the statements that read the sessions table. */
class SessionReads implements KyselyPlugin {
  count = 0;
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes('"sessions"')) this.count++;
    return node;
  }
  async transformResult<T>({ result }: { result: T }): Promise<T> {
    return result;
  }
}

describe(`live change feed: what the once-a-second check reads (${testDialect})`, () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ live: { checkIntervalMs: 100 } });
  });
  after(() => server.close());

  it(
    testDialect === 'sqlite'
      ? 'reads no session again while nothing in the database changed, and every one once anything did'
      : 'reads every session again every interval (PostgreSQL has no change marker)',
    async () => {
      const { admin } = await seedWorkspace(server, 'Marker');
      const caller = await callerOf(server, admin.token);
      assert.ok(caller.sessionId);
      const reads = new SessionReads();
      const feed = new ChangeFeed({ db: server.database.db.withPlugin(reads), clock: server.clock, settings: { checkIntervalMs: 100 }, onError: (error) => assert.fail(error as Error) });
      const subscription = feed.open(caller, null);
      try {
        assert.equal((await subscription.next()).kind, 'current');
        // The first tick after a stream opened checks it in full.
        await sleep(250);
        const settled = reads.count;
        assert.ok(settled >= 1, 'the first tick read the session');
        await sleep(550);
        if (testDialect === 'sqlite') assert.equal(reads.count, settled, 'five ticks with nothing written read no session');
        else assert.ok(reads.count >= settled + 4, `${reads.count - settled} reads in five ticks`);
        // Any write (here one that does not touch the session, another process's would do as well) brings a full check.
        await admin.client.users.invite.mutate({ email: 'moved@marker.test' });
        await sleep(250);
        assert.ok(reads.count > settled, 'a tick after a write read the session');
        assert.equal(subscription.ended, false);
      } finally {
        feed.release(subscription);
        await feed.close();
      }
    },
  );

  it('ends the stream of a session that expired though nothing was written, within a second', async () => {
    const { admin } = await seedWorkspace(server, 'Expiry');
    const caller = await callerOf(server, admin.token);
    const feed = server.app.management.changeFeed;
    const subscription = feed.open(caller, null);
    try {
      assert.equal((await subscription.next()).kind, 'current');
      await sleep(300);
      assert.equal(subscription.ended, false);
      server.clock.advance({ hours: server.config.sessionTtlHours, minutes: 1 });
      const started = performance.now();
      const late = sleep(1500).then(() => assert.fail('the stream did not end within 1.5 s'));
      await assert.rejects(Promise.race([subscription.next(), late]), (error: { code?: string }) => error.code === 'UNAUTHORIZED');
      assert.ok(performance.now() - started < 1000, `ended after ${Math.round(performance.now() - started)} ms`);
    } finally {
      feed.release(subscription);
    }
  });
});
