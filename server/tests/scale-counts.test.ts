import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countActiveAdmins } from '../db/repositories/users.ts';
import { rejectsWith } from '../testing/assertions.ts';
import {
  addActiveUser,
  addPendingUser,
  type SeededPerson,
  seedWorkspace,
  signIn,
  startSeededServer,
  startServersOnOneDatabase,
  type TestServer,
  testDialect,
} from '../testing/harness.ts';
import { csv, upload } from '../testing/spreadsheets.ts';
import { assertCountsReconcile } from '../testing/user-counts.ts';

describe('workspace counters', () => {
  let server: TestServer;
  let admin: SeededPerson;
  let other: SeededPerson;
  const reconcile = (step: string) => assertCountsReconcile(server.database.db, step);

  /** The summary and the list totals, as the element reads them, against the counters' own truth. */
  async function assertSummaryMatchesLists(person: SeededPerson) {
    const summary = await person.client.users.summary.query();
    for (const tab of ['active', 'pending', 'deleted'] as const) {
      for (const role of ['all', 'admin', 'user'] as const) {
        const list = await person.client.users.list.query({ tab, role, limit: 100 });
        assert.ok(list.total <= 100, 'the test workspace fits one page');
        assert.equal(list.total, list.items.length, `${tab}/${role}: the total is the rows`);
        if (role === 'all') assert.equal(summary.counts[tab], list.total, `${tab} count`);
        if (tab === 'active' && role === 'admin') assert.equal(summary.activeAdmins, list.total, 'active admins');
      }
    }
  }

  before(async () => {
    ({ server, admin } = await startSeededServer('Counts'));
    ({ admin: other } = await seedWorkspace(server, 'Elsewhere'));
  });
  after(() => server.close());

  it('start with the owner, and follow invite, accept, edit, delete, restore and purge', async () => {
    await reconcile('creating two workspaces');
    const pending = await addPendingUser(server, admin, 'pending@counts.test', { role: 'admin' });
    await reconcile('an invite');
    const active = await addActiveUser(server, admin, 'active@counts.test', 'user');
    await reconcile('an accept');
    await admin.client.users.update.mutate({ id: active.id, role: 'admin' });
    await reconcile('a promotion');
    await admin.client.users.update.mutate({ id: active.id, firstName: 'Renamed' });
    await reconcile('a rename');
    await admin.client.users.update.mutate({ id: active.id, role: 'user' });
    await reconcile('a demotion');
    server.clock.advance({ minutes: 2 });
    await admin.client.users.resendInvitations.mutate({ ids: [pending.id] });
    await reconcile('a resend');
    await admin.client.users.delete.mutate({ ids: [pending.id, active.id] });
    await reconcile('a delete of a pending admin and an active user');
    await admin.client.users.restore.mutate({ ids: [pending.id] });
    await reconcile('a restore');
    await admin.client.users.purge.mutate({ ids: [active.id] });
    await reconcile('a permanent delete');
    await assertSummaryMatchesLists(admin);
    await assertSummaryMatchesLists(other);
  });

  it('follow a refused write: nothing changes', async () => {
    await rejectsWith(admin.client.users.delete.mutate({ ids: [admin.id] }), { reason: 'SELF_DELETE' });
    await rejectsWith(admin.client.users.invite.mutate({ email: 'pending@counts.test' }), { code: 'CONFLICT' });
    await reconcile('refused writes');
  });

  it('follow the retention purge', async () => {
    const doomed = await addActiveUser(server, admin, 'doomed@counts.test', 'admin');
    await addPendingUser(server, other, 'doomed@elsewhere.test');
    const otherDoomed = await other.client.users.list.query({ tab: 'pending' });
    await admin.client.users.delete.mutate({ ids: [doomed.id] });
    await other.client.users.delete.mutate({ ids: otherDoomed.items.map((item) => item.id) });
    await reconcile('deletes in two workspaces');
    server.clock.advance({ days: 31 });
    assert.equal(await server.app.management.purgeExpired(), 2);
    await reconcile('the retention purge across workspaces');
    // The sessions ran out with the clock.
    admin = await signIn(server, admin);
    other = await signIn(server, other);
    await assertSummaryMatchesLists(admin);
  });

  it('follow concurrent writes of one workspace and the last-admin guard reads them', async () => {
    const admins: SeededPerson[] = [];
    for (const name of ['a', 'b', 'c']) admins.push(await addActiveUser(server, admin, `admin-${name}@counts.test`, 'admin'));
    await reconcile('three admins added');
    // An inviter may lose their rights to a concurrent demotion first, so the test counts the
    // invites that succeeded: each is exactly one pending user, and no email is invited twice.
    const inviters = [admin, ...admins];
    const invites = Array.from({ length: 20 }, (_, index) =>
      inviters[index % inviters.length]!.client.users.invite.mutate({ email: `race${index % 15}@counts.test` }).catch(() => null),
    );
    // Admins demote each other at the same time: the guard (read from the counters) lets some through.
    const demotions = admins.map((person, index) =>
      person.client.users.update.mutate({ id: admins[(index + 1) % admins.length]!.id, role: 'user' }).catch(() => null),
    );
    await Promise.all([...invites, ...demotions]);
    await reconcile('concurrent invites and demotions');
    const real = await countActiveAdmins(server.database.db, admin.workspaceId);
    assert.ok(real >= 1, 'an active admin is left');
    const invited = await admin.client.users.list.query({ tab: 'pending', search: 'race', limit: 100 });
    const invitedEmails = (await Promise.all(invites)).flatMap((user) => (user ? [user.email] : []));
    assert.equal(new Set(invitedEmails).size, invitedEmails.length, 'no email invited twice');
    assert.equal(invited.total, invitedEmails.length, 'each successful invite is one pending user');
    await Promise.all(
      invited.items.map((item, index) =>
        (index % 2 === 0 ? admin.client.users.delete.mutate({ ids: [item.id] }) : admin.client.users.update.mutate({ id: item.id, role: 'admin' })).catch(() => null),
      ),
    );
    await reconcile('concurrent deletes and promotions');
  });

  // Last: its 300 invitations wait in the outbox, and a flush delivers them a batch at a time.
  it('follow a bulk import', async () => {
    const rows = Array.from({ length: 300 }, (_, index) => [`import${index}@counts.test`, `First${index}`, `Last${index}`, index % 10 === 0 ? 'Admin' : ''] as string[]);
    const result = await admin.client.imports.commit.mutate(upload(csv([['Email', 'First name', 'Last name', 'Role'], ...rows])));
    assert.equal(result.invited, 300);
    await reconcile('a bulk import');
    const again = await admin.client.imports.commit.mutate(upload(csv([['Email'], ['import0@counts.test'], ['new@counts.test']])));
    assert.equal(again.invited, 1);
    await reconcile('a second import that skips a row');
  });
});

// Two servers in one process share its thread: on SQLite one would block the thread on the file's
// write lock the other holds (the multi-server test runs SQLite servers as processes). PostgreSQL
// connections wait apart, so the race is real here.
if (testDialect === 'postgres') describe('workspace counters with two servers on one database', () => {
  let first: TestServer;
  let second: TestServer;
  let close: () => Promise<void>;
  before(async () => ({ first, second, close } = await startServersOnOneDatabase()));
  after(() => close());

  it('stay exact while both servers write the same workspaces and purge at once', async () => {
    const { admin } = await seedWorkspace(first, 'Shared');
    const { admin: neighbour } = await seedWorkspace(second, 'Neighbour');
    const onSecond = second.client(admin.token);
    const neighbourOnFirst = first.client(neighbour.token);
    const writes = [];
    for (let index = 0; index < 12; index++) {
      writes.push(admin.client.users.invite.mutate({ email: `one${index}@shared.test`, role: index % 4 === 0 ? 'admin' : 'user' }));
      writes.push(onSecond.users.invite.mutate({ email: `two${index}@shared.test` }));
      writes.push(neighbour.client.users.invite.mutate({ email: `n${index}@neighbour.test` }));
      writes.push(neighbourOnFirst.users.invite.mutate({ email: `m${index}@neighbour.test` }));
    }
    await Promise.all(writes);
    await assertCountsReconcile(first.database.db, 'concurrent invites on two servers');

    const shared = await admin.client.users.list.query({ tab: 'pending', limit: 100 });
    const neighbours = await neighbour.client.users.list.query({ tab: 'pending', limit: 100 });
    await Promise.all([
      admin.client.users.delete.mutate({ ids: shared.items.slice(0, 12).map((item) => item.id) }),
      onSecond.users.delete.mutate({ ids: shared.items.slice(12).map((item) => item.id) }),
      neighbour.client.users.delete.mutate({ ids: neighbours.items.map((item) => item.id) }),
    ]);
    await assertCountsReconcile(first.database.db, 'concurrent deletes on two servers');

    for (const server of [first, second]) server.clock.advance({ days: 31 });
    const purged = await Promise.all([first.app.management.purgeExpired(), second.app.management.purgeExpired()]);
    assert.equal(purged[0] + purged[1], 48, 'each expired user purged once');
    await assertCountsReconcile(first.database.db, 'two retention purges at once');
  });
});
