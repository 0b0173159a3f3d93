import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { identityFromSessionToken, loadCaller } from '../services/sessions.ts';
import { generateToken } from '../tokens.ts';
import { rejectsWith, rejectsWithoutChange, unknownId } from '../testing/assertions.ts';
import { addActiveUser, addPendingUser, type Client, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

/** One call of every admin procedure, about `id`. */
function adminCalls(client: Client, id: string) {
  return {
    'users.list': () => client.users.list.query({ tab: 'active' }),
    'users.get': () => client.users.get.query({ id }),
    'users.summary': () => client.users.summary.query(),
    'users.invite': () => client.users.invite.mutate({ email: 'someone@elsewhere.test' }),
    'users.checkInvites': () => client.users.checkInvites.mutate({ entries: [{ email: 'someone@elsewhere.test' }] }),
    'users.inviteMany': () => client.users.inviteMany.mutate({ entries: [{ email: 'someone@elsewhere.test' }, { email: 'other@elsewhere.test' }] }),
    'users.update': () => client.users.update.mutate({ id, firstName: 'Changed' }),
    'users.resendInvitations': () => client.users.resendInvitations.mutate({ ids: [id] }),
    'users.delete': () => client.users.delete.mutate({ ids: [id] }),
    'users.restore': () => client.users.restore.mutate({ ids: [id] }),
    'users.purge': () => client.users.purge.mutate({ ids: [id] }),
    'users.matchingCount': () => client.users.matchingCount.query({ action: 'delete', filter: { tab: 'pending' } }),
    'users.actOnMatching': () => client.users.actOnMatching.mutate({ action: 'delete', filter: { tab: 'pending' }, expectedCount: 1 }),
    'audit.list': () => client.audit.list.query({}),
  };
}

describe('access', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('without a session every admin procedure is UNAUTHORIZED and changes nothing', async () => {
    const { admin } = await seedWorkspace(server, 'Anonymous');
    for (const [name, call] of Object.entries(adminCalls(server.client(), admin.id))) {
      await rejectsWithoutChange(server, call, { code: 'UNAUTHORIZED', reason: 'NOT_SIGNED_IN' }).catch((error: Error) => {
        throw new Error(`${name}: ${error.message}`);
      });
    }
  });

  it('a garbage, unknown or malformed bearer token is UNAUTHORIZED', async () => {
    const { admin } = await seedWorkspace(server, 'Garbage');
    for (const token of ['garbage', generateToken(), `${admin.token}x`]) {
      await rejectsWith(server.client(token).users.summary.query(), { code: 'UNAUTHORIZED' });
    }
    const wrongScheme = await fetch(`${server.apiUrl}/users.summary`, { headers: { authorization: `Basic ${admin.token}` } });
    assert.equal(wrongScheme.status, 401);
    const lowerCase = await fetch(`${server.apiUrl}/users.summary`, { headers: { authorization: `bearer ${admin.token}` } });
    assert.equal(lowerCase.status, 200);
  });

  it('a standard user is FORBIDDEN from every admin procedure and changes nothing', async () => {
    const { admin } = await seedWorkspace(server, 'Standard');
    const user = await addActiveUser(server, admin, 'std@standard.test');
    const invitee = await admin.client.users.invite.mutate({ email: 'pending@standard.test' });
    for (const [name, call] of Object.entries(adminCalls(user.client, invitee.id))) {
      await rejectsWithoutChange(server, call, { code: 'FORBIDDEN', reason: 'NOT_ADMIN' }).catch((error: Error) => {
        throw new Error(`${name}: ${error.message}`);
      });
    }
  });

  it('session.me is null without a session and describes the caller with one', async () => {
    assert.equal(await server.client().session.me.query(), null);
    assert.equal(await server.client('garbage-garbage-garbage').session.me.query(), null);
    const { admin, workspaceId } = await seedWorkspace(server, 'Me');
    const user = await addActiveUser(server, admin, 'me@me.test', 'user', { firstName: 'May', lastName: 'Me' });
    assert.deepEqual(await user.client.session.me.query(), {
      user: { id: user.id, email: 'me@me.test', firstName: 'May', lastName: 'Me', role: 'user' },
      isAdmin: false,
      workspace: { id: workspaceId, name: 'Me' },
    });
    const adminMe = await admin.client.session.me.query();
    assert.equal(adminMe?.isAdmin, true);
    assert.equal(adminMe?.user.role, 'admin');
  });

  it('signOut ends the session', async () => {
    const { admin } = await seedWorkspace(server, 'SignOut');
    const second = await addActiveUser(server, admin, 'out@signout.test', 'admin');
    assert.equal(await second.client.session.signOut.mutate(), null);
    await rejectsWith(second.client.users.summary.query(), { code: 'UNAUTHORIZED' });
    assert.equal(await second.client.session.me.query(), null);
    await rejectsWith(server.client().session.signOut.mutate(), { code: 'UNAUTHORIZED' });
  });

  it('a demoted admin loses access on their next request', async () => {
    const { admin } = await seedWorkspace(server, 'Demoted');
    const second = await addActiveUser(server, admin, 'down@demoted.test', 'admin');
    assert.equal((await second.client.users.summary.query()).counts.active, 2);
    await admin.client.users.update.mutate({ id: second.id, role: 'user' });
    await rejectsWith(second.client.users.summary.query(), { code: 'FORBIDDEN', reason: 'NOT_ADMIN' });
    await rejectsWith(second.client.users.delete.mutate({ ids: [admin.id] }), { code: 'FORBIDDEN' });
    const me = await second.client.session.me.query();
    assert.equal(me?.isAdmin, false);
    assert.equal(me?.user.role, 'user');
    // Promoted again, the same session has its rights back.
    await admin.client.users.update.mutate({ id: second.id, role: 'admin' });
    assert.equal((await second.client.users.summary.query()).counts.active, 2);
  });

  it("the caller read with the session serves that one lookup: the next reads the user's row again", async () => {
    const { admin } = await seedWorkspace(server, 'OneLookup');
    const identity = await identityFromSessionToken(server.deps, admin.token);
    assert.ok(identity);
    assert.equal((await loadCaller(server.deps, identity))?.role, 'admin');
    await sql`update users set role = 'user' where id = ${admin.id}`.execute(server.database.db);
    assert.equal((await loadCaller(server.deps, identity))?.role, 'user');
    await sql`update users set role = 'admin' where id = ${admin.id}`.execute(server.database.db);
    // A user gone from under a live session is nobody, whether read with the session or after it.
    const second = await addActiveUser(server, admin, 'gone@onelookup.test', 'admin');
    await sql`update users set deleted_at = ${new Date().toISOString()} where id = ${second.id}`.execute(server.database.db);
    const gone = await identityFromSessionToken(server.deps, second.token);
    assert.ok(gone);
    assert.equal(await loadCaller(server.deps, gone), null);
    assert.equal(await loadCaller(server.deps, gone), null);
    await rejectsWith(second.client.users.summary.query(), { code: 'UNAUTHORIZED', reason: 'NOT_SIGNED_IN' });
  });

  describe('workspace isolation', () => {
    it("an admin of another workspace gets NOT_FOUND for this workspace's users, exactly as for an id that does not exist", async () => {
      const a = await seedWorkspace(server, 'IsolationA');
      const b = await seedWorkspace(server, 'IsolationB');
      const activeInA = await addActiveUser(server, a.admin, 'active@isolationa.test');
      const pendingInA = await addPendingUser(server, a.admin, 'pending@isolationa.test');
      const deletedInA = await a.admin.client.users.invite.mutate({ email: 'deleted@isolationa.test' });
      await a.admin.client.users.delete.mutate({ ids: [deletedInA.id] });

      const answer = async (call: () => Promise<unknown>) => {
        const error = await rejectsWithoutChange(server, call, { code: 'NOT_FOUND', reason: 'USER_NOT_FOUND' });
        return { message: error.message, httpStatus: error.data.httpStatus };
      };
      for (const id of [a.admin.id, activeInA.id, pendingInA.id, deletedInA.id]) {
        const foreign = adminCalls(b.admin.client, id);
        const random = adminCalls(b.admin.client, unknownId());
        for (const name of ['users.get', 'users.update', 'users.delete', 'users.restore', 'users.purge', 'users.resendInvitations'] as const) {
          assert.deepEqual(await answer(foreign[name]), await answer(random[name]), `${name} tells a foreign id from a missing one`);
        }
      }
      // A bulk call mixing B's own user with A's user is refused as a whole.
      const own = await b.admin.client.users.invite.mutate({ email: 'own@isolationb.test' });
      await rejectsWithoutChange(server, () => b.admin.client.users.delete.mutate({ ids: [own.id, activeInA.id] }), {
        code: 'NOT_FOUND',
        userId: activeInA.id,
      });
      // A's pending user's link still works: nothing happened to it.
      assert.equal((await server.client().invitations.preview.query({ token: pendingInA.token })).workspaceName, 'IsolationA');
    });

    it("lists, KPIs and the audit log never show another workspace's users", async () => {
      const a = await seedWorkspace(server, 'ListsA');
      const b = await seedWorkspace(server, 'ListsB');
      const inA = await addActiveUser(server, a.admin, 'shared-name@listsa.test', 'user', { firstName: 'Zed', lastName: 'Shared' });
      await a.admin.client.users.invite.mutate({ email: 'pending@listsa.test', firstName: 'Zed' });
      const gone = await a.admin.client.users.invite.mutate({ email: 'gone@listsa.test', firstName: 'Zed' });
      await a.admin.client.users.delete.mutate({ ids: [gone.id] });

      for (const tab of ['active', 'pending', 'deleted'] as const) {
        const list = await b.admin.client.users.list.query({ tab });
        assert.ok(list.items.every((item) => item.email.endsWith('@listsb.test')), `tab ${tab} shows a foreign user`);
        const search = await b.admin.client.users.list.query({ tab, search: 'zed' });
        assert.equal(search.total, 0);
      }
      const summary = await b.admin.client.users.summary.query();
      assert.deepEqual(summary.counts, { active: 1, pending: 0, deleted: 0 });
      assert.deepEqual(summary.kpis, { invited: 1, completed: 1, pending: 0, completionRate: 100 });

      assert.equal((await b.admin.client.audit.list.query({ targetId: inA.id })).total, 0);
      const audit = await b.admin.client.audit.list.query({});
      assert.equal(audit.total, 0);
      assert.ok((await a.admin.client.audit.list.query({})).total > 0);
    });
  });
});

describe('session expiry', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('a session past SESSION_TTL_HOURS is UNAUTHORIZED', async () => {
    const { admin } = await seedWorkspace(server, 'Expiry');
    server.clock.advance({ hours: 11, minutes: 59 });
    assert.equal((await admin.client.users.summary.query()).counts.active, 1);
    server.clock.advance({ minutes: 1 });
    await rejectsWith(admin.client.users.summary.query(), { code: 'UNAUTHORIZED', reason: 'NOT_SIGNED_IN' });
    assert.equal(await admin.client.session.me.query(), null);
  });
});
