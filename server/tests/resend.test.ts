import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { rejectsWith, rejectsWithoutChange, unknownId } from '../testing/assertions.ts';
import {
  addActiveUser,
  addPendingUser,
  invitationTokenFor,
  type SeededPerson,
  signIn,
  startSeededServer,
  type TestServer,
} from '../testing/harness.ts';

const names = { firstName: 'Uma', lastName: 'Ulm' };

/** Each test moves the clock, so each gets its own server. */
describe('users.resendInvitations', () => {
  let server: TestServer;
  let admin: SeededPerson;
  beforeEach(async () => ({ server, admin } = await startSeededServer('Resend')));
  afterEach(() => server.close());

  it('rotates the link: the old one stops working, the new one works', async () => {
    const invitee = await addPendingUser(server, admin, 'uma@resend.test');
    server.clock.advance({ minutes: 1 });
    const result = await admin.client.users.resendInvitations.mutate({ ids: [invitee.id] });
    assert.deepEqual(result.results, [{ id: invitee.id, email: 'uma@resend.test', outcome: 'resent' }]);

    const fresh = await invitationTokenFor(server, invitee.email);
    assert.notEqual(fresh, invitee.token);
    await rejectsWith(server.client().invitations.accept.mutate({ token: invitee.token, ...names }), {
      code: 'PRECONDITION_FAILED',
      reason: 'TOKEN_REVOKED',
    });
    const accepted = await server.client().invitations.accept.mutate({ token: fresh, ...names });
    assert.equal(accepted.user.status, 'active');
  });

  it('resets the expiry, counts the send and is audited', async () => {
    const invitee = await addPendingUser(server, admin, 'vic@resend.test');
    server.clock.advance({ days: 8 });
    await rejectsWith(server.client().invitations.preview.query({ token: invitee.token }), { reason: 'TOKEN_EXPIRED' });

    const fresh = await signIn(server, admin);
    await fresh.client.users.resendInvitations.mutate({ ids: [invitee.id] });
    const now = server.clock.now().getTime();
    const user = await fresh.client.users.get.query({ id: invitee.id });
    assert.equal(user.invitationSendCount, 2);
    assert.equal(user.lastInvitationSentAt, new Date(now).toISOString());
    assert.equal(user.invitationExpiresAt, new Date(now + 7 * 86_400_000).toISOString());

    const token = await invitationTokenFor(server, invitee.email);
    assert.equal((await server.client().invitations.preview.query({ token })).expiresAt, user.invitationExpiresAt);
    const audit = await fresh.client.audit.list.query({ targetId: invitee.id });
    assert.equal(audit.items[0]?.action, 'user.invitation_resent');
    assert.equal(audit.items[0]?.actorId, admin.id);
  });

  it('allows one resend per user per minute and says how long to wait', async () => {
    const invitee = await addPendingUser(server, admin, 'walt@resend.test');
    const resend = () => admin.client.users.resendInvitations.mutate({ ids: [invitee.id] });
    await rejectsWithoutChange(server, resend, {
      code: 'TOO_MANY_REQUESTS',
      reason: 'RESEND_TOO_SOON',
      retryAfterSeconds: 60,
      userId: invitee.id,
    });
    server.clock.advance({ seconds: 45 });
    await rejectsWithoutChange(server, resend, { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 15 });
    server.clock.advance({ seconds: 15 });
    await resend();
    await rejectsWith(resend(), { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 60 });
    assert.equal((await admin.client.users.get.query({ id: invitee.id })).invitationSendCount, 2);
  });

  it('is for pending invitations only', async () => {
    const active = await addActiveUser(server, admin, 'xena@resend.test');
    const deleted = await addPendingUser(server, admin, 'yves@resend.test');
    await admin.client.users.delete.mutate({ ids: [deleted.id] });
    server.clock.advance({ minutes: 5 });
    const fresh = await signIn(server, admin);
    await rejectsWithoutChange(server, () => fresh.client.users.resendInvitations.mutate({ ids: [active.id] }), {
      code: 'CONFLICT',
      reason: 'NOT_PENDING',
      userId: active.id,
    });
    await rejectsWithoutChange(server, () => fresh.client.users.resendInvitations.mutate({ ids: [deleted.id] }), {
      code: 'CONFLICT',
      reason: 'USER_DELETED',
      userId: deleted.id,
    });
    await rejectsWithoutChange(server, () => fresh.client.users.resendInvitations.mutate({ ids: [unknownId()] }), {
      code: 'NOT_FOUND',
      reason: 'USER_NOT_FOUND',
    });
  });

  it('resends to several users at once', async () => {
    const first = await addPendingUser(server, admin, 'zoe@resend.test');
    const second = await addPendingUser(server, admin, 'abe@resend.test');
    server.clock.advance({ minutes: 1 });
    const result = await admin.client.users.resendInvitations.mutate({ ids: [first.id, second.id] });
    assert.deepEqual(result.results.map((row) => row.outcome), ['resent', 'resent']);
    for (const invitee of [first, second]) {
      assert.equal((await admin.client.users.get.query({ id: invitee.id })).invitationSendCount, 2);
      assert.notEqual(await invitationTokenFor(server, invitee.email), invitee.token);
    }
  });

  it('a bulk resend sends to those who are due and reports the others with when they are due, in one transaction', async () => {
    const ready = await addPendingUser(server, admin, 'bo@resend.test');
    const alsoReady = await addPendingUser(server, admin, 'ed@resend.test');
    server.clock.advance({ minutes: 1 });
    const tooSoon = await addPendingUser(server, admin, 'cy@resend.test');
    const sentAt = server.clock.now().getTime();
    server.clock.advance({ seconds: 2 });
    const result = await admin.client.users.resendInvitations.mutate({ ids: [ready.id, tooSoon.id, alsoReady.id] });
    assert.deepEqual(result.results, [
      { id: ready.id, email: ready.email, outcome: 'resent' },
      { id: tooSoon.id, email: tooSoon.email, outcome: 'skipped_recently_sent', resendAvailableAt: new Date(sentAt + 60_000).toISOString() },
      { id: alsoReady.id, email: alsoReady.email, outcome: 'resent' },
    ]);
    // The skipped user's link still works and was not counted; the others were rotated and audited.
    assert.equal((await server.client().invitations.preview.query({ token: tooSoon.token })).email, tooSoon.email);
    assert.equal((await admin.client.users.get.query({ id: tooSoon.id })).invitationSendCount, 1);
    assert.equal((await admin.client.users.get.query({ id: ready.id })).invitationSendCount, 2);
    assert.equal((await admin.client.audit.list.query({ targetId: tooSoon.id })).items[0]?.action, 'user.invited');
  });

  it('a bulk resend where nobody is due refuses and changes nothing', async () => {
    const first = await addPendingUser(server, admin, 'fa@resend.test');
    server.clock.advance({ seconds: 30 });
    const second = await addPendingUser(server, admin, 'gu@resend.test');
    await rejectsWithoutChange(server, () => admin.client.users.resendInvitations.mutate({ ids: [second.id, first.id] }), {
      code: 'TOO_MANY_REQUESTS',
      reason: 'RESEND_TOO_SOON',
      userId: first.id,
      retryAfterSeconds: 30,
    });
  });

  it('lists when each pending invitee may be sent the invitation again', async () => {
    const invitee = await addPendingUser(server, admin, 'hal@resend.test');
    const active = await addActiveUser(server, admin, 'ida@resend.test');
    const listed = async (tab: 'pending' | 'active', email: string) =>
      (await admin.client.users.list.query({ tab, search: email, role: 'all', sort: { by: 'name', direction: 'asc' }, offset: 0, limit: 10 })).items[0]!;
    const pending = await listed('pending', invitee.email);
    assert.equal(pending.resendAvailableAt, new Date(Date.parse(pending.lastInvitationSentAt!) + 60_000).toISOString());
    assert.equal((await listed('active', active.email)).resendAvailableAt, null);
  });

  it('a pending invitee restored from Recently deleted gets a fresh link by resend', async () => {
    const invitee = await addPendingUser(server, admin, 'di@resend.test');
    await admin.client.users.delete.mutate({ ids: [invitee.id] });
    await admin.client.users.restore.mutate({ ids: [invitee.id] });
    server.clock.advance({ minutes: 1 });
    await admin.client.users.resendInvitations.mutate({ ids: [invitee.id] });
    const token = await invitationTokenFor(server, invitee.email);
    const accepted = await server.client().invitations.accept.mutate({ token, ...names });
    assert.equal(accepted.user.state, 'active');
  });
});
