import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LiveEvent } from '../../shared/live.ts';
import { failInsertOfUser } from '../testing/faults.ts';
import { addActiveUser, addPendingUser, type SeededPerson, seedWorkspace, startTestServer, type TestServer, testDialect } from '../testing/harness.ts';
import { type FeedWatcher, watchChanges } from '../testing/live-feed.ts';
import { csv, upload } from '../testing/spreadsheets.ts';

/** Long enough for several of the feed's checks (every 100 ms here): a duplicate event would show. */
const QUIET_MS = 400;

describe(`live change feed (${testDialect})`, () => {
  let server: TestServer;

  before(async () => {
    // Sessions outlive the retention window: the retention purge below moves the clock past it.
    server = await startTestServer({ live: { checkIntervalMs: 100, maxStreamsPerSession: 3 }, sessionTtlHours: 24 * 365 });
  });
  after(() => server.close());

  /** The figures `users.summary` gives now, as an event carries them. */
  const figures = async (admin: SeededPerson) => {
    const { kpis, counts, activeAdmins } = await admin.client.users.summary.query();
    return { kpis, counts, activeAdmins };
  };

  /** Each watcher gets exactly one `change` event naming these tabs, with the figures now. */
  async function expectOneChange(admin: SeededPerson, watchers: FeedWatcher[], tabs: LiveEvent['tabs']) {
    const now = await figures(admin);
    for (const watcher of watchers) {
      const event = await watcher.next();
      assert.equal(event.kind, 'change');
      assert.deepEqual([...event.tabs].sort(), [...tabs].sort());
      assert.deepEqual({ kpis: event.kpis, counts: event.counts, activeAdmins: event.activeAdmins }, now);
    }
    await Promise.all(watchers.map((watcher) => watcher.quiet(QUIET_MS)));
  }

  it('opens with the figures now, then gives every subscriber exactly one event per change, with the new figures and the tabs touched', async () => {
    const { admin } = await seedWorkspace(server, 'Kinds');
    const watchers = [watchChanges(admin.client), watchChanges(admin.client)];
    try {
      for (const watcher of watchers) {
        const first = await watcher.next();
        assert.equal(first.kind, 'current');
        assert.deepEqual(first.tabs, []);
        assert.deepEqual({ kpis: first.kpis, counts: first.counts, activeAdmins: first.activeAdmins }, await figures(admin));
      }

      const invited = await addPendingUser(server, admin, 'pat@kinds.test');
      await expectOneChange(admin, watchers, ['pending']);

      await server.client().invitations.accept.mutate({ token: invited.token, firstName: 'Pat', lastName: 'Ending' });
      await expectOneChange(admin, watchers, ['pending', 'active']);

      await admin.client.users.update.mutate({ id: invited.id, lastName: 'Renamed' });
      await expectOneChange(admin, watchers, ['active']);

      const waiting = await admin.client.users.invite.mutate({ email: 'wait@kinds.test' });
      await expectOneChange(admin, watchers, ['pending']);
      server.clock.advance({ minutes: 2 });
      await admin.client.users.resendInvitations.mutate({ ids: [waiting.id] });
      await expectOneChange(admin, watchers, ['pending']);

      await admin.client.users.delete.mutate({ ids: [invited.id, waiting.id] });
      await expectOneChange(admin, watchers, ['active', 'pending', 'deleted']);

      await admin.client.users.restore.mutate({ ids: [waiting.id] });
      await expectOneChange(admin, watchers, ['pending', 'deleted']);

      await admin.client.users.purge.mutate({ ids: [invited.id] });
      await expectOneChange(admin, watchers, ['deleted']);

      await admin.client.users.delete.mutate({ ids: [waiting.id] });
      await expectOneChange(admin, watchers, ['pending', 'deleted']);
      server.clock.advance({ days: server.config.retentionDays + 1 });
      assert.equal(await server.app.management.purgeExpired(), 1);
      await expectOneChange(admin, watchers, ['deleted']);

      const file = upload(csv([['Email'], ['one@kinds.test'], ['two@kinds.test']]));
      const result = await admin.client.imports.commit.mutate(file);
      assert.equal(result.invited, 2);
      await expectOneChange(admin, watchers, ['pending']);

      // A call that changes nothing announces nothing.
      await admin.client.users.update.mutate({ id: admin.id, firstName: 'Olivia' });
      await Promise.all(watchers.map((watcher) => watcher.quiet(QUIET_MS)));
    } finally {
      for (const watcher of watchers) watcher.close();
    }
  });

  it('announces no write that rolled back', async () => {
    const { admin } = await seedWorkspace(server, 'Rollback');
    const watcher = watchChanges(admin.client);
    try {
      await watcher.next();
      const undo = await failInsertOfUser(server.database, 'second@rollback.test');
      try {
        const file = upload(csv([['Email'], ['first@rollback.test'], ['second@rollback.test']]));
        await assert.rejects(admin.client.imports.commit.mutate(file));
      } finally {
        await undo();
      }
      assert.equal((await admin.client.users.summary.query()).counts.pending, 0);
      await watcher.quiet(QUIET_MS);
    } finally {
      watcher.close();
    }
  });

  it('resumes from the lastEventId: the tabs changed since, nothing when nothing changed, a resync for a revision it never gave', async () => {
    const { admin } = await seedWorkspace(server, 'Resume');
    const first = watchChanges(admin.client);
    const opened = await first.next();
    first.close();
    const user = await addActiveUser(server, admin, 'sam@resume.test');
    await admin.client.users.update.mutate({ id: user.id, firstName: 'Samuel' });

    const resumed = watchChanges(admin.client, { lastEventId: opened.revision });
    const missed = await resumed.next();
    assert.equal(missed.kind, 'change');
    assert.deepEqual([...missed.tabs].sort(), ['active', 'pending']);
    assert.equal(missed.counts.active, 2);
    assert.ok(Number(missed.revision) > Number(opened.revision));
    resumed.close();

    const upToDate = watchChanges(admin.client, { lastEventId: missed.revision });
    await upToDate.quiet(QUIET_MS);
    await admin.client.users.update.mutate({ id: user.id, firstName: 'Sam' });
    const next = await upToDate.next();
    assert.equal(next.kind, 'change');
    assert.deepEqual(next.tabs, ['active']);
    upToDate.close();

    for (const lastEventId of [String(Number(next.revision) + 1000), 'not-a-revision']) {
      const stranger = watchChanges(admin.client, { lastEventId });
      const event = await stranger.next();
      assert.equal(event.kind, 'resync', lastEventId);
      assert.deepEqual([...event.tabs].sort(), ['active', 'deleted', 'pending']);
      assert.equal(event.revision, next.revision);
      stranger.close();
    }
  });

  it("never shows one workspace's changes to another's admins", async () => {
    const { admin: acme } = await seedWorkspace(server, 'IsoAcme');
    const { admin: globex } = await seedWorkspace(server, 'IsoGlobex');
    const acmeWatcher = watchChanges(acme.client);
    const globexWatcher = watchChanges(globex.client);
    try {
      await acmeWatcher.next();
      await globexWatcher.next();
      await acme.client.users.invite.mutate({ email: 'only@acme.test' });
      await expectOneChange(acme, [acmeWatcher], ['pending']);
      await globexWatcher.quiet(QUIET_MS);
    } finally {
      acmeWatcher.close();
      globexWatcher.close();
    }
  });
});
