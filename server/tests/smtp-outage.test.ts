import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createSmtpMailer } from '../mail/mailer.ts';
import { seedWorkspace, type SeededPerson, startTestServer, type TestServer } from '../testing/harness.ts';

interface Received {
  to: string[];
  messageId: string | undefined;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives; it can be stopped and started again on its port. */
class TestSmtpServer {
  readonly received: Received[] = [];
  #server: SMTPServer | undefined;
  port = 0;

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (raw += chunk));
        stream.on('end', () => {
          const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1];
          this.received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), messageId });
          callback();
        });
      },
    });
    server.listen(this.port, '127.0.0.1');
    await once(server.server, 'listening');
    this.port = (server.server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('SMTP down, then back', () => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  let admin: SeededPerson;
  before(async () => {
    smtp = new TestSmtpServer();
    await smtp.start();
    server = await startTestServer({ mailer: createSmtpMailer(`smtp://127.0.0.1:${smtp.port}`, 'PANTA <no-reply@portal.test>') });
    ({ admin } = await seedWorkspace(server, 'Smtp'));
  });
  after(async () => {
    await server?.close();
    await smtp?.stop();
  });

  const outbox = () => server.database.db.selectFrom('outbox').selectAll().orderBy('recipient').execute();

  it('invitations made while the SMTP server is down are queued, then each is delivered once after it returns', async () => {
    // Up: one invitation goes out, over real SMTP.
    await admin.client.users.invite.mutate({ email: 'before@smtp.test' });
    await server.app.management.flushOutbox();
    assert.deepEqual(smtp.received.map((message) => message.to), [['before@smtp.test']]);

    await smtp.stop();
    const emails = ['ann@smtp.test', 'bo@smtp.test', 'cy@smtp.test', 'dee@smtp.test', 'eve@smtp.test'];
    for (const email of emails) {
      // The admin's call succeeds: the invitation is made and its email waits in the outbox.
      const invited = await admin.client.users.invite.mutate({ email });
      assert.equal(invited.status, 'pending');
    }
    await server.app.management.flushOutbox();
    let rows = (await outbox()).filter((row) => emails.includes(row.recipient));
    assert.equal(rows.length, emails.length);
    for (const row of rows) {
      assert.equal(row.delivered_at, null);
      assert.equal(row.attempts, 1);
      assert.match(row.last_error ?? '', /ECONNREFUSED|connect/i);
      assert.ok(row.payload, 'kept for the retry');
    }
    // Still down at the first retry (30 s later): nothing is lost, the next wait doubles.
    server.clock.advance({ seconds: 30 });
    await server.app.management.flushOutbox();
    rows = (await outbox()).filter((row) => emails.includes(row.recipient));
    assert.ok(rows.every((row) => row.attempts === 2 && row.delivered_at === null));
    assert.equal(smtp.received.length, 1);

    // Back on the same port; at the next retry every waiting invitation goes out.
    await smtp.start();
    server.clock.advance({ seconds: 60 });
    await server.app.management.flushOutbox();
    rows = await outbox();
    assert.ok(rows.every((row) => row.delivered_at !== null && row.payload === null));
    // Later runs send nothing again.
    server.clock.advance({ hours: 2 });
    await server.app.management.flushOutbox();

    const recipients = smtp.received.flatMap((message) => message.to).sort();
    assert.deepEqual(recipients, ['before@smtp.test', ...emails].sort(), 'each invitation delivered once, none twice');
    const ids = smtp.received.map((message) => message.messageId);
    assert.equal(new Set(ids).size, ids.length);
    for (const row of rows) {
      const message = smtp.received.find((received) => received.to.includes(row.recipient));
      assert.match(message?.messageId ?? '', new RegExp(`^<${row.id}\\.invitation@`), 'the Message-ID names the outbox message');
    }
  });
});
