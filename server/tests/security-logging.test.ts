import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { rejectsWith } from '../testing/assertions.ts';
import { addPendingUser, type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { url: string };
  err?: { message: string; stack?: string };
  [key: string]: unknown;
}

/** The server's log, line by line, as its logger writes it. */
class LogCapture {
  readonly raw: string[] = [];
  write(line: string) {
    this.raw.push(line);
  }
  get lines(): LogLine[] {
    return this.raw.map((line) => JSON.parse(line) as LogLine);
  }
  forRequest(requestId: string): LogLine[] {
    return this.lines.filter((line) => line.reqId === requestId);
  }
}

describe('what the server logs, in production', () => {
  let server: TestServer;
  let admin: SeededPerson;
  const log = new LogCapture();
  before(async () => {
    server = await startTestServer({ production: true, logger: { level: 'info', stream: log } });
    ({ admin } = await seedWorkspace(server, 'Logging'));
  });
  after(() => server.close());

  it('an unexpected error: the client gets the request id and nothing more, the log line for that request has the cause', async () => {
    await sql`alter table audit_log rename to audit_log_gone`.execute(server.database.db);
    try {
      const error = await rejectsWith(admin.client.audit.list.query({}), { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
      const requestId = error.data.requestId;
      assert.ok(requestId);
      assert.equal(error.data.stack, undefined);
      assert.doesNotMatch(JSON.stringify(error.data), /audit_log|no such table/);

      const lines = log.forRequest(requestId);
      const failure = lines.find((line) => line.msg === 'procedure failed');
      assert.ok(failure, `no "procedure failed" line for request ${requestId}: ${JSON.stringify(lines)}`);
      assert.equal(failure.level, 50, 'logged as an error');
      assert.equal(failure.path, 'audit.list');
      assert.match(failure.err?.message ?? '', /audit_log/);
      assert.ok(failure.err?.stack, 'the stack stays in the log');
      // The request's own lines carry the same id: the id a user reports finds everything.
      assert.ok(lines.some((line) => line.msg === 'incoming request'));
      assert.ok(lines.some((line) => line.msg === 'request completed' && (line.res as { statusCode: number }).statusCode === 500));
    } finally {
      await sql`alter table audit_log_gone rename to audit_log`.execute(server.database.db);
    }
  });

  it('expected refusals are not logged as errors', async () => {
    const error = await rejectsWith(admin.client.users.delete.mutate({ ids: [admin.id] }), { code: 'CONFLICT' });
    assert.ok(log.forRequest(error.data.requestId!).every((line) => line.level < 50));
  });

  it('never logs a bearer token, an invitation token or a query input', async () => {
    const invitee = await addPendingUser(server, admin, 'secret@logging.test');
    await server.client().invitations.preview.query({ token: invitee.token });
    await server.client().invitations.accept.mutate({ token: invitee.token, firstName: 'Sec', lastName: 'Ret' });
    await admin.client.users.list.query({ tab: 'active', search: 'Findme Searchterm' });
    const text = log.raw.join('\n');
    assert.ok(log.lines.some((line) => line.req?.url.endsWith('/invitations.preview')), 'the preview request was logged');
    for (const secret of [admin.token, invitee.token, encodeURIComponent(invitee.token), 'Findme']) {
      assert.ok(!text.includes(secret), `the log holds ${secret}`);
    }
  });

  it('a mistyped, malformed or unknown URL: neither the answer nor the log repeats its query', async () => {
    const invitee = await addPendingUser(server, admin, 'typo@logging.test');
    const input = encodeURIComponent(JSON.stringify({ token: invitee.token }));
    const search = encodeURIComponent(JSON.stringify({ tab: 'active', search: 'Typosearchterm' }));
    const cases = [
      // A trailing slash: no route, Fastify's not-found handler.
      { url: `/api/users/invitations.preview/?input=${input}`, status: 404, names: 'Route GET:/api/users/invitations.preview/ not found' },
      { url: `/nowhere?input=${input}`, status: 404, names: 'Route GET:/nowhere not found' },
      // No such procedure: tRPC's own 404.
      { url: `/api/users/users.lisst?input=${search}`, status: 404, names: 'users.lisst' },
      // A broken percent-escape in the path, and a batch past the router's parameter length.
      { url: `/api/users/%E0%A4%A?input=${input}`, status: 400, names: "'/api/users/%E0%A4%A' is not a valid url component" },
      { url: `/api/users/${'session.me,'.repeat(500)}session.me?batch=1&input=${input}`, status: 414, names: 'session.me,session.me' },
    ];
    for (const { url, status, names } of cases) {
      const response = await fetch(`${server.url}${url}`);
      const body = await response.text();
      assert.equal(response.status, status, url);
      for (const secret of [invitee.token, 'Typosearchterm', '?input', 'input=']) assert.ok(!body.includes(secret), `${url}: the answer holds ${secret}: ${body}`);
      assert.ok(body.includes(names), `${url}: the answer names the path: ${body}`);
    }
    const text = log.raw.join('\n');
    for (const secret of [invitee.token, encodeURIComponent(invitee.token), 'Typosearchterm']) assert.ok(!text.includes(secret), `the log holds ${secret}`);
    assert.ok(log.lines.some((line) => line.msg === 'Route GET:/api/users/invitations.preview/ not found'), 'the not-found line names the path');
  });
});
