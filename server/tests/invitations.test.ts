import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { generateToken } from '../tokens.ts';
import { rejectsWith, rejectsWithoutChange, snapshotDatabase } from '../testing/assertions.ts';
import { addPendingUser, invitationTokenFor, seedWorkspace, signIn, startTestServer, type TestServer } from '../testing/harness.ts';

const names = { firstName: 'Jürgen', lastName: 'Müller' };

describe('invitations.preview and invitations.accept', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('preview names the invitee and the workspace and changes nothing', async () => {
    const { admin } = await seedWorkspace(server, 'Preview');
    const invitee = await addPendingUser(server, admin, 'kim@preview.test', { firstName: 'Kim' });
    const before = await snapshotDatabase(server);
    const preview = await server.client().invitations.preview.query({ token: invitee.token });
    assert.deepEqual(preview, {
      email: 'kim@preview.test',
      firstName: 'Kim',
      lastName: '',
      workspaceName: 'Preview',
      expiresAt: new Date(server.clock.now().getTime() + 7 * 86_400_000).toISOString(),
      language: 'en',
    });
    assert.deepEqual(await snapshotDatabase(server), before);
  });

  it('accept completes onboarding, signs the invitee in and is audited', async () => {
    const { admin } = await seedWorkspace(server, 'Accept');
    const invitee = await addPendingUser(server, admin, 'lea@accept.test');
    server.clock.advance({ minutes: 5 });
    const result = await server.client().invitations.accept.mutate({ token: invitee.token, firstName: ' Lea ', lastName: 'Lang' });
    assert.equal(result.user.status, 'active');
    assert.equal(result.user.state, 'active');
    assert.equal(result.user.firstName, 'Lea');
    assert.equal(result.user.onboardedAt, server.clock.now().toISOString());
    assert.equal(result.user.invitationExpiresAt, null);
    assert.equal(result.session.expiresAt, new Date(server.clock.now().getTime() + 12 * 3600_000).toISOString());

    const me = await server.client(result.session.token).session.me.query();
    assert.equal(me?.user.id, invitee.id);
    assert.equal(me?.isAdmin, false);
    assert.equal(me?.workspace.name, 'Accept');

    const summary = await admin.client.users.summary.query();
    assert.deepEqual(summary.kpis, { invited: 2, completed: 2, pending: 0, completionRate: 100 });
    const audit = await admin.client.audit.list.query({ targetId: invitee.id });
    assert.deepEqual(audit.items.map((entry) => entry.action), ['user.onboarded', 'user.invited']);
  });

  it('an invited admin becomes an admin who may manage users', async () => {
    const { admin } = await seedWorkspace(server, 'AdminInvite');
    const invitee = await addPendingUser(server, admin, 'max@admininvite.test', { role: 'admin' });
    const { session } = await server.client().invitations.accept.mutate({ token: invitee.token, ...names });
    const summary = await server.client(session.token).users.summary.query();
    assert.equal(summary.counts.active, 2);
  });

  it('accept needs both names', async () => {
    const { admin } = await seedWorkspace(server, 'Names');
    const invitee = await addPendingUser(server, admin, 'ned@names.test');
    const error = await rejectsWithoutChange(
      server,
      () => server.client().invitations.accept.mutate({ token: invitee.token, firstName: '  ', lastName: 'Nash' }),
      { code: 'BAD_REQUEST' },
    );
    assert.ok(error.data.fieldErrors?.firstName);
  });

  it('a used link says so and changes nothing', async () => {
    const { admin } = await seedWorkspace(server, 'Used');
    const invitee = await addPendingUser(server, admin, 'olga@used.test');
    await server.client().invitations.accept.mutate({ token: invitee.token, ...names });
    const expected = { code: 'PRECONDITION_FAILED', reason: 'TOKEN_USED' } as const;
    await rejectsWithoutChange(server, () => server.client().invitations.preview.query({ token: invitee.token }), expected);
    await rejectsWithoutChange(
      server,
      () => server.client().invitations.accept.mutate({ token: invitee.token, firstName: 'Someone', lastName: 'Else' }),
      expected,
    );
    const user = await admin.client.users.get.query({ id: invitee.id });
    assert.equal(user.firstName, 'Jürgen');
  });

  it('two simultaneous accepts of one link: exactly one wins', async () => {
    const { admin } = await seedWorkspace(server, 'Race');
    const invitee = await addPendingUser(server, admin, 'pia@race.test');
    const outcomes = await Promise.allSettled([
      server.client().invitations.accept.mutate({ token: invitee.token, firstName: 'Pia', lastName: 'One' }),
      server.client().invitations.accept.mutate({ token: invitee.token, firstName: 'Pia', lastName: 'Two' }),
    ]);
    assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
    const sessions = await server.database.db.selectFrom('sessions').select('id').where('user_id', '=', invitee.id).execute();
    assert.equal(sessions.length, 1);
  });

  it('a link replaced by a resend is revoked and the new one works', async () => {
    const { admin } = await seedWorkspace(server, 'Rotated');
    const invitee = await addPendingUser(server, admin, 'quinn@rotated.test');
    server.clock.advance({ minutes: 2 });
    const session = await signIn(server, admin);
    await session.client.users.resendInvitations.mutate({ ids: [invitee.id] });
    const fresh = await invitationTokenFor(server, invitee.email);
    const expected = { code: 'PRECONDITION_FAILED', reason: 'TOKEN_REVOKED', message: /newer/ } as const;
    await rejectsWithoutChange(server, () => server.client().invitations.preview.query({ token: invitee.token }), expected);
    await rejectsWithoutChange(server, () => server.client().invitations.accept.mutate({ token: invitee.token, ...names }), expected);
    const accepted = await server.client().invitations.accept.mutate({ token: fresh, ...names });
    assert.equal(accepted.user.status, 'active');
  });

  it('a link of a deleted invitee is revoked', async () => {
    const { admin } = await seedWorkspace(server, 'Withdrawn');
    const invitee = await addPendingUser(server, admin, 'rex@withdrawn.test');
    await admin.client.users.delete.mutate({ ids: [invitee.id] });
    const expected = { code: 'PRECONDITION_FAILED', reason: 'TOKEN_REVOKED', message: /withdrawn/ } as const;
    await rejectsWithoutChange(server, () => server.client().invitations.preview.query({ token: invitee.token }), expected);
    await rejectsWithoutChange(server, () => server.client().invitations.accept.mutate({ token: invitee.token, ...names }), expected);
  });

  it('an unknown link is NOT_FOUND, exactly like a malformed one', async () => {
    const expected = { code: 'NOT_FOUND', reason: 'TOKEN_INVALID' } as const;
    await rejectsWithoutChange(server, () => server.client().invitations.preview.query({ token: generateToken() }), expected);
    await rejectsWithoutChange(server, () => server.client().invitations.accept.mutate({ token: generateToken(), ...names }), expected);
    await rejectsWith(server.client().invitations.preview.query({ token: 'x'.repeat(40) }), expected);
  });

  it('a link that is far too short is an input error', async () => {
    const error = await rejectsWith(server.client().invitations.preview.query({ token: 'short' }), { code: 'BAD_REQUEST' });
    assert.ok(error.data.fieldErrors?.token);
  });
});

/** Each test moves the clock, so each gets its own server. */
describe('invitation expiry', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  it('a link works until INVITE_TTL_DAYS (7) have passed, then says it expired and changes nothing', async () => {
    const { admin } = await seedWorkspace(server, 'Expiry');
    const invitee = await addPendingUser(server, admin, 'sam@expiry.test');
    server.clock.advance({ days: 6, hours: 23, minutes: 59 });
    assert.equal((await server.client().invitations.preview.query({ token: invitee.token })).email, 'sam@expiry.test');

    server.clock.advance({ minutes: 1 });
    const expected = { code: 'PRECONDITION_FAILED', reason: 'TOKEN_EXPIRED', message: /expired/ } as const;
    await rejectsWithoutChange(server, () => server.client().invitations.preview.query({ token: invitee.token }), expected);
    await rejectsWithoutChange(server, () => server.client().invitations.accept.mutate({ token: invitee.token, ...names }), expected);
    const user = await (await signIn(server, admin)).client.users.get.query({ id: invitee.id });
    assert.equal(user.status, 'pending');
  });

  it('INVITE_TTL_DAYS is configurable', async () => {
    await server.close();
    server = await startTestServer({ inviteTtlDays: 2 });
    const { admin } = await seedWorkspace(server, 'ShortTtl');
    const invitee = await addPendingUser(server, admin, 'tom@shortttl.test');
    server.clock.advance({ days: 2 });
    await rejectsWith(server.client().invitations.accept.mutate({ token: invitee.token, ...names }), {
      code: 'PRECONDITION_FAILED',
      reason: 'TOKEN_EXPIRED',
    });
  });
});

