import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rejectsWith } from '../testing/assertions.ts';
import { addActiveUser, invitationTokenFor, seedWorkspace, signIn, startTestServer, type TestServer } from '../testing/harness.ts';

describe('audit log', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('records every action with actor, target and time, newest first', async () => {
    const { admin } = await seedWorkspace(server, 'Audit');
    const expected: { action: string; actorId: string | null; targetEmail: string; createdAt: string }[] = [];
    const step = async (action: string, actorId: string | null, targetEmail: string, run: () => Promise<unknown>) => {
      server.clock.advance({ minutes: 1 });
      await run();
      expected.unshift({ action, actorId, targetEmail, createdAt: server.clock.now().toISOString() });
    };
    let id = '';
    let carlId = '';
    await step('user.invited', admin.id, 'bea@audit.test', async () => {
      id = (await admin.client.users.invite.mutate({ email: 'bea@audit.test' })).id;
    });
    await step('user.invitation_resent', admin.id, 'bea@audit.test', () => admin.client.users.resendInvitations.mutate({ ids: [id] }));
    await step('user.updated', admin.id, 'bea@audit.test', () => admin.client.users.update.mutate({ id, firstName: 'Bea' }));
    await step('user.deleted', admin.id, 'bea@audit.test', () => admin.client.users.delete.mutate({ ids: [id] }));
    await step('user.restored', admin.id, 'bea@audit.test', () => admin.client.users.restore.mutate({ ids: [id] }));
    await step('user.deleted', admin.id, 'bea@audit.test', () => admin.client.users.delete.mutate({ ids: [id] }));
    await step('user.purged', admin.id, 'bea@audit.test', () => admin.client.users.purge.mutate({ ids: [id] }));
    await step('user.invited', admin.id, 'carl@audit.test', async () => {
      carlId = (await admin.client.users.invite.mutate({ email: 'carl@audit.test' })).id;
    });
    await step('user.onboarded', null, 'carl@audit.test', async () => {
      const token = await invitationTokenFor(server, 'carl@audit.test');
      await server.client().invitations.accept.mutate({ token, firstName: 'Carl', lastName: 'C' });
    });
    expected[0]!.actorId = carlId; // the invitee onboards themselves
    await step('user.deleted', admin.id, 'carl@audit.test', () => admin.client.users.delete.mutate({ ids: [carlId] }));
    server.clock.advance({ days: 31 });
    await step('user.purged_by_retention', null, 'carl@audit.test', () => server.app.management.purgeExpired());

    const fresh = await signIn(server, admin);
    const { items, total } = await fresh.client.audit.list.query({ limit: 100 });
    assert.equal(total, expected.length);
    assert.deepEqual(
      items.map(({ action, actorId, targetEmail, createdAt }) => ({ action, actorId, targetEmail, createdAt })),
      expected,
    );
    assert.ok(items.filter((item) => item.actorId === admin.id).every((item) => item.actorEmail === admin.email));
    assert.ok(items.every((item) => item.targetId === id || item.targetId === carlId));
  });

  it('filters by target and pages', async () => {
    const { admin } = await seedWorkspace(server, 'AuditPages');
    const users = [];
    for (const name of ['a', 'b', 'c']) users.push(await admin.client.users.invite.mutate({ email: `${name}@auditpages.test` }));
    const byTarget = await admin.client.audit.list.query({ targetId: users[1]!.id });
    assert.deepEqual(byTarget.items.map((item) => item.targetEmail), ['b@auditpages.test']);
    const first = await admin.client.audit.list.query({ limit: 2 });
    assert.ok(first.nextCursor);
    const second = await admin.client.audit.list.query({ limit: 2, cursor: first.nextCursor });
    assert.equal(first.total, 3);
    assert.equal(first.items.length, 2);
    assert.equal(second.items.length, 1);
    assert.equal(second.nextCursor, null);
    const seen = [...first.items, ...second.items].map((item) => item.targetEmail).sort();
    assert.deepEqual(seen, ['a@auditpages.test', 'b@auditpages.test', 'c@auditpages.test']);
  });

  it('is readable by admins only, and only for their own workspace', async () => {
    const { admin } = await seedWorkspace(server, 'AuditAccess');
    const other = await seedWorkspace(server, 'AuditOther');
    const user = await addActiveUser(server, admin, 'std@auditaccess.test');
    await rejectsWith(user.client.audit.list.query({}), { code: 'FORBIDDEN' });
    await rejectsWith(server.client().audit.list.query({}), { code: 'UNAUTHORIZED' });
    const theirs = await other.admin.client.audit.list.query({});
    assert.equal(theirs.total, 0);
    const ours = await admin.client.audit.list.query({});
    assert.ok(ours.items.some((item) => item.targetId === user.id));
  });
});
