import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rejectsWith, rejectsWithoutChange, unknownId } from '../testing/assertions.ts';
import { addActiveUser, addPendingUser, type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

describe('users.invitationLink (Copy invitation link)', () => {
  let server: TestServer;
  let admin: SeededPerson;

  before(async () => {
    server = await startTestServer();
    ({ admin } = await seedWorkspace(server, 'Links'));
  });
  after(() => server.close());

  const tokenOf = (link: string) => decodeURIComponent(/#token=(.+)$/.exec(link)![1]!);

  it('answers a fresh link that works, retires the emailed one, sends no email and counts no send; audited', async () => {
    const invitee = await addPendingUser(server, admin, 'ida@links.test');
    const before = await admin.client.users.get.query({ id: invitee.id });
    const mails = server.mailbox.messages.length;

    const { link, expiresAt } = await admin.client.users.invitationLink.mutate({ id: invitee.id });
    assert.match(link, new RegExp(`^${server.config.publicUrl}/accept#token=`));
    const preview = await server.client().invitations.preview.query({ token: tokenOf(link) });
    assert.equal(preview.email, 'ida@links.test');
    assert.equal(preview.expiresAt, expiresAt);
    await rejectsWith(server.client().invitations.preview.query({ token: invitee.token }), { code: 'PRECONDITION_FAILED' });

    await server.app.management.flushOutbox();
    assert.equal(server.mailbox.messages.length, mails, 'no email was sent');
    const after = await admin.client.users.get.query({ id: invitee.id });
    assert.equal(after.invitationSendCount, before.invitationSendCount);
    assert.equal(after.lastInvitationSentAt, before.lastInvitationSentAt);
    assert.equal(after.invitationExpiresAt, expiresAt);

    const { items } = await admin.client.audit.list.query({ targetId: invitee.id });
    assert.equal(items[0]!.action, 'user.invitation_link_issued');
    assert.equal(items[0]!.actorId, admin.id);
    assert.equal(JSON.stringify(items).includes(tokenOf(link)), false, 'the audit log keeps no token');

    // The invitee accepts through the copied link.
    const accepted = await server.client().invitations.accept.mutate({ token: tokenOf(link), firstName: 'Ida', lastName: 'Link' });
    assert.equal(accepted.user.state, 'active');
  });

  it('refuses an active, a deleted or an unknown user, and changes nothing', async () => {
    const active = await addActiveUser(server, admin, 'act@links.test');
    const deleted = await addPendingUser(server, admin, 'del@links.test');
    await admin.client.users.delete.mutate({ ids: [deleted.id] });
    await rejectsWithoutChange(server, () => admin.client.users.invitationLink.mutate({ id: active.id }), { code: 'CONFLICT', reason: 'NOT_PENDING' });
    await rejectsWithoutChange(server, () => admin.client.users.invitationLink.mutate({ id: deleted.id }), { code: 'CONFLICT', reason: 'USER_DELETED' });
    await rejectsWithoutChange(server, () => admin.client.users.invitationLink.mutate({ id: unknownId() }), { code: 'NOT_FOUND' });
  });

  it("is rate-limited like a resend: it spends the admin's invitation budget", async () => {
    const fresh = await startTestServer({ rateLimits: { invitesPerAdmin: 3, invitesPerWorkspace: 100 } });
    try {
      const { admin: owner } = await seedWorkspace(fresh, 'Budget');
      const invitee = await addPendingUser(fresh, owner, 'bud@links.test'); // 1
      await owner.client.users.invitationLink.mutate({ id: invitee.id }); // 2
      await owner.client.users.invitationLink.mutate({ id: invitee.id }); // 3
      await rejectsWithoutChange(fresh, () => owner.client.users.invitationLink.mutate({ id: invitee.id }), { code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED' });
    } finally {
      await fresh.close();
    }
  });
});
