import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LiveEvent } from '../../shared/live.ts';
import type { Caller } from '../services/actor.ts';
import { loadCaller } from '../services/sessions.ts';
import { addPendingUser, seedWorkspace, startTestServer, type TestServer, testDialect } from '../testing/harness.ts';

describe(`live change feed: one change to many streams (${testDialect})`, () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ live: { checkIntervalMs: 100 } });
  });
  after(() => server.close());

  it('hands every subscriber of a workspace the same event for one change, so it is serialised once for all of them', async () => {
    const { admin } = await seedWorkspace(server, 'Fanout');
    const caller = (await loadCaller(server.deps, { workspaceId: admin.workspaceId, userId: admin.id })) as Caller;
    const feed = server.app.management.changeFeed;
    const subscriptions = [feed.open(caller, null), feed.open(caller, null), feed.open(caller, null)];
    try {
      const current = await Promise.all(subscriptions.map((subscription) => subscription.next()));
      assert.deepEqual(current.map((event) => event.kind), ['current', 'current', 'current']);
      await addPendingUser(server, admin, 'one@fanout.test');
      const [first, ...others] = await Promise.all(subscriptions.map((subscription) => subscription.next()));
      assert.equal(first!.kind, 'change');
      for (const event of others) assert.equal(event, first, 'the same event object');
    } finally {
      for (const subscription of subscriptions) feed.release(subscription);
    }
  });

  it("writes the stream in tRPC's Server-Sent Events framing, which the element and tRPC's client read", async () => {
    const { admin } = await seedWorkspace(server, 'Framing');
    const abort = new AbortController();
    const response = await fetch(`${server.apiUrl}/users.changes`, { headers: { authorization: `Bearer ${admin.token}` }, signal: abort.signal });
    try {
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/event-stream');
      assert.equal(response.headers.get('cache-control'), 'no-cache, no-transform');
      assert.equal(response.headers.get('x-accel-buffering'), 'no');
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      /** Reads until `count` messages (each ends with a blank line and a newline) have come. */
      const messages = async (count: number) => {
        while (text.split('\n\n\n').length - 1 < count) text += (await reader.read()).value ?? '';
        return text.split('\n\n\n').slice(0, count);
      };
      const [connected, current] = await messages(2);
      assert.equal(connected, 'event: connected\ndata: {"reconnectAfterInactivityMs":40000}');
      const opening = /^data: (.*)\nid: (\d+)$/.exec(current!);
      assert.ok(opening, current);
      assert.equal((JSON.parse(opening[1]!) as LiveEvent).kind, 'current');
      assert.equal((JSON.parse(opening[1]!) as LiveEvent).revision, opening[2]);

      await addPendingUser(server, admin, 'two@framing.test');
      const change = /^data: (.*)\nid: (\d+)$/.exec((await messages(3))[2]!);
      assert.ok(change);
      const event = JSON.parse(change[1]!) as LiveEvent;
      assert.deepEqual({ kind: event.kind, tabs: event.tabs, revision: event.revision }, { kind: 'change', tabs: ['pending'], revision: change[2] });
      assert.ok(Number(change[2]) > Number(opening[2]));
    } finally {
      abort.abort();
    }
  });
});
