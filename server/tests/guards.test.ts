import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rejectsWith, rejectsWithoutChange, unknownId } from '../testing/assertions.ts';
import { addActiveUser, addPendingUser, type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';
import { activeAdminIds } from '../testing/users.ts';

describe('guards', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  async function activeAdmins(admin: SeededPerson) {
    const list = await admin.client.users.list.query({ tab: 'active', role: 'admin' });
    return list.items;
  }

  it('an admin cannot delete themselves', async () => {
    const { admin } = await seedWorkspace(server, 'SelfDelete');
    await addActiveUser(server, admin, 'second@selfdelete.test', 'admin');
    const error = await rejectsWithoutChange(server, () => admin.client.users.delete.mutate({ ids: [admin.id] }), {
      code: 'CONFLICT',
      reason: 'SELF_DELETE',
      userId: admin.id,
    });
    assert.match(error.message, /yourself/);
  });

  it('an admin cannot demote themselves, even with another admin present', async () => {
    const { admin } = await seedWorkspace(server, 'SelfDemote');
    await addActiveUser(server, admin, 'second@selfdemote.test', 'admin');
    const error = await rejectsWithoutChange(server, () => admin.client.users.update.mutate({ id: admin.id, role: 'user' }), {
      code: 'CONFLICT',
      reason: 'SELF_DEMOTE',
      userId: admin.id,
    });
    assert.match(error.message, /your own admin role/);
    // Their own names are theirs to edit.
    const renamed = await admin.client.users.update.mutate({ id: admin.id, firstName: 'Olive' });
    assert.equal(renamed.firstName, 'Olive');
  });

  it("an active user's names cannot be emptied; a pending user's can", async () => {
    const { admin } = await seedWorkspace(server, 'Names');
    const active = await addActiveUser(server, admin, 'ada@names.test', 'user', { firstName: 'Ada', lastName: 'Lovelace' });
    for (const input of [{ firstName: '   ' }, { lastName: '' }, { firstName: '', lastName: 'Byron' }]) {
      const error = await rejectsWithoutChange(server, () => admin.client.users.update.mutate({ id: active.id, ...input }), {
        code: 'BAD_REQUEST',
        reason: 'NAME_REQUIRED',
        userId: active.id,
      });
      assert.match(error.message, /first and a last name are required/);
    }
    assert.equal((await admin.client.users.update.mutate({ id: active.id, lastName: ' King ' })).lastName, 'King');
    const pending = await addPendingUser(server, admin, 'pia@names.test', { firstName: 'Pia', lastName: 'Pending' });
    const cleared = await admin.client.users.update.mutate({ id: pending.id, firstName: '', lastName: ' ' });
    assert.deepEqual([cleared.firstName, cleared.lastName], ['', '']);
  });

  it('the sole admin can neither delete nor demote themselves: the workspace keeps an admin', async () => {
    const { admin, workspaceId } = await seedWorkspace(server, 'Sole');
    await rejectsWith(admin.client.users.delete.mutate({ ids: [admin.id] }), { code: 'CONFLICT' });
    await rejectsWith(admin.client.users.update.mutate({ id: admin.id, role: 'user' }), { code: 'CONFLICT' });
    assert.deepEqual(await activeAdminIds(server.database.db, workspaceId), [admin.id]);
  });

  it('a second admin can be demoted, and then the first is the last one and keeps the role', async () => {
    const { admin, workspaceId } = await seedWorkspace(server, 'Demote');
    const second = await addActiveUser(server, admin, 'second@demote.test', 'admin');
    await second.client.users.update.mutate({ id: admin.id, role: 'user' });
    assert.deepEqual(await activeAdminIds(server.database.db, workspaceId), [second.id]);
    // The demoted admin has lost their rights; the remaining one cannot step down.
    await rejectsWith(admin.client.users.update.mutate({ id: second.id, role: 'user' }), { code: 'FORBIDDEN' });
    await rejectsWith(second.client.users.update.mutate({ id: second.id, role: 'user' }), { code: 'CONFLICT', reason: 'SELF_DEMOTE' });
    await rejectsWith(second.client.users.delete.mutate({ ids: [second.id] }), { code: 'CONFLICT', reason: 'SELF_DELETE' });
    assert.deepEqual(await activeAdminIds(server.database.db, workspaceId), [second.id]);
  });

  it('a second admin can be deleted, and the remaining one cannot leave', async () => {
    const { admin, workspaceId } = await seedWorkspace(server, 'DeleteAdmin');
    const second = await addActiveUser(server, admin, 'second@deleteadmin.test', 'admin');
    await admin.client.users.delete.mutate({ ids: [second.id] });
    await rejectsWith(admin.client.users.delete.mutate({ ids: [admin.id] }), { code: 'CONFLICT', reason: 'SELF_DELETE' });
    assert.deepEqual(await activeAdminIds(server.database.db, workspaceId), [admin.id]);
    assert.equal((await activeAdmins(admin)).length, 1);
  });

  it('a pending admin does not count as an admin who could take over', async () => {
    const { admin, workspaceId } = await seedWorkspace(server, 'PendingAdmin');
    const invitee = await addPendingUser(server, admin, 'later@pendingadmin.test', { role: 'admin' });
    await rejectsWith(admin.client.users.update.mutate({ id: admin.id, role: 'user' }), { code: 'CONFLICT' });
    // Demoting or deleting the pending admin is fine: they hold no access yet.
    await admin.client.users.update.mutate({ id: invitee.id, role: 'user' });
    await admin.client.users.delete.mutate({ ids: [invitee.id] });
    assert.deepEqual(await activeAdminIds(server.database.db, workspaceId), [admin.id]);
  });

  it('two admins demoting each other at the same moment cannot both succeed', async () => {
    const { admin, workspaceId } = await seedWorkspace(server, 'RaceDemote');
    const second = await addActiveUser(server, admin, 'second@racedemote.test', 'admin');
    const outcomes = await Promise.allSettled([
      admin.client.users.update.mutate({ id: second.id, role: 'user' }),
      second.client.users.update.mutate({ id: admin.id, role: 'user' }),
    ]);
    assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
    // The loser is refused either as no longer an admin or by the last-admin guard.
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    assert.ok(['FORBIDDEN', 'CONFLICT'].includes(refused?.reason?.data?.code), String(refused?.reason));
    assert.equal((await activeAdminIds(server.database.db, workspaceId)).length, 1);
  });

  it('two admins deleting each other at the same moment cannot both succeed', async () => {
    const { admin, workspaceId } = await seedWorkspace(server, 'RaceDelete');
    const second = await addActiveUser(server, admin, 'second@racedelete.test', 'admin');
    const outcomes = await Promise.allSettled([
      admin.client.users.delete.mutate({ ids: [second.id] }),
      second.client.users.delete.mutate({ ids: [admin.id] }),
    ]);
    assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
    assert.equal((await activeAdminIds(server.database.db, workspaceId)).length, 1);
  });

  it('three admins demoting each other in a ring leave at least one admin', async () => {
    const { admin, workspaceId } = await seedWorkspace(server, 'Ring');
    const second = await addActiveUser(server, admin, 'second@ring.test', 'admin');
    const third = await addActiveUser(server, admin, 'third@ring.test', 'admin');
    await Promise.allSettled([
      admin.client.users.update.mutate({ id: second.id, role: 'user' }),
      second.client.users.update.mutate({ id: third.id, role: 'user' }),
      third.client.users.update.mutate({ id: admin.id, role: 'user' }),
    ]);
    assert.ok((await activeAdminIds(server.database.db, workspaceId)).length >= 1);
  });

  describe('a bulk call where one user is refused refuses the whole call, names that user and changes nothing', () => {
    it('delete including yourself', async () => {
      const { admin } = await seedWorkspace(server, 'BulkSelf');
      const user = await addActiveUser(server, admin, 'a@bulkself.test');
      await rejectsWithoutChange(server, () => admin.client.users.delete.mutate({ ids: [user.id, admin.id] }), {
        code: 'CONFLICT',
        reason: 'SELF_DELETE',
        userId: admin.id,
      });
      assert.equal((await admin.client.users.get.query({ id: user.id })).state, 'active');
    });

    it('delete including a user already deleted', async () => {
      const { admin } = await seedWorkspace(server, 'BulkDeleted');
      const user = await addActiveUser(server, admin, 'a@bulkdeleted.test');
      const gone = await admin.client.users.invite.mutate({ email: 'b@bulkdeleted.test' });
      await admin.client.users.delete.mutate({ ids: [gone.id] });
      await rejectsWithoutChange(server, () => admin.client.users.delete.mutate({ ids: [user.id, gone.id] }), {
        code: 'CONFLICT',
        reason: 'USER_DELETED',
        userId: gone.id,
        email: 'b@bulkdeleted.test',
      });
    });

    it('delete including an unknown id', async () => {
      const { admin } = await seedWorkspace(server, 'BulkUnknown');
      const user = await addActiveUser(server, admin, 'a@bulkunknown.test');
      const missing = unknownId();
      await rejectsWithoutChange(server, () => admin.client.users.delete.mutate({ ids: [user.id, missing] }), {
        code: 'NOT_FOUND',
        reason: 'USER_NOT_FOUND',
        userId: missing,
      });
    });

    it('restore including a user who is not deleted', async () => {
      const { admin } = await seedWorkspace(server, 'BulkRestore');
      const gone = await admin.client.users.invite.mutate({ email: 'a@bulkrestore.test' });
      const here = await admin.client.users.invite.mutate({ email: 'b@bulkrestore.test' });
      await admin.client.users.delete.mutate({ ids: [gone.id] });
      await rejectsWithoutChange(server, () => admin.client.users.restore.mutate({ ids: [gone.id, here.id] }), {
        code: 'CONFLICT',
        reason: 'NOT_DELETED',
        userId: here.id,
      });
    });

    it('purge including a user who is not deleted', async () => {
      const { admin } = await seedWorkspace(server, 'BulkPurge');
      const gone = await admin.client.users.invite.mutate({ email: 'a@bulkpurge.test' });
      const here = await admin.client.users.invite.mutate({ email: 'b@bulkpurge.test' });
      await admin.client.users.delete.mutate({ ids: [gone.id] });
      await rejectsWithoutChange(server, () => admin.client.users.purge.mutate({ ids: [gone.id, here.id] }), {
        code: 'CONFLICT',
        reason: 'NOT_DELETED',
        userId: here.id,
      });
    });

    it('a bulk call that passes acts on every user once, even when an id repeats', async () => {
      const { admin } = await seedWorkspace(server, 'BulkOk');
      const a = await admin.client.users.invite.mutate({ email: 'a@bulkok.test' });
      const b = await admin.client.users.invite.mutate({ email: 'b@bulkok.test' });
      const result = await admin.client.users.delete.mutate({ ids: [a.id, b.id, a.id] });
      assert.deepEqual(result.results.map((row) => row.id), [a.id, b.id]);
      assert.equal((await admin.client.users.summary.query()).counts.deleted, 2);
    });
  });
});
