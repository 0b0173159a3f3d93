import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPantaClient } from '../../shared/client.ts';
import { addActiveUser, seedWorkspace, signIn, startTestServer, type TestServer, testDialect } from '../testing/harness.ts';
import { FetchEventSource } from '../testing/fetch-event-source.ts';
import { watchChanges } from '../testing/live-feed.ts';

describe(`live change feed: who may listen, and for how long (${testDialect})`, () => {
  let server: TestServer;

  before(async () => {
    // The feed's defaults: callers are checked again every second. A handler timeout far shorter
    // than a stream lives, which must not cut it.
    server = await startTestServer({ live: { maxStreamsPerSession: 2, maxStreamsPerServer: 4 }, handlerTimeoutMs: 300 });
  });
  after(() => server.close());

  it('ends the stream of an admin who is demoted (FORBIDDEN), deleted or signed out (UNAUTHORIZED) within a second', async () => {
    const { admin } = await seedWorkspace(server, 'Ends');
    const cases = [
      { email: 'demoted@ends.test', act: (id: string) => admin.client.users.update.mutate({ id, role: 'user' }), code: 'FORBIDDEN' },
      { email: 'deleted@ends.test', act: (id: string) => admin.client.users.delete.mutate({ ids: [id] }), code: 'UNAUTHORIZED' },
      { email: 'leaving@ends.test', act: async (_id: string, client: typeof admin.client) => client.session.signOut.mutate(), code: 'UNAUTHORIZED' },
    ];
    for (const { email, act, code } of cases) {
      const other = await addActiveUser(server, admin, email, 'admin');
      const watcher = watchChanges(other.client);
      try {
        await watcher.next();
        const started = performance.now();
        await act(other.id, other.client);
        const error = await watcher.ended;
        const elapsed = performance.now() - started;
        assert.equal(error?.data?.code, code, email);
        assert.ok(elapsed < 1500, `${email}: the stream ended after ${Math.round(elapsed)} ms`);
      } finally {
        watcher.close();
      }
    }
  });

  it('refuses a stream past the cap per session and per server with TOO_MANY_STREAMS, and takes one again once another closed', async () => {
    const { admin } = await seedWorkspace(server, 'Caps');
    const first = watchChanges(admin.client);
    const second = watchChanges(admin.client);
    await Promise.all([first.next(), second.next()]);
    const third = watchChanges(admin.client);
    const refused = await third.ended;
    assert.equal(refused?.data?.code, 'TOO_MANY_REQUESTS');
    assert.equal(refused?.data?.reason, 'TOO_MANY_STREAMS');

    const other = await signIn(server, admin);
    const fourth = watchChanges(other.client);
    const fifth = watchChanges(other.client);
    await Promise.all([fourth.next(), fifth.next()]);
    const overServer = watchChanges((await signIn(server, admin)).client);
    assert.equal((await overServer.ended)?.data?.reason, 'TOO_MANY_STREAMS');

    first.close();
    await waitFor(() => server.app.management.changeFeed.openStreams === 3);
    const again = watchChanges(admin.client);
    assert.equal((await again.next()).kind, 'current');
    for (const watcher of [second, fourth, fifth, again]) watcher.close();
    await waitFor(() => server.app.management.changeFeed.openStreams === 0);
  });

  it('takes the session from the Authorization header; the token never appears in a URL, and outlives the handler timeout', async () => {
    const { admin } = await seedWorkspace(server, 'Header');
    const requests: { url: string; authorization: string | null }[] = [];
    const spy: typeof fetch = (input, init) => {
      requests.push({ url: String(input instanceof Request ? input.url : input), authorization: new Headers(init?.headers).get('authorization') });
      return fetch(input, init);
    };
    const client = createPantaClient({ url: server.apiUrl, token: admin.token, EventSource: FetchEventSource, fetch: spy });
    const events: string[] = [];
    const subscription = client.users.changes.subscribe(undefined, { onData: ({ data }) => events.push(data.kind) });
    try {
      await waitFor(() => events.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 800));
      await admin.client.users.invite.mutate({ email: 'late@header.test' });
      await waitFor(() => events.length === 2);
      assert.deepEqual(events, ['current', 'change']);
      assert.equal(requests.length, 1, 'one stream, never reconnected');
      assert.equal(requests[0]!.authorization, `Bearer ${admin.token}`);
      assert.ok(!requests[0]!.url.includes(admin.token));
      assert.ok(requests[0]!.url.includes('/users.changes'));
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe(`live change feed: shutdown (${testDialect})`, () => {
  it('closes the server within a second while streams are open', async () => {
    const server = await startTestServer();
    const { admin } = await seedWorkspace(server, 'Shutdown');
    const watchers = [watchChanges(admin.client), watchChanges(admin.client)];
    try {
      await Promise.all(watchers.map((watcher) => watcher.next()));
      const started = performance.now();
      await server.close();
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 1000, `close took ${Math.round(elapsed)} ms`);
      assert.equal(server.app.management.changeFeed.openStreams, 0);
    } finally {
      for (const watcher of watchers) watcher.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    assert.ok(performance.now() < deadline, 'timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
