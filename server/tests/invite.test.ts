import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashToken } from '../tokens.ts';
import { rejectsWith, rejectsWithoutChange, snapshotDatabase } from '../testing/assertions.ts';
import { addActiveUser, addPendingUser, invitationTokenFor, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

describe('users.invite', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('creates a pending Standard user by default, invited by the caller', async () => {
    const { admin } = await seedWorkspace(server, 'Defaults');
    const user = await admin.client.users.invite.mutate({ email: '  ada@defaults.test  ' });
    assert.equal(user.email, 'ada@defaults.test');
    assert.equal(user.role, 'user');
    assert.equal(user.status, 'pending');
    assert.equal(user.state, 'pending');
    assert.equal(user.invitedBy?.id, admin.id);
    assert.equal(user.invitedAt, server.clock.now().toISOString());
    assert.equal(user.invitationSendCount, 1);
    assert.equal(user.lastInvitationSentAt, server.clock.now().toISOString());
    assert.equal(user.onboardedAt, null);
    assert.equal(user.invitationExpiresAt, new Date(server.clock.now().getTime() + 7 * 86_400_000).toISOString());
  });

  it('invites an admin when asked to', async () => {
    const { admin } = await seedWorkspace(server, 'Roles');
    const user = await admin.client.users.invite.mutate({ email: 'boss@roles.test', role: 'admin', firstName: ' Bea ', lastName: 'Boss' });
    assert.equal(user.role, 'admin');
    assert.equal(user.firstName, 'Bea');
  });

  it('raises the Invited and Pending KPIs by one', async () => {
    const { admin } = await seedWorkspace(server, 'Kpis');
    const before = await admin.client.users.summary.query();
    await admin.client.users.invite.mutate({ email: 'new@kpis.test' });
    const after = await admin.client.users.summary.query();
    assert.deepEqual(before.kpis, { invited: 1, completed: 1, pending: 0, completionRate: 100 });
    assert.deepEqual(after.kpis, { invited: 2, completed: 1, pending: 1, completionRate: 50 });
    assert.deepEqual(after.counts, { active: 1, pending: 1, deleted: 0 });
  });

  describe('refuses an email that already exists, saying where, and changes nothing', () => {
    it('an active user (case-insensitive, trimmed)', async () => {
      const { admin } = await seedWorkspace(server, 'TakenActive');
      const active = await addActiveUser(server, admin, 'Carla@TakenActive.test');
      const error = await rejectsWithoutChange(server, () => admin.client.users.invite.mutate({ email: '  carla@takenactive.TEST ' }), {
        code: 'CONFLICT',
        reason: 'EMAIL_TAKEN_ACTIVE',
        userId: active.id,
      });
      assert.match(error.message, /active/);
    });

    it('the owner admin, whatever the case', async () => {
      const { admin } = await seedWorkspace(server, 'TakenOwner');
      await rejectsWith(admin.client.users.invite.mutate({ email: admin.email.toUpperCase() }), {
        code: 'CONFLICT',
        reason: 'EMAIL_TAKEN_ACTIVE',
      });
    });

    it('a pending invitation', async () => {
      const { admin } = await seedWorkspace(server, 'TakenPending');
      const pending = await admin.client.users.invite.mutate({ email: 'dan@takenpending.test' });
      const error = await rejectsWithoutChange(server, () => admin.client.users.invite.mutate({ email: 'DAN@TakenPending.test' }), {
        code: 'CONFLICT',
        reason: 'EMAIL_TAKEN_PENDING',
        userId: pending.id,
      });
      assert.match(error.message, /pending/);
    });

    it('a user in Recently deleted: restore instead', async () => {
      const { admin } = await seedWorkspace(server, 'TakenDeleted');
      const gone = await admin.client.users.invite.mutate({ email: 'eve@takendeleted.test' });
      await admin.client.users.delete.mutate({ ids: [gone.id] });
      const error = await rejectsWithoutChange(server, () => admin.client.users.invite.mutate({ email: 'Eve@TakenDeleted.test' }), {
        code: 'CONFLICT',
        reason: 'EMAIL_TAKEN_DELETED',
        userId: gone.id,
      });
      assert.match(error.message, /Recently deleted/);
      assert.match(error.message, /restore/);
    });

    it('an address that differs only in Unicode normalisation', async () => {
      const { admin } = await seedWorkspace(server, 'Unicode');
      await admin.client.users.invite.mutate({ email: 'j\u00fcrgen@unicode.test' });
      await rejectsWith(admin.client.users.invite.mutate({ email: 'J\u0075\u0308rgen@unicode.test' }), {
        code: 'CONFLICT',
        reason: 'EMAIL_TAKEN_PENDING',
      });
    });
  });

  it('allows the same email in another workspace', async () => {
    const a = await seedWorkspace(server, 'WorkspaceOne');
    const b = await seedWorkspace(server, 'WorkspaceTwo');
    await a.admin.client.users.invite.mutate({ email: 'shared@example.test' });
    const inB = await b.admin.client.users.invite.mutate({ email: 'shared@example.test' });
    assert.equal(inB.state, 'pending');
  });

  describe('the one-time link', () => {
    it('carries at least 128 bits and is stored only as its hash', async () => {
      const { admin } = await seedWorkspace(server, 'Hashes');
      const invitee = await addPendingUser(server, admin, 'fay@hashes.test');
      assert.ok(Buffer.from(invitee.token, 'base64url').length >= 16, `token ${invitee.token} is shorter than 128 bits`);

      const invitation = await server.database.db
        .selectFrom('invitations')
        .selectAll()
        .where('user_id', '=', invitee.id)
        .executeTakeFirstOrThrow();
      assert.equal(invitation.token_hash, hashToken(invitee.token));

      // After delivery the raw token exists nowhere on our side: not in invitations, outbox or anywhere else.
      const outbox = await server.database.db.selectFrom('outbox').selectAll().where('invitation_id', '=', invitation.id).executeTakeFirstOrThrow();
      assert.ok(outbox.delivered_at);
      assert.equal(outbox.payload, null);
      const everything = JSON.stringify(await snapshotDatabase(server));
      assert.ok(!everything.includes(invitee.token), 'the raw invitation token is stored in the database');
    });

    it('is different for every invitation', async () => {
      const { admin } = await seedWorkspace(server, 'Unique');
      const first = await addPendingUser(server, admin, 'one@unique.test');
      const second = await addPendingUser(server, admin, 'two@unique.test');
      assert.notEqual(first.token, second.token);
    });

    it('session tokens are stored only as their hash too', async () => {
      const { admin } = await seedWorkspace(server, 'Sessions');
      const user = await addActiveUser(server, admin, 'gus@sessions.test');
      const everything = JSON.stringify(await snapshotDatabase(server));
      assert.ok(!everything.includes(user.token));
      assert.ok(!everything.includes(admin.token));
    });
  });

  it('records the invitation in the audit log', async () => {
    const { admin } = await seedWorkspace(server, 'Audited');
    const user = await admin.client.users.invite.mutate({ email: 'hal@audited.test', role: 'admin' });
    const { items } = await admin.client.audit.list.query({ targetId: user.id });
    assert.equal(items.length, 1);
    assert.equal(items[0]?.action, 'user.invited');
    assert.equal(items[0]?.actorId, admin.id);
    assert.deepEqual(items[0]?.details, { role: 'admin' });
  });

  it('sends the invitation email to the invitee', async () => {
    const { admin } = await seedWorkspace(server, 'Mailed');
    await admin.client.users.invite.mutate({ email: 'ivy@mailed.test' });
    const token = await invitationTokenFor(server, 'ivy@mailed.test');
    assert.ok(token.length >= 22);
  });
});
