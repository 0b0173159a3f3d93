import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rejectsWith, rejectsWithoutChange } from '../testing/assertions.ts';
import { addActiveUser, addPendingUser, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

const DAY_MS = 86_400_000;

describe('user lifecycle', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  describe('users.update', () => {
    it('changes role and names and audits before and after', async () => {
      const { admin } = await seedWorkspace(server, 'Edit');
      const user = await addActiveUser(server, admin, 'ed@edit.test', 'user', { firstName: 'Ed', lastName: 'Old' });
      const updated = await admin.client.users.update.mutate({ id: user.id, role: 'admin', lastName: 'New' });
      assert.equal(updated.role, 'admin');
      assert.equal(updated.firstName, 'Ed');
      assert.equal(updated.lastName, 'New');
      const [entry] = (await admin.client.audit.list.query({ targetId: user.id })).items;
      assert.equal(entry?.action, 'user.updated');
      assert.equal(entry?.actorId, admin.id);
      assert.deepEqual(entry?.details, { before: { role: 'user', lastName: 'Old' }, after: { role: 'admin', lastName: 'New' } });

      // The search follows the new name; the promoted user may now manage users.
      const found = await admin.client.users.list.query({ tab: 'active', search: 'new' });
      assert.deepEqual(found.items.map((item) => item.id), [user.id]);
      assert.equal((await user.client.users.summary.query()).counts.active, 2);
    });

    it('an edit that changes nothing writes no audit entry', async () => {
      const { admin } = await seedWorkspace(server, 'Noop');
      const user = await addActiveUser(server, admin, 'flo@noop.test', 'user', { firstName: 'Flo', lastName: 'Same' });
      const before = await admin.client.audit.list.query({ targetId: user.id });
      await admin.client.users.update.mutate({ id: user.id, role: 'user', firstName: 'Flo' });
      assert.equal((await admin.client.audit.list.query({ targetId: user.id })).total, before.total);
    });

    it('edits a pending invitee too', async () => {
      const { admin } = await seedWorkspace(server, 'EditPending');
      const invitee = await admin.client.users.invite.mutate({ email: 'gil@editpending.test' });
      const updated = await admin.client.users.update.mutate({ id: invitee.id, role: 'admin', firstName: 'Gil' });
      assert.equal(updated.role, 'admin');
      assert.equal(updated.status, 'pending');
    });

    it('refuses to edit a user in Recently deleted', async () => {
      const { admin } = await seedWorkspace(server, 'EditDeleted');
      const invitee = await admin.client.users.invite.mutate({ email: 'hugo@editdeleted.test' });
      await admin.client.users.delete.mutate({ ids: [invitee.id] });
      await rejectsWithoutChange(server, () => admin.client.users.update.mutate({ id: invitee.id, firstName: 'Hugo' }), {
        code: 'CONFLICT',
        reason: 'USER_DELETED',
        userId: invitee.id,
      });
    });
  });

  describe('users.delete', () => {
    it('moves the user to Recently deleted with who, when and the purge date', async () => {
      const { admin } = await seedWorkspace(server, 'Delete');
      const user = await addActiveUser(server, admin, 'ida@delete.test');
      const result = await admin.client.users.delete.mutate({ ids: [user.id] });
      assert.deepEqual(result.results, [{ id: user.id, email: user.email, outcome: 'deleted' }]);
      const deleted = await admin.client.users.get.query({ id: user.id });
      const now = server.clock.now().getTime();
      assert.equal(deleted.state, 'deleted');
      assert.equal(deleted.status, 'active');
      assert.equal(deleted.deletedBy?.id, admin.id);
      assert.equal(deleted.deletedAt, new Date(now).toISOString());
      assert.equal(deleted.purgeAt, new Date(now + 30 * DAY_MS).toISOString());
      const summary = await admin.client.users.summary.query();
      assert.deepEqual(summary.counts, { active: 1, pending: 0, deleted: 1 });
      assert.deepEqual(summary.kpis, { invited: 1, completed: 1, pending: 0, completionRate: 100 });
      assert.deepEqual((await admin.client.users.list.query({ tab: 'deleted' })).items.map((item) => item.id), [user.id]);
      assert.equal((await admin.client.audit.list.query({ targetId: user.id })).items[0]?.action, 'user.deleted');
    });

    it('ends access immediately: the deleted admin\'s own session is refused on its next call', async () => {
      const { admin } = await seedWorkspace(server, 'Access');
      const second = await addActiveUser(server, admin, 'jo@access.test', 'admin');
      assert.equal((await second.client.users.summary.query()).counts.active, 2);
      await admin.client.users.delete.mutate({ ids: [second.id] });
      await rejectsWith(second.client.users.summary.query(), { code: 'UNAUTHORIZED', reason: 'NOT_SIGNED_IN' });
      await rejectsWith(second.client.users.invite.mutate({ email: 'sneaky@access.test' }), { code: 'UNAUTHORIZED' });
      assert.equal(await second.client.session.me.query(), null);
      const live = await server.database.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', second.id)
        .where('revoked_at', 'is', null)
        .execute();
      assert.equal(live.length, 0);
    });

    it('ends a standard user\'s session too', async () => {
      const { admin } = await seedWorkspace(server, 'AccessUser');
      const user = await addActiveUser(server, admin, 'kai@accessuser.test');
      await user.client.session.signOut.mutate();
      const again = await addActiveUser(server, admin, 'lou@accessuser.test');
      await admin.client.users.delete.mutate({ ids: [again.id] });
      await rejectsWith(again.client.session.signOut.mutate(), { code: 'UNAUTHORIZED' });
    });

    it('withdraws an open invitation link at once', async () => {
      const { admin } = await seedWorkspace(server, 'Withdraw');
      const invitee = await addPendingUser(server, admin, 'mo@withdraw.test');
      await admin.client.users.delete.mutate({ ids: [invitee.id] });
      await rejectsWith(server.client().invitations.accept.mutate({ token: invitee.token, firstName: 'Mo', lastName: 'M' }), {
        code: 'PRECONDITION_FAILED',
        reason: 'TOKEN_REVOKED',
      });
      assert.equal((await admin.client.users.get.query({ id: invitee.id })).invitationExpiresAt, null);
    });

    it('refuses a user already in Recently deleted', async () => {
      const { admin } = await seedWorkspace(server, 'Twice');
      const invitee = await admin.client.users.invite.mutate({ email: 'nia@twice.test' });
      await admin.client.users.delete.mutate({ ids: [invitee.id] });
      await rejectsWithoutChange(server, () => admin.client.users.delete.mutate({ ids: [invitee.id] }), {
        code: 'CONFLICT',
        reason: 'USER_DELETED',
        userId: invitee.id,
      });
    });
  });

  describe('users.restore', () => {
    it('returns an active user to the active list with their previous role', async () => {
      const { admin } = await seedWorkspace(server, 'Restore');
      const user = await addActiveUser(server, admin, 'ola@restore.test', 'admin');
      await admin.client.users.delete.mutate({ ids: [user.id] });
      const result = await admin.client.users.restore.mutate({ ids: [user.id] });
      assert.deepEqual(result.results, [{ id: user.id, email: user.email, outcome: 'restored' }]);
      const restored = await admin.client.users.get.query({ id: user.id });
      assert.equal(restored.state, 'active');
      assert.equal(restored.role, 'admin');
      assert.equal(restored.deletedAt, null);
      assert.equal(restored.deletedBy, null);
      assert.equal(restored.purgeAt, null);
      assert.equal((await admin.client.audit.list.query({ targetId: user.id })).items[0]?.action, 'user.restored');
      // The sessions the delete ended stay ended: the user signs in again.
      await rejectsWith(user.client.users.summary.query(), { code: 'UNAUTHORIZED' });
    });

    it('returns a pending invitee to pending with no open link: it needs a resend', async () => {
      const { admin } = await seedWorkspace(server, 'RestorePending');
      const invitee = await addPendingUser(server, admin, 'pam@restorepending.test', { role: 'admin' });
      await admin.client.users.delete.mutate({ ids: [invitee.id] });
      await admin.client.users.restore.mutate({ ids: [invitee.id] });
      const restored = await admin.client.users.get.query({ id: invitee.id });
      assert.equal(restored.state, 'pending');
      assert.equal(restored.role, 'admin');
      assert.equal(restored.invitationExpiresAt, null);
      await rejectsWith(server.client().invitations.preview.query({ token: invitee.token }), {
        code: 'PRECONDITION_FAILED',
        reason: 'TOKEN_REVOKED',
      });
      assert.deepEqual((await admin.client.users.summary.query()).counts, { active: 1, pending: 1, deleted: 0 });
    });

    it('only restores from Recently deleted', async () => {
      const { admin } = await seedWorkspace(server, 'RestoreActive');
      const user = await addActiveUser(server, admin, 'ray@restoreactive.test');
      await rejectsWithoutChange(server, () => admin.client.users.restore.mutate({ ids: [user.id] }), {
        code: 'CONFLICT',
        reason: 'NOT_DELETED',
        userId: user.id,
      });
    });
  });

  describe('users.purge', () => {
    it('only from Recently deleted', async () => {
      const { admin } = await seedWorkspace(server, 'PurgeActive');
      const user = await addActiveUser(server, admin, 'sue@purgeactive.test');
      await rejectsWithoutChange(server, () => admin.client.users.purge.mutate({ ids: [user.id] }), {
        code: 'CONFLICT',
        reason: 'NOT_DELETED',
        userId: user.id,
      });
    });

    it('removes the user for good, cannot be undone, and frees the email', async () => {
      const { admin } = await seedWorkspace(server, 'Purge');
      const user = await addActiveUser(server, admin, 'ted@purge.test');
      await admin.client.users.delete.mutate({ ids: [user.id] });
      const result = await admin.client.users.purge.mutate({ ids: [user.id] });
      assert.deepEqual(result.results, [{ id: user.id, email: user.email, outcome: 'purged' }]);

      await rejectsWith(admin.client.users.get.query({ id: user.id }), { code: 'NOT_FOUND', reason: 'USER_NOT_FOUND' });
      await rejectsWith(admin.client.users.restore.mutate({ ids: [user.id] }), { code: 'NOT_FOUND' });
      for (const table of ['invitations', 'sessions'] as const) {
        const rows = await server.database.db.selectFrom(table).select('id').where('user_id', '=', user.id).execute();
        assert.equal(rows.length, 0, `${table} of the purged user remain`);
      }
      assert.deepEqual((await admin.client.users.summary.query()).counts, { active: 1, pending: 0, deleted: 0 });

      // The audit log still reads after the purge.
      const [entry] = (await admin.client.audit.list.query({ targetId: user.id })).items;
      assert.equal(entry?.action, 'user.purged');
      assert.equal(entry?.targetEmail, 'ted@purge.test');

      const again = await admin.client.users.invite.mutate({ email: 'TED@purge.test' });
      assert.notEqual(again.id, user.id);
      assert.equal(again.state, 'pending');
    });

    it('keeps who invited and who deleted others readable after their purge', async () => {
      const { admin } = await seedWorkspace(server, 'Refs');
      const second = await addActiveUser(server, admin, 'uli@refs.test', 'admin');
      const invitee = await second.client.users.invite.mutate({ email: 'vera@refs.test' });
      await admin.client.users.delete.mutate({ ids: [second.id] });
      await admin.client.users.purge.mutate({ ids: [second.id] });
      const user = await admin.client.users.get.query({ id: invitee.id });
      assert.equal(user.invitedBy, null);
      assert.equal(user.state, 'pending');
    });
  });
});
