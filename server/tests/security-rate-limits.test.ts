import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../../shared/router.ts';
import { loadConfig } from '../config.ts';
import { DEFAULT_RATE_LIMITS } from '../rate-limiter.ts';
import { generateToken } from '../tokens.ts';
import { rejectsWith, rejectsWithoutChange } from '../testing/assertions.ts';
import { addActiveUser, addPendingUser, type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';
import { csv, upload } from '../testing/spreadsheets.ts';

const limited = (retryAfterSeconds: number) => ({ code: 'TOO_MANY_REQUESTS', httpStatus: 429, reason: 'RATE_LIMITED' as const, retryAfterSeconds });

describe('rate limits', () => {
  describe('invitations per admin and per workspace', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ rateLimits: { invitesPerAdmin: 3, invitesPerWorkspace: 5, importsPerAdmin: 2, importsPerWorkspace: 3 } });
    });
    after(() => server.close());

    it('an admin past their budget gets TOO_MANY_REQUESTS with the seconds until the window ends, changing nothing', async () => {
      const { admin } = await seedWorkspace(server, 'PerAdmin');
      server.clock.advance({ minutes: 1 });
      const pending = await admin.client.users.invite.mutate({ email: 'one@peradmin.test' });
      await admin.client.users.invite.mutate({ email: 'two@peradmin.test' });
      server.clock.advance({ seconds: 61 });
      // A new window: resend counts in the same budget as invite.
      await admin.client.users.resendInvitations.mutate({ ids: [pending.id] });
      await admin.client.users.invite.mutate({ email: 'three@peradmin.test' });
      await admin.client.users.invite.mutate({ email: 'four@peradmin.test' });
      await rejectsWithoutChange(server, () => admin.client.users.invite.mutate({ email: 'five@peradmin.test' }), limited(60));
      server.clock.advance({ seconds: 45 });
      const error = await rejectsWith(admin.client.users.resendInvitations.mutate({ ids: [pending.id] }), limited(15));
      assert.match(error.message, /try again in 15 seconds/i);

      const response = await fetch(`${server.apiUrl}/users.invite`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'raw@peradmin.test' }),
      });
      assert.equal(response.status, 429);
      assert.equal(response.headers.get('retry-after'), '15');

      // Reading is not limited; the next window invites again.
      assert.equal((await admin.client.users.summary.query()).counts.pending, 4);
      server.clock.advance({ seconds: 15 });
      assert.equal((await admin.client.users.invite.mutate({ email: 'five@peradmin.test' })).status, 'pending');
    });

    it("admins of one workspace share its budget; another workspace's admins have their own", async () => {
      const { admin } = await seedWorkspace(server, 'PerWorkspace');
      const second = await addActiveUser(server, admin, 'second@perworkspace.test', 'admin');
      const { admin: elsewhere } = await seedWorkspace(server, 'Elsewhere');
      server.clock.advance({ minutes: 1 });
      for (const email of ['a', 'b', 'c']) await admin.client.users.invite.mutate({ email: `${email}@perworkspace.test` });
      await second.client.users.invite.mutate({ email: 'd@perworkspace.test' });
      await second.client.users.invite.mutate({ email: 'e@perworkspace.test' });
      // The second admin has one call of their own left, but the workspace has none.
      await rejectsWithoutChange(server, () => second.client.users.invite.mutate({ email: 'f@perworkspace.test' }), limited(60));
      await rejectsWith(admin.client.users.invite.mutate({ email: 'g@perworkspace.test' }), limited(60));
      assert.equal((await elsewhere.client.users.invite.mutate({ email: 'h@elsewhere.test' })).status, 'pending');
    });

    it('a refused caller spends nobody’s budget: a standard user is FORBIDDEN, not counted', async () => {
      const { admin } = await seedWorkspace(server, 'Forbidden');
      const user = await addActiveUser(server, admin, 'user@forbidden.test');
      server.clock.advance({ minutes: 1 });
      for (let i = 0; i < 10; i++) await rejectsWith(user.client.users.invite.mutate({ email: `x${i}@forbidden.test` }), { code: 'FORBIDDEN' });
      for (const email of ['a', 'b', 'c']) await admin.client.users.invite.mutate({ email: `${email}@forbidden.test` });
    });

    it('uploads have a budget of their own, per admin and per workspace', async () => {
      const { admin } = await seedWorkspace(server, 'Uploads');
      const second = await addActiveUser(server, admin, 'second@uploads.test', 'admin');
      server.clock.advance({ minutes: 1 });
      const file = () => upload(csv([['Email'], ['row@uploads.test']]));
      await admin.client.imports.preview.mutate(file());
      await admin.client.imports.errorReport.mutate(file());
      await rejectsWithoutChange(server, () => admin.client.imports.commit.mutate(file()), limited(60));
      await second.client.imports.commit.mutate(file());
      await rejectsWith(second.client.imports.preview.mutate(file()), limited(60));
      // Inviting by hand is another budget, and the template is a plain read.
      await admin.client.users.invite.mutate({ email: 'by-hand@uploads.test' });
      await admin.client.imports.template.query({ lang: 'en' });
    });
  });

  describe('failed tries with an invitation token, per client address', () => {
    let server: TestServer;
    let admin: SeededPerson;
    before(async () => {
      // Behind a proxy that says who the client is.
      server = await startTestServer({ rateLimits: { tokenFailuresPerIp: 5 }, trustProxy: true });
      ({ admin } = await seedWorkspace(server, 'Guessing'));
    });
    after(() => server.close());

    const from = (address: string) =>
      createTRPCClient<AppRouter>({ links: [httpLink({ url: server.apiUrl, headers: { 'x-forwarded-for': address } })] });

    it('guessing stops after the budget of failures, even for a right guess, and only for that address', async () => {
      const invitee = await addPendingUser(server, admin, 'invitee@guessing.test');
      server.clock.advance({ minutes: 1 });
      const guesser = from('203.0.113.7');
      for (let i = 0; i < 3; i++) await rejectsWith(guesser.invitations.preview.query({ token: generateToken() }), { code: 'NOT_FOUND', reason: 'TOKEN_INVALID' });
      await rejectsWith(guesser.invitations.accept.mutate({ token: generateToken(), firstName: 'G', lastName: 'Uess' }), { code: 'NOT_FOUND' });
      await rejectsWith(guesser.invitations.preview.query({ token: 'short' }), { code: 'BAD_REQUEST' });
      await rejectsWith(guesser.invitations.preview.query({ token: invitee.token }), limited(60));
      await rejectsWithoutChange(server, () => guesser.invitations.accept.mutate({ token: invitee.token, firstName: 'G', lastName: 'Uess' }), limited(60));

      // The invitee, from their own address, is not held up by the guesser.
      const fromInvitee = from('198.51.100.23');
      assert.equal((await fromInvitee.invitations.preview.query({ token: invitee.token })).email, 'invitee@guessing.test');
      // The guesser waits out the window, then has a fresh budget.
      server.clock.advance({ seconds: 45 });
      await rejectsWith(guesser.invitations.preview.query({ token: generateToken() }), limited(15));
      server.clock.advance({ seconds: 15 });
      await rejectsWith(guesser.invitations.preview.query({ token: generateToken() }), { code: 'NOT_FOUND' });
      await fromInvitee.invitations.accept.mutate({ token: invitee.token, firstName: 'In', lastName: 'Vitee' });
    });

    it('links that work are not counted: a whole office behind one address accepts at once', async () => {
      const office = from('192.0.2.50');
      const invitees = [];
      for (let i = 0; i < 12; i++) invitees.push(await addPendingUser(server, admin, `colleague${i}@guessing.test`));
      for (const invitee of invitees) {
        assert.equal((await office.invitations.preview.query({ token: invitee.token })).email, invitee.email);
        await office.invitations.accept.mutate({ token: invitee.token, firstName: 'Col', lastName: 'League' });
      }
    });

    it('spent windows are swept from the database; running ones stay', async () => {
      const windows = () => server.deps.db.selectFrom('rate_limit_windows').select('key').orderBy('key').execute();
      server.clock.advance({ minutes: 5 });
      await rejectsWith(from('203.0.113.8').invitations.preview.query({ token: generateToken() }), { code: 'NOT_FOUND' });
      server.clock.advance({ seconds: 30 });
      await rejectsWith(from('203.0.113.9').invitations.preview.query({ token: generateToken() }), { code: 'NOT_FOUND' });
      assert.ok((await windows()).length > 2);
      server.clock.advance({ seconds: 30 });
      const swept = await server.app.management.rateLimiter.sweep();
      assert.ok(swept >= 1);
      assert.deepEqual(await windows(), [{ key: 'token:ip:203.0.113.9' }]);
    });

    it('session.me is not limited', async () => {
      const client = from('203.0.113.99');
      for (let i = 0; i < 10; i++) assert.equal(await client.session.me.query(), null);
    });
  });

  it('limits come from the environment, with sane defaults', () => {
    assert.deepEqual(DEFAULT_RATE_LIMITS, {
      invitesPerAdmin: 60,
      invitesPerWorkspace: 300,
      importsPerAdmin: 20,
      importsPerWorkspace: 60,
      importTimeoutCost: 10,
      tokenFailuresPerIp: 30,
      windowSeconds: 60,
    });
    const { rateLimits, trustProxy } = loadConfig({
      RATE_LIMIT_INVITES_PER_ADMIN: '10',
      RATE_LIMIT_INVITES_PER_WORKSPACE: '20',
      RATE_LIMIT_IMPORTS_PER_ADMIN: '3',
      RATE_LIMIT_IMPORTS_PER_WORKSPACE: '4',
      RATE_LIMIT_IMPORT_TIMEOUT_COST: '6',
      RATE_LIMIT_TOKEN_FAILURES_PER_IP: '5',
      TRUST_PROXY: '10.0.0.1, 10.1.0.0/16',
    });
    assert.deepEqual(rateLimits, { invitesPerAdmin: 10, invitesPerWorkspace: 20, importsPerAdmin: 3, importsPerWorkspace: 4, importTimeoutCost: 6, tokenFailuresPerIp: 5 });
    assert.deepEqual(trustProxy, ['10.0.0.1', '10.1.0.0/16']);
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.throws(() => loadConfig({ RATE_LIMIT_TOKEN_FAILURES_PER_IP: '0' }), /RATE_LIMIT_TOKEN_FAILURES_PER_IP/);
  });
});
