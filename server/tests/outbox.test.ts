import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { rejectsWith } from '../testing/assertions.ts';
import { invitationTokenFor, type SeededPerson, seedWorkspace, signIn, startTestServer, type TestServer } from '../testing/harness.ts';
import { FlakyMailbox } from '../testing/mailbox.ts';

describe('invitation email through the outbox', () => {
  let server: TestServer;
  let mailbox: FlakyMailbox;
  let admin: SeededPerson;
  before(async () => {
    mailbox = new FlakyMailbox();
    server = await startTestServer({ mailbox, publicUrl: 'https://portal.example.com/workspace' });
    ({ admin } = await seedWorkspace(server, 'Outbox'));
  });
  after(() => server.close());

  const outboxTo = (recipient: string) =>
    server.database.db.selectFrom('outbox').selectAll().where('recipient', '=', recipient).orderBy('created_at').execute();

  it('is written with the invitation and handed to the mailer only after the commit', { timeout: 5000 }, async () => {
    const seenAtSend: { user: boolean; outbox: boolean }[] = [];
    mailbox.beforeSend = async (message) => {
      // Inside the invitation's transaction this would wait for ever on the one connection.
      const user = await server.database.db.selectFrom('users').select('id').where('email', '=', message.to).executeTakeFirst();
      const rows = await outboxTo(message.to);
      seenAtSend.push({ user: user !== undefined, outbox: rows.length === 1 });
    };
    try {
      const invited = await admin.client.users.invite.mutate({ email: 'amy@outbox.test' });
      await server.app.management.flushOutbox();
      assert.deepEqual(seenAtSend, [{ user: true, outbox: true }]);
      const [row] = await outboxTo('amy@outbox.test');
      assert.ok(row?.delivered_at);
      assert.equal(row?.attempts, 1);
      assert.equal(row?.payload, null);
      const invitation = await server.database.db.selectFrom('invitations').select('id').where('user_id', '=', invited.id).executeTakeFirstOrThrow();
      assert.equal(row?.invitation_id, invitation.id);
    } finally {
      mailbox.beforeSend = undefined;
    }
  });

  it('an SMTP outage delays the invitation but never loses it', async () => {
    mailbox.down = true;
    const attemptsBefore = mailbox.attempts;
    await admin.client.users.invite.mutate({ email: 'ben@outbox.test' });
    await server.app.management.flushOutbox();
    assert.equal(mailbox.attempts, attemptsBefore + 1);
    assert.equal(mailbox.latestTo('ben@outbox.test'), undefined);
    let [row] = await outboxTo('ben@outbox.test');
    assert.equal(row?.attempts, 1);
    assert.equal(row?.delivered_at, null);
    assert.equal(row?.dropped_at, null);
    assert.match(row?.last_error ?? '', /unreachable/);
    assert.ok(row?.payload, 'the message must be kept for a retry');

    // Not due again before the retry delay (30 s).
    server.clock.advance({ seconds: 29 });
    await server.app.management.flushOutbox();
    assert.equal(mailbox.attempts, attemptsBefore + 1);

    // Due, still down: the next delay doubles.
    server.clock.advance({ seconds: 1 });
    await server.app.management.flushOutbox();
    assert.equal(mailbox.attempts, attemptsBefore + 2);
    [row] = await outboxTo('ben@outbox.test');
    assert.equal(row?.attempts, 2);
    assert.equal(row?.next_attempt_at, new Date(server.clock.now().getTime() + 60_000).toISOString());

    mailbox.down = false;
    server.clock.advance({ seconds: 60 });
    const token = await invitationTokenFor(server, 'ben@outbox.test');
    [row] = await outboxTo('ben@outbox.test');
    assert.ok(row?.delivered_at);
    assert.equal(row?.payload, null);
    const accepted = await server.client().invitations.accept.mutate({ token, firstName: 'Ben', lastName: 'B' });
    assert.equal(accepted.user.status, 'active');
  });

  it('a message whose link was replaced before delivery is dropped, not sent', async () => {
    mailbox.down = true;
    const invited = await admin.client.users.invite.mutate({ email: 'cleo@outbox.test' });
    await server.app.management.flushOutbox();
    mailbox.down = false;
    server.clock.advance({ minutes: 1 });
    const fresh = await signIn(server, admin);
    await fresh.client.users.resendInvitations.mutate({ ids: [invited.id] });
    await server.app.management.flushOutbox();

    const sent = mailbox.messages.filter((message) => message.to === 'cleo@outbox.test');
    assert.equal(sent.length, 1);
    const rows = await outboxTo('cleo@outbox.test');
    assert.equal(rows.length, 2);
    assert.equal(rows.filter((row) => row.dropped_at).length, 1);
    assert.equal(rows.filter((row) => row.delivered_at).length, 1);
    assert.ok(rows.every((row) => row.payload === null));
    const token = await invitationTokenFor(server, 'cleo@outbox.test');
    assert.equal((await server.client().invitations.preview.query({ token })).email, 'cleo@outbox.test');
  });

  it('the link is PUBLIC_URL + /accept#token=…, never built from the Host header', async () => {
    // A request that claims to come to another host.
    const body = JSON.stringify({ email: 'dina@outbox.test' });
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${server.apiUrl}/users.invite`);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            host: 'evil.example',
            'x-forwarded-host': 'evil.example',
            'content-type': 'application/json',
            authorization: `Bearer ${admin.token}`,
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 200);
    const token = await invitationTokenFor(server, 'dina@outbox.test');
    const message = mailbox.latestTo('dina@outbox.test');
    const link = `https://portal.example.com/workspace/accept#token=${encodeURIComponent(token)}`;
    assert.ok(message?.text.includes(link), message?.text);
    assert.ok(message?.html.includes(link), message?.html);
    assert.doesNotMatch(`${message?.text}${message?.html}`, /evil\.example|127\.0\.0\.1/);
    assert.match(message?.subject ?? '', /Outbox/);
  });

  it('the link in the email works once', async () => {
    await admin.client.users.invite.mutate({ email: 'eli@outbox.test' });
    const token = await invitationTokenFor(server, 'eli@outbox.test');
    await server.client().invitations.accept.mutate({ token, firstName: 'Eli', lastName: 'E' });
    await rejectsWith(server.client().invitations.accept.mutate({ token, firstName: 'Eli', lastName: 'E' }), { reason: 'TOKEN_USED' });
  });
});
