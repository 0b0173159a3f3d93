import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportUsersUrl } from '../../shared/export.ts';
import type { ListUsersInput } from '../../shared/schemas.ts';
import { readUserCounts } from '../db/repositories/users.ts';
import { SignInRecorder } from '../services/sign-ins.ts';
import { identityFromEmail } from '../services/sessions.ts';
import { rejectsWith } from '../testing/assertions.ts';
import {
  addActiveUser,
  addPendingUser,
  createTestClient,
  type SeededPerson,
  seedWorkspace,
  signIn,
  startTestServer,
  type TestServer,
} from '../testing/harness.ts';

const DAY = { hours: 24 };

/** The workspace's revision: it rises with every write to its users, so an unchanged one means nothing was written. */
async function revisionOf(server: TestServer, workspaceId: string) {
  const row = await server.deps.db.selectFrom('workspace_user_counts').select('revision').where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return Number(row.revision);
}

async function lastSignedInAt(server: TestServer, id: string) {
  const row = await server.deps.db.selectFrom('users').select('last_signed_in_at').where('id', '=', id).executeTakeFirstOrThrow();
  return row.last_signed_in_at;
}

describe('last sign-in: our own sessions', () => {
  let server: TestServer;
  let admin: SeededPerson;
  let workspaceId: string;
  /** By name: signed in 100, 45 and 10 days ago, and never (active, but no session since the column exists). */
  const people: Record<'old' | 'mid' | 'recent' | 'never', SeededPerson> = {} as never;
  let pending: { id: string };

  before(async () => {
    server = await startTestServer();
    ({ admin, workspaceId } = await seedWorkspace(server, 'Signins'));
    people.old = await addActiveUser(server, admin, 'old@signins.test', 'user', { firstName: 'Otto', lastName: 'Old' });
    people.never = await addActiveUser(server, admin, 'never@signins.test', 'admin', { firstName: 'Nora', lastName: 'Never' });
    await server.deps.db.updateTable('users').set({ last_signed_in_at: null }).where('id', '=', people.never.id).execute();
    // The admin's session lasts hours: a new one each time the clock has moved on by days.
    server.clock.advance({ days: 55 });
    admin = await signIn(server, admin);
    people.mid = await addActiveUser(server, admin, 'mid@signins.test', 'user', { firstName: 'Mia', lastName: 'Mid' });
    server.clock.advance({ days: 35 });
    admin = await signIn(server, admin);
    people.recent = await addActiveUser(server, admin, 'recent@signins.test', 'user', { firstName: 'Rita', lastName: 'Recent' });
    pending = await addPendingUser(server, admin, 'pending@signins.test');
    server.clock.advance({ days: 10 });
    // The admin signs in again today.
    admin = await signIn(server, admin);
  });
  after(() => server.close());

  const list = (input: Partial<ListUsersInput>) => admin.client.users.list.query({ tab: 'active', ...input });
  const emails = async (input: Partial<ListUsersInput>) => (await list(input)).items.map((user) => user.email);

  it('notes the time of each session made: accepting an invitation, signing in again', async () => {
    const now = server.clock.now().getTime();
    const user = (await admin.client.users.get.query({ id: people.recent.id })).lastSignedInAt;
    assert.equal(user, new Date(now - 10 * 86_400_000).toISOString());
    assert.equal((await admin.client.users.get.query({ id: admin.id })).lastSignedInAt, new Date(now).toISOString());
    assert.equal((await admin.client.users.get.query({ id: people.never.id })).lastSignedInAt, null);
    assert.equal((await admin.client.users.get.query({ id: pending.id })).lastSignedInAt, null);
  });

  it('sorts the Active tab by last sign-in: never first ascending, last descending', async () => {
    const ascending = ['never@signins.test', 'old@signins.test', 'mid@signins.test', 'recent@signins.test', admin.email];
    assert.deepEqual(await emails({ sort: { by: 'lastSignedInAt', direction: 'asc' } }), ascending);
    assert.deepEqual(await emails({ sort: { by: 'lastSignedInAt', direction: 'desc' } }), [...ascending].reverse());
  });

  it('pages by cursor in that order without repeating or skipping anyone', async () => {
    const sort = { by: 'lastSignedInAt', direction: 'desc' } as const;
    const seen: string[] = [];
    let page = await list({ sort, limit: 2 });
    seen.push(...page.items.map((user) => user.email));
    while (page.nextCursor) {
      page = await list({ sort, limit: 2, cursor: page.nextCursor });
      seen.push(...page.items.map((user) => user.email));
    }
    assert.deepEqual(seen, await emails({ sort }));
  });

  it('filters "not signed in for 30/60/90 days", never signed in included, with the right total', async () => {
    const filtered = async (inactiveDays: 30 | 60 | 90, extra: Partial<ListUsersInput> = {}) => {
      const page = await list({ inactiveDays, sort: { by: 'email', direction: 'asc' }, ...extra });
      return { total: page.total, emails: page.items.map((user) => user.email) };
    };
    assert.deepEqual(await filtered(30), { total: 3, emails: ['mid@signins.test', 'never@signins.test', 'old@signins.test'] });
    assert.deepEqual(await filtered(60), { total: 2, emails: ['never@signins.test', 'old@signins.test'] });
    assert.deepEqual(await filtered(90), { total: 2, emails: ['never@signins.test', 'old@signins.test'] });
    // With the role filter and a search (short and long words) beside it.
    assert.deepEqual(await filtered(30, { role: 'admin' }), { total: 1, emails: ['never@signins.test'] });
    assert.deepEqual(await filtered(30, { search: 'mid' }), { total: 1, emails: ['mid@signins.test'] });
    assert.deepEqual(await filtered(30, { search: 'o' }), { total: 2, emails: ['never@signins.test', 'old@signins.test'] });
    // The pending tab: nobody there has signed in.
    assert.equal((await admin.client.users.list.query({ tab: 'pending', inactiveDays: 90 })).total, 1);
  });

  it('refuses another number of days, and changes nothing', async () => {
    await rejectsWith(list({ inactiveDays: 45 as never }), { code: 'BAD_REQUEST' });
  });

  it('exports the last sign-in on the Active tab, with the filter applied', async () => {
    const response = await fetch(exportUsersUrl(server.apiUrl, { tab: 'active', inactiveDays: '60', sort: 'email', format: 'csv', lang: 'en' }), {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(response.status, 200);
    const lines = (await response.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines[0], 'Email,First name,Last name,Role,Invited at (UTC),Onboarding completed (UTC),Last sign-in (UTC)');
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /^never@signins\.test,.*,$/);
    const old = new Date(server.clock.now().getTime() - 100 * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
    assert.match(lines[2]!, new RegExp(`^old@signins\\.test,.*,${old}$`));
  });

  it('refuses an export with another number of days', async () => {
    const response = await fetch(`${server.apiUrl}/export?tab=active&inactiveDays=7`, { headers: { authorization: `Bearer ${admin.token}` } });
    assert.equal(response.status, 400);
  });

  it('counts a sign-in as a change of the Active tab (the live feed shows it)', async () => {
    const before = await readUserCounts(server.deps.db, workspaceId);
    const revision = await revisionOf(server, workspaceId);
    await signIn(server, people.old);
    assert.deepEqual(await readUserCounts(server.deps.db, workspaceId), before, 'the counts stay');
    assert.ok((await revisionOf(server, workspaceId)) > revision);
  });
});

describe("last sign-in: a host's own authenticate", () => {
  let server: TestServer;
  let admin: SeededPerson;
  let workspaceId: string;
  let member: SeededPerson;

  before(async () => {
    // The host names people by a header (its own sign-in, as far as we can tell).
    server = await startTestServer({
      authenticate: async (request, deps) => {
        const email = request.headers['x-portal-user'];
        return typeof email === 'string' && workspaceId ? identityFromEmail(deps, workspaceId, email) : null;
      },
    });
    ({ admin, workspaceId } = await seedWorkspace(server, 'Portal'));
    admin = { ...admin, client: asPortalUser(admin.email) };
    member = await addActiveUser(server, admin, 'member@portal.test');
    // Setting up signed both in: start from never, past the hour this server remembers.
    server.clock.advance({ hours: 2 });
    await server.deps.db.updateTable('users').set({ last_signed_in_at: null }).execute();
  });
  after(() => server.close());

  const asPortalUser = (email: string) => createTestClient(server.apiUrl, { 'x-portal-user': email });

  it("notes the first request, then at most one write per user per hour, never one per request", async () => {
    const client = asPortalUser(admin.email);
    await client.session.me.query();
    const first = server.clock.now().toISOString();
    assert.equal(await lastSignedInAt(server, admin.id), first);
    const revision = await revisionOf(server, workspaceId);
    for (let i = 0; i < 5; i += 1) {
      server.clock.advance({ minutes: 10 });
      await client.users.summary.query();
    }
    assert.equal(await lastSignedInAt(server, admin.id), first, 'within the hour: not written again');
    assert.equal(await revisionOf(server, workspaceId), revision, 'nothing was written at all');
    server.clock.advance({ minutes: 11 });
    await client.users.summary.query();
    assert.equal(await lastSignedInAt(server, admin.id), server.clock.now().toISOString(), 'an hour on: written again');
    server.clock.advance(DAY);
    await client.users.summary.query();
    assert.equal(await lastSignedInAt(server, admin.id), server.clock.now().toISOString(), 'the next day: written again');
  });

  it('notes a standard user seen through the export route too; a stranger or nobody writes nothing', async () => {
    const revision = await revisionOf(server, workspaceId);
    await fetch(`${server.apiUrl}/session.me`, { headers: { 'x-portal-user': 'stranger@portal.test' } });
    await fetch(`${server.apiUrl}/session.me`);
    assert.equal(await revisionOf(server, workspaceId), revision);
    await fetch(`${server.apiUrl}/export?tab=active`, { headers: { 'x-portal-user': member.email } });
    assert.equal(await lastSignedInAt(server, member.id), server.clock.now().toISOString());
  });

  it('writes once across servers (or after a restart) within the hour: the update is conditional', async () => {
    const identity = { workspaceId, userId: member.id };
    server.clock.advance({ hours: 2 });
    const servers = [new SignInRecorder(server.deps), new SignInRecorder(server.deps)];
    await servers[0]!.seen(identity);
    const written = await lastSignedInAt(server, member.id);
    const revision = await revisionOf(server, workspaceId);
    server.clock.advance({ minutes: 5 });
    await servers[1]!.seen(identity);
    assert.equal(await lastSignedInAt(server, member.id), written);
    assert.equal(await revisionOf(server, workspaceId), revision);
  });
});
