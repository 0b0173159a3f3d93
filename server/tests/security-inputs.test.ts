import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { csv, upload } from '../testing/spreadsheets.ts';
import { rejectsWithoutChange, snapshotDatabase } from '../testing/assertions.ts';
import { startTestServer, type TestServer } from '../testing/harness.ts';
import { type Fixture, procedures, SAMPLES, setUpFixture } from '../testing/procedure-samples.ts';

/**
 * Keys nobody may send: a workspace to act in, a state to set, and a prototype to pollute. Each is
 * raw JSON text, because an object literal's `__proto__` would set its prototype, not a key.
 */
const UNKNOWN_KEYS = (f: Fixture): Record<string, string> => ({
  workspaceId: JSON.stringify(f.foreignAdmin.workspaceId),
  deletedAt: JSON.stringify('2020-01-01T00:00:00.000Z'),
  __proto__: JSON.stringify({ role: 'admin', isAdmin: true }),
});

/** The sample input as JSON with one more key. */
function withKey(input: unknown, key: string, valueJson: string): string {
  const base = input === undefined ? '{}' : JSON.stringify(input);
  const rest = base.slice(1, -1);
  return `{${rest}${rest ? ',' : ''}${JSON.stringify(key)}:${valueJson}}`;
}

describe('strict inputs', () => {
  let server: TestServer;
  let f: Fixture;
  before(async () => {
    server = await startTestServer();
    f = await setUpFixture(server);
  });
  after(() => server.close());

  for (const path of Object.keys(procedures).sort()) {
    const type = procedures[path]!._def.type;
    it(`${path} refuses workspaceId, deletedAt and __proto__ as BAD_REQUEST, changing nothing`, async () => {
      const sample = SAMPLES[path];
      assert.ok(sample, `${path} has no sample input: add it to SAMPLES in server/testing/procedure-samples.ts`);
      const token = sample.access === 'public' ? null : f.admin.token;
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      for (const [key, valueJson] of Object.entries(UNKNOWN_KEYS(f))) {
        const input = sample.input?.(f);
        const before = await snapshotDatabase(server);
        let response: Response;
        if (input instanceof FormData) {
          input.append(key, JSON.parse(valueJson) as string);
          response = await fetch(`${server.apiUrl}/${path}`, { method: 'POST', headers, body: input });
        } else if (type === 'query' || type === 'subscription') {
          response = await fetch(`${server.apiUrl}/${path}?input=${encodeURIComponent(withKey(input, key, valueJson))}`, { headers });
        } else {
          response = await fetch(`${server.apiUrl}/${path}`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: withKey(input, key, valueJson),
          });
        }
        let text = await response.text();
        if (type === 'subscription') {
          // An event stream has started (200) before its input is read: the error is its
          // `serialized-error` event, after which the stream ends.
          assert.equal(response.status, 200, `${path} with ${key}: ${text.slice(0, 300)}`);
          const error = /^event: serialized-error\ndata: (.*)$/m.exec(text)?.[1];
          assert.ok(error, `${path} with ${key}: no error event in ${text.slice(0, 300)}`);
          text = JSON.stringify({ error: JSON.parse(error) });
        } else {
          assert.equal(response.status, 400, `${path} with ${key}: ${text.slice(0, 300)}`);
        }
        assert.equal((JSON.parse(text) as { error: { data: { code: string } } }).error.data.code, 'BAD_REQUEST');
        assert.match(text, new RegExp(key === '__proto__' ? '__proto__' : key), `${path}: the answer names ${key}`);
        assert.deepEqual(await snapshotDatabase(server), before, `${path} with ${key} changed the database`);
      }
      assert.equal(({} as Record<string, unknown>).isAdmin, undefined, 'Object.prototype was polluted');
    });
  }
});

describe('roles', () => {
  let server: TestServer;
  let f: Fixture;
  before(async () => {
    server = await startTestServer();
    f = await setUpFixture(server);
  });
  after(() => server.close());

  const roleOf = async (id: string) => (await server.deps.db.selectFrom('users').select('role').where('id', '=', id).executeTakeFirstOrThrow()).role;

  it('a standard user can change no role, their own included, by any route', async () => {
    const user = f.standard;
    for (const id of [user.id, f.target.id, f.admin.id]) {
      await rejectsWithoutChange(server, () => user.client.users.update.mutate({ id, role: id === f.admin.id ? 'user' : 'admin' }), {
        code: 'FORBIDDEN',
        reason: 'NOT_ADMIN',
      });
    }
    await rejectsWithoutChange(server, () => user.client.users.invite.mutate({ email: 'friend@roles.test', role: 'admin' }), { code: 'FORBIDDEN' });
    await rejectsWithoutChange(server, () => user.client.imports.commit.mutate(upload(csv([['Email', 'Role'], [user.email, 'Admin']]))), {
      code: 'FORBIDDEN',
    });
    // Nor by dressing a role up as another field, or through their invitation link.
    await rejectsWithoutChange(server, () => user.client.users.update.mutate({ id: user.id, firstName: 'Me', isAdmin: true } as never), {
      code: 'FORBIDDEN',
    });
    await rejectsWithoutChange(
      server,
      () => server.client().invitations.accept.mutate({ token: f.pending.token, firstName: 'P', lastName: 'E', role: 'admin' } as never),
      { code: 'BAD_REQUEST' },
    );
    assert.equal(await roleOf(user.id), 'user');
    assert.equal(await roleOf(f.target.id), 'user');
    assert.equal(await roleOf(f.admin.id), 'admin');
    assert.equal((await user.client.session.me.query())?.isAdmin, false);
  });

  it('a just-demoted admin cannot promote themselves back', async () => {
    await rejectsWithoutChange(server, () => f.demoted.client.users.update.mutate({ id: f.demoted.id, role: 'admin' }), { code: 'FORBIDDEN' });
    assert.equal(await roleOf(f.demoted.id), 'user');
  });
});
