import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { rejectsWith, rejectsWithoutChange } from '../testing/assertions.ts';
import { type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('errors', () => {
  let server: TestServer;
  let admin: SeededPerson;
  before(async () => {
    server = await startTestServer();
    ({ admin } = await seedWorkspace(server, 'Errors'));
  });
  after(() => server.close());

  describe('input errors are BAD_REQUEST with field errors', () => {
    it('an invalid email names the email field', async () => {
      const error = await rejectsWithoutChange(server, () => admin.client.users.invite.mutate({ email: 'not-an-email' }), {
        code: 'BAD_REQUEST',
        httpStatus: 400,
        message: 'Enter a valid email address',
      });
      assert.deepEqual(error.data.fieldErrors, { email: ['Enter a valid email address'] });
    });

    it('an empty email, an unknown role, a name with a control character', async () => {
      const empty = await rejectsWith(admin.client.users.invite.mutate({ email: '   ' }), { code: 'BAD_REQUEST' });
      assert.ok(empty.data.fieldErrors?.email);
      const role = await rejectsWith(admin.client.users.invite.mutate({ email: 'a@b.test', role: 'owner' as 'admin' }), { code: 'BAD_REQUEST' });
      assert.deepEqual(role.data.fieldErrors?.role, ['Choose Admin or Standard user']);
      const name = await rejectsWith(admin.client.users.invite.mutate({ email: 'a@b.test', firstName: 'a\u0007b' }), { code: 'BAD_REQUEST' });
      assert.ok(name.data.fieldErrors?.firstName);
    });

    it('a malformed user id names the id field; an edit with nothing to change is a form error', async () => {
      const id = await rejectsWith(admin.client.users.get.query({ id: 'nope' }), { code: 'BAD_REQUEST' });
      assert.deepEqual(id.data.fieldErrors?.id, ['Not a user id']);
      const nothing = await rejectsWith(admin.client.users.update.mutate({ id: admin.id }), { code: 'BAD_REQUEST' });
      assert.deepEqual(nothing.data.formErrors, ['Nothing to change']);
    });

    it('a bulk call needs 1 to 100 ids', async () => {
      const none = await rejectsWith(admin.client.users.delete.mutate({ ids: [] }), { code: 'BAD_REQUEST' });
      assert.ok(none.data.fieldErrors?.ids);
      const ids = Array.from({ length: 101 }, () => crypto.randomUUID());
      const many = await rejectsWith(admin.client.users.delete.mutate({ ids }), { code: 'BAD_REQUEST' });
      assert.ok(many.data.fieldErrors?.ids);
    });

    it('unknown keys are refused', async () => {
      const error = await rejectsWithoutChange(
        server,
        () => admin.client.users.invite.mutate({ email: 'extra@errors.test', isOwner: true } as never),
        { code: 'BAD_REQUEST' },
      );
      assert.match(JSON.stringify(error.data), /isOwner/);
      await rejectsWith(admin.client.users.list.query({ tab: 'active', sort: { by: 'name', nulls: 'first' } } as never), { code: 'BAD_REQUEST' });
      await rejectsWith(server.client().invitations.accept.mutate({ token: 'x'.repeat(43), firstName: 'A', lastName: 'B', role: 'admin' } as never), {
        code: 'BAD_REQUEST',
      });
    });
  });

  it('a domain error carries its reason and the request id', async () => {
    const error = await rejectsWith(admin.client.users.delete.mutate({ ids: [admin.id] }), { code: 'CONFLICT', httpStatus: 409, reason: 'SELF_DELETE' });
    assert.match(error.data.requestId ?? '', UUID);
  });

  it('an unknown procedure is NOT_FOUND', async () => {
    const response = await fetch(`${server.apiUrl}/users.nothing`, { headers: { authorization: `Bearer ${admin.token}` } });
    assert.equal(response.status, 404);
  });

  describe('maxBatchSize', () => {
    const batch = (calls: number) => {
      const paths = Array.from({ length: calls }, () => 'users.summary').join(',');
      const input = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, {}]))));
      return fetch(`${server.apiUrl}/${paths}?batch=1&input=${input}`, { headers: { authorization: `Bearer ${admin.token}` } });
    };

    it('answers a batch of 20 calls', async () => {
      const response = await batch(20);
      assert.equal(response.status, 200);
      const body = (await response.json()) as unknown[];
      assert.equal(body.length, 20);
    });

    it('refuses a batch of 21 calls as a whole', async () => {
      const response = await batch(21);
      assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}`);
      const text = await response.text();
      assert.doesNotMatch(text, /"counts"/);
      assert.match(text, /batch/i);
    });
  });

  it('outside production an unexpected error keeps its message and stack', async () => {
    const local = await startTestServer();
    try {
      const { admin: owner } = await seedWorkspace(local, 'Dev');
      await sql`drop table audit_log`.execute(local.database.db);
      const error = await rejectsWith(owner.client.audit.list.query({}), { code: 'INTERNAL_SERVER_ERROR', reason: 'INTERNAL' });
      assert.match(error.message, /audit_log/);
      assert.ok(error.data.stack, 'no stack outside production');
    } finally {
      await local.close();
    }
  });
});

describe('errors in production', () => {
  let server: TestServer;
  let admin: SeededPerson;
  before(async () => {
    server = await startTestServer({ production: true });
    ({ admin } = await seedWorkspace(server, 'Production'));
    // An unexpected failure: the table the audit log reads from is gone.
    await sql`drop table audit_log`.execute(server.database.db);
  });
  after(() => server.close());

  it('an unexpected error says only "Internal server error", without a stack, with a request id', async () => {
    const error = await rejectsWith(admin.client.audit.list.query({}), {
      code: 'INTERNAL_SERVER_ERROR',
      httpStatus: 500,
      reason: 'INTERNAL',
      message: 'Internal server error',
    });
    assert.equal(error.data.stack, undefined);
    assert.match(error.data.requestId ?? '', UUID);
  });

  it('nothing of the cause reaches the wire', async () => {
    const response = await fetch(`${server.apiUrl}/audit.list?input=${encodeURIComponent('{}')}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.doesNotMatch(text, /audit_log|no such table|SqliteError|\.ts:\d+/);
    assert.match(text, /Internal server error/);
  });

  it('an unexpected error inside a write rolls the write back', async () => {
    // Inviting writes the user, the invitation and the outbox message, then the audit entry, which fails.
    await rejectsWith(admin.client.users.invite.mutate({ email: 'rollback@production.test' }), { code: 'INTERNAL_SERVER_ERROR' });
    for (const table of ['users', 'invitations', 'outbox'] as const) {
      const rows = await server.database.db.selectFrom(table).select('id').where('workspace_id', '!=', '').execute();
      assert.equal(rows.length, table === 'users' ? 1 : 0, `${table} kept part of the failed invitation`);
    }
  });

  it('expected errors keep their message in production', async () => {
    await rejectsWith(admin.client.users.delete.mutate({ ids: [admin.id] }), { code: 'CONFLICT', message: 'You cannot delete yourself' });
    const input = await rejectsWith(admin.client.users.invite.mutate({ email: 'nope' }), { code: 'BAD_REQUEST' });
    assert.ok(input.data.fieldErrors?.email);
    assert.equal(input.data.stack, undefined);
  });
});
