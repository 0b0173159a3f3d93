import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { rejectsWithoutChange } from '../testing/assertions.ts';
import {
  addActiveUser,
  addPendingUser,
  type SeededPerson,
  seedWorkspace,
  signIn,
  startSeededServer,
  startServersOnOneDatabase,
  type TestServer,
} from '../testing/harness.ts';

/** Each test moves the clock, so each gets its own server. */
describe('retention', () => {
  let server: TestServer;
  let admin: SeededPerson;
  beforeEach(async () => ({ server, admin } = await startSeededServer('Retention')));
  afterEach(() => server.close());

  /** Deletes a new user now; returns them. */
  async function deletedUser(email: string) {
    const user = await addActiveUser(server, admin, email);
    await admin.client.users.delete.mutate({ ids: [user.id] });
    return user;
  }

  async function auditOf(action: string) {
    return server.database.db.selectFrom('audit_log').selectAll().where('action', '=', action as 'user.purged').execute();
  }

  it('defaults to 30 days', async () => {
    const summary = await admin.client.users.summary.query();
    assert.equal(summary.retentionDays, 30);
  });

  it('a deleted user can be restored on day 29', async () => {
    const user = await deletedUser('ann@retention.test');
    server.clock.advance({ days: 29 });
    const fresh = await signIn(server, admin);
    await fresh.client.users.restore.mutate({ ids: [user.id] });
    assert.equal((await fresh.client.users.get.query({ id: user.id })).state, 'active');
  });

  it('a deleted user cannot be restored on day 31, even before the purge job has run', async () => {
    const user = await deletedUser('ben@retention.test');
    server.clock.advance({ days: 31 });
    const fresh = await signIn(server, admin);
    const error = await rejectsWithoutChange(server, () => fresh.client.users.restore.mutate({ ids: [user.id] }), {
      code: 'CONFLICT',
      reason: 'RETENTION_EXPIRED',
      userId: user.id,
    });
    assert.match(error.message, /retention/);
  });

  it('the window closes exactly RETENTION_DAYS after the delete', async () => {
    const user = await deletedUser('cat@retention.test');
    server.clock.advance({ days: 30 });
    const fresh = await signIn(server, admin);
    await rejectsWithoutChange(server, () => fresh.client.users.restore.mutate({ ids: [user.id] }), { reason: 'RETENTION_EXPIRED' });
    assert.equal(await server.app.management.purgeExpired(), 1);
  });

  it('the purge job removes nobody on day 29', async () => {
    const user = await deletedUser('dee@retention.test');
    server.clock.advance({ days: 29 });
    assert.equal(await server.app.management.purgeExpired(), 0);
    const fresh = await signIn(server, admin);
    assert.equal((await fresh.client.users.get.query({ id: user.id })).state, 'deleted');
    assert.equal((await auditOf('user.purged_by_retention')).length, 0);
  });

  it('the purge job removes the user on day 31, audited as the system, and is idempotent', async () => {
    const user = await deletedUser('eli@retention.test');
    const keptPending = await addPendingUser(server, admin, 'fin@retention.test');
    server.clock.advance({ days: 31 });
    assert.equal(await server.app.management.purgeExpired(), 1);
    assert.equal(await server.app.management.purgeExpired(), 0);

    const fresh = await signIn(server, admin);
    await rejectsWithoutChange(server, () => fresh.client.users.get.query({ id: user.id }), { code: 'NOT_FOUND' });
    assert.equal((await fresh.client.users.get.query({ id: keptPending.id })).state, 'pending');
    const summary = await fresh.client.users.summary.query();
    assert.deepEqual(summary.counts, { active: 1, pending: 1, deleted: 0 });

    const [entry] = (await fresh.client.audit.list.query({ targetId: user.id })).items;
    assert.equal(entry?.action, 'user.purged_by_retention');
    assert.equal(entry?.actorId, null);
    assert.equal(entry?.targetEmail, 'eli@retention.test');
    assert.equal(entry?.createdAt, server.clock.now().toISOString());
    assert.equal((await auditOf('user.purged_by_retention')).length, 1);

    // The email is free again.
    await fresh.client.users.invite.mutate({ email: 'eli@retention.test' });
  });

  it('only removes users whose own window has run out', async () => {
    const early = await deletedUser('gia@retention.test');
    server.clock.advance({ days: 10 });
    const fresh = await signIn(server, admin);
    const late = await addActiveUser(server, fresh, 'hal@retention.test');
    await fresh.client.users.delete.mutate({ ids: [late.id] });
    server.clock.advance({ days: 21 });
    assert.equal(await server.app.management.purgeExpired(), 1);
    const now = await signIn(server, admin);
    const deleted = await now.client.users.list.query({ tab: 'deleted' });
    assert.deepEqual(deleted.items.map((item) => item.id), [late.id]);
    assert.notEqual(early.id, late.id);
  });

  it('two purges running at once record each user exactly once', async () => {
    const users = await Promise.all(['ian', 'jay', 'kit'].map((name) => addActiveUser(server, admin, `${name}@retention.test`)));
    await admin.client.users.delete.mutate({ ids: users.map((user) => user.id) });
    server.clock.advance({ days: 31 });
    const counts = await Promise.all([server.app.management.purgeExpired(), server.app.management.purgeExpired()]);
    assert.equal(counts[0] + counts[1], 3);
    const entries = await auditOf('user.purged_by_retention');
    assert.deepEqual(entries.map((entry) => entry.target_id).sort(), users.map((user) => user.id).sort());
  });

  it('RETENTION_DAYS is configurable', async () => {
    await server.close();
    ({ server, admin } = await startSeededServer('Short', { retentionDays: 3 }));
    const user = await deletedUser('lee@short.test');
    assert.equal(
      (await admin.client.users.get.query({ id: user.id })).purgeAt,
      new Date(server.clock.now().getTime() + 3 * 86_400_000).toISOString(),
    );
    server.clock.advance({ days: 2 });
    assert.equal(await server.app.management.purgeExpired(), 0);
    server.clock.advance({ days: 1 });
    assert.equal(await server.app.management.purgeExpired(), 1);
  });
});

describe('retention purge from two servers on one database', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(() => close?.());

  // better-sqlite3 waits for a lock synchronously, so two connections of one process cannot hold
  // overlapping write transactions: the servers take turns here; the DELETE … RETURNING decides.
  // (multi-server.test.ts runs two purges at the same moment from two server processes.)
  it('records each user once', async () => {
    const { first, second, ...started } = await startServersOnOneDatabase();
    close = started.close;
    const { admin } = await seedWorkspace(first, 'Shared');
    const users = await Promise.all(['mia', 'ned', 'ola', 'pat'].map((name) => addActiveUser(first, admin, `${name}@shared.test`)));
    await admin.client.users.delete.mutate({ ids: users.map((user) => user.id) });
    first.clock.advance({ days: 31 });
    second.clock.advance({ days: 31 });

    assert.equal(await second.app.management.purgeExpired(), 4);
    assert.equal(await first.app.management.purgeExpired(), 0);
    const entries = await second.database.db.selectFrom('audit_log').select('target_id').where('action', '=', 'user.purged_by_retention').execute();
    assert.deepEqual(entries.map((entry) => entry.target_id).sort(), users.map((user) => user.id).sort());
  });
});
