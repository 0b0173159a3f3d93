import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { loadConfig } from '../config.ts';
import { openDatabase, type OpenedDatabase } from '../db/database.ts';
import { pantaUserManagement } from '../plugin.ts';
import { bearerSessionAuthenticate } from '../context.ts';
import { createSession } from '../services/sessions.ts';
import { createWorkspace } from '../services/workspaces.ts';
import { snapshotDatabase } from '../testing/assertions.ts';
import { ManualClock } from '../testing/clock.ts';
import { addPendingUser, type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';
import { csv, upload } from '../testing/spreadsheets.ts';
import { UserManagement } from '../user-management.ts';

const PORTAL = 'https://portal.test';
const ELSEWHERE = 'https://attacker.test';

/** Every way a page on another site can send a request without a CORS preflight, besides JSON. */
const simpleBodies = (json: string): { name: string; headers: Record<string, string>; body: BodyInit }[] => [
  { name: 'text/plain', headers: { 'content-type': 'text/plain' }, body: json },
  { name: 'form-encoded', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `input=${encodeURIComponent(json)}` },
  { name: 'no content type', headers: {}, body: new TextEncoder().encode(json) },
  { name: 'octet-stream', headers: { 'content-type': 'application/octet-stream' }, body: new TextEncoder().encode(json) },
];

describe('cross-site requests', () => {
  let server: TestServer;
  let admin: SeededPerson;
  before(async () => {
    server = await startTestServer({ corsOrigins: [PORTAL] });
    ({ admin } = await seedWorkspace(server, 'CrossSite'));
  });
  after(() => server.close());

  const post = (path: string, init: { headers?: Record<string, string>; body?: BodyInit | null }, token: string | null = admin.token) =>
    fetch(`${server.apiUrl}/${path}`, {
      method: 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
      body: init.body ?? null,
    });

  it('refuses a mutation sent as text/plain, form-encoded, without a content type or as raw bytes, changing nothing', async () => {
    const before = await snapshotDatabase(server);
    for (const { name, headers, body } of simpleBodies(JSON.stringify({ email: 'csrf@crosssite.test' }))) {
      const response = await post('users.invite', { headers, body });
      assert.equal(response.status, 415, name);
      const answer = (await response.json()) as { error: { data: { code: string } } };
      assert.equal(answer.error.data.code, 'UNSUPPORTED_MEDIA_TYPE', name);
    }
    const empty = await post('session.signOut', {});
    assert.equal(empty.status, 415, 'a POST without a body or content type');
    assert.deepEqual(await snapshotDatabase(server), before);
    // The session survived the refused sign-out, and the same call as JSON works.
    const json = await post('users.invite', { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ email: 'json@crosssite.test' }) });
    assert.equal(json.status, 200);
  });

  it('refuses the public accept endpoint in those shapes too: the link stays unused', async () => {
    const invitee = await addPendingUser(server, admin, 'accept@crosssite.test');
    for (const { name, headers, body } of simpleBodies(JSON.stringify({ token: invitee.token, firstName: 'A', lastName: 'B' }))) {
      const response = await post('invitations.accept', { headers, body }, null);
      assert.equal(response.status, 415, name);
    }
    assert.equal((await server.client().invitations.preview.query({ token: invitee.token })).email, 'accept@crosssite.test');
  });

  it('takes multipart only on the upload procedures', async () => {
    const form = upload(csv([['Email'], ['multi@crosssite.test']]));
    for (const path of ['users.invite', 'users.delete', 'invitations.accept', 'session.signOut']) {
      const response = await post(path, { body: form });
      assert.equal(response.status, 415, path);
    }
    // A batch is never an upload.
    const batched = await post('imports.preview,imports.preview?batch=1', { body: form });
    assert.equal(batched.status, 415);
    // The uploads themselves work, and refuse JSON and the simple shapes.
    const preview = await admin.client.imports.preview.mutate(upload(csv([['Email'], ['multi@crosssite.test']])));
    assert.equal(preview.totals.invite, 1);
    for (const { name, headers, body } of [
      ...simpleBodies('Email\r\nplain@crosssite.test'),
      { name: 'json', headers: { 'content-type': 'application/json' }, body: '{}' },
    ]) {
      const response = await post('imports.commit', { headers, body });
      assert.equal(response.status, 415, name);
    }
    assert.equal((await admin.client.users.list.query({ tab: 'pending', search: 'crosssite' })).items.some((user) => user.email.startsWith('plain')), false);
  });

  it('refuses mutations over GET, alone or in a batch, and other methods', async () => {
    const before = await snapshotDatabase(server);
    const input = encodeURIComponent(JSON.stringify({ ids: [admin.id] }));
    const get = await fetch(`${server.apiUrl}/users.delete?input=${input}`, { headers: { authorization: `Bearer ${admin.token}` } });
    assert.equal(get.status, 405);
    const batchInput = encodeURIComponent(JSON.stringify({ 0: {}, 1: { email: 'get@crosssite.test' } }));
    const mixed = await fetch(`${server.apiUrl}/users.summary,users.invite?batch=1&input=${batchInput}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(mixed.status, 405);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const response = await fetch(`${server.apiUrl}/users.invite`, {
        method,
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'put@crosssite.test' }),
      });
      assert.equal(response.status, 405, method);
    }
    assert.deepEqual(await snapshotDatabase(server), before);
    // Queries over GET are what the client sends, and work.
    const summary = await fetch(`${server.apiUrl}/users.summary`, { headers: { authorization: `Bearer ${admin.token}` } });
    assert.equal(summary.status, 200);
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      fetch(`${server.apiUrl}/users.invite`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });

    it('answers a configured origin with exactly that origin and no credentials', async () => {
      const response = await preflight(PORTAL);
      assert.ok(response.status < 300, `status ${response.status}`);
      assert.equal(response.headers.get('access-control-allow-origin'), PORTAL);
      assert.equal(response.headers.get('access-control-allow-credentials'), null);
      const call = await fetch(`${server.apiUrl}/users.summary`, { headers: { origin: PORTAL, authorization: `Bearer ${admin.token}` } });
      assert.equal(call.headers.get('access-control-allow-origin'), PORTAL);
      assert.equal(call.headers.get('access-control-allow-credentials'), null);
    });

    it('gives any other origin nothing to go on, never `*`', async () => {
      for (const origin of [ELSEWHERE, `${PORTAL}.attacker.test`, 'null', 'http://portal.test']) {
        const response = await preflight(origin);
        assert.equal(response.headers.get('access-control-allow-origin'), null, origin);
        assert.equal(response.headers.get('access-control-allow-credentials'), null, origin);
        const call = await fetch(`${server.apiUrl}/users.summary`, { headers: { origin, authorization: `Bearer ${admin.token}` } });
        assert.equal(call.headers.get('access-control-allow-origin'), null, origin);
      }
    });

    it('every answer to an actual request varies by Origin, so a shared cache keeps origins apart', async () => {
      const authorization = `Bearer ${admin.token}`;
      const requests: [string, RequestInit][] = [
        ['users.summary', {}],
        ['users.summary,users.list?batch=1&input=%7B%221%22%3A%7B%22tab%22%3A%22active%22%7D%7D', {}],
        ['users.invite', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'vary@crosssite.test' }) }],
        ['users.invite', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }],
        ['no.such.procedure', {}],
        ['export?tab=active&format=csv', {}],
      ];
      for (const origin of [PORTAL, ELSEWHERE, undefined]) {
        for (const [path, init] of requests) {
          const response = await fetch(`${server.apiUrl}/${path}`, {
            ...init,
            headers: { ...(init.headers as Record<string, string>), authorization, ...(origin ? { origin } : {}) },
          });
          await response.arrayBuffer();
          const vary = (response.headers.get('vary') ?? '').split(',').map((name) => name.trim().toLowerCase());
          assert.ok(vary.includes('origin'), `${path} from ${origin ?? 'no origin'} (${response.status}): Vary is ${response.headers.get('vary')}`);
        }
      }
    });

    it('CORS_ORIGINS refuses a wildcard or anything but origins', () => {
      for (const value of ['*', 'https://portal.test, *', 'https://*.portal.test', 'https://portal.test/path', 'portal.test']) {
        assert.throws(() => loadConfig({ CORS_ORIGINS: value }), /CORS_ORIGINS/, value);
      }
      assert.deepEqual(loadConfig({ CORS_ORIGINS: ' https://a.test ,http://localhost:5173' }).corsOrigins, ['https://a.test', 'http://localhost:5173']);
    });
  });
});

describe('cross-site requests to a host that mounts the plugin', () => {
  let database: OpenedDatabase;
  let host: FastifyInstance;
  let apiUrl: string;
  let token: string;
  let authentications = 0;

  before(async () => {
    database = await openDatabase(':memory:');
    const management = new UserManagement({
      db: database.db,
      settings: loadConfig({ NODE_ENV: 'test', PUBLIC_URL: PORTAL }),
      clock: new ManualClock(),
    });
    const { owner } = await createWorkspace(management.deps, { name: 'Host', owner: { email: 'owner@host.test', firstName: 'O', lastName: 'Wner' } });
    ({ token } = await createSession(database.db, management.deps, owner));
    host = Fastify();
    await host.register(pantaUserManagement, {
      prefix: '/users-api',
      management,
      jobs: false,
      trustedOrigins: [PORTAL],
      authenticate: async (request, deps) => {
        authentications += 1;
        return bearerSessionAuthenticate(request, deps);
      },
    });
    await host.listen({ port: 0, host: '127.0.0.1' });
    const address = host.server.address();
    apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/users-api`;
  });

  after(async () => {
    await host.close();
    await database.close();
  });

  it('refuses before authenticate or any procedure runs', async () => {
    for (const { name, headers, body } of simpleBodies(JSON.stringify({ email: 'csrf@host.test' }))) {
      const response = await fetch(`${apiUrl}/users.invite`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });
      assert.equal(response.status, 415, name);
    }
    const get = await fetch(`${apiUrl}/session.signOut`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(get.status, 405);
    assert.equal(authentications, 0);
  });

  it('with trustedOrigins, refuses a POST from another origin and takes one from a trusted origin or without Origin', async () => {
    const invite = (origin: string | null, email: string) =>
      fetch(`${apiUrl}/users.invite`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(origin ? { origin } : {}) },
        body: JSON.stringify({ email }),
      });
    const refused = await invite(ELSEWHERE, 'elsewhere@host.test');
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { data: { code: string } } }).error.data.code, 'FORBIDDEN');
    assert.equal((await invite(PORTAL, 'portal@host.test')).status, 200);
    assert.equal((await invite(null, 'script@host.test')).status, 200);
    const emails = (await database.db.selectFrom('users').select('email').execute()).map((row) => row.email);
    assert.ok(!emails.includes('elsewhere@host.test'));
  });

  it('marks API answers nosniff', async () => {
    const response = await fetch(`${apiUrl}/session.me`);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  });

  it('lets no cache keep an API answer: the people of a workspace stay off shared computers\' disks', async () => {
    const signedIn = { authorization: `Bearer ${token}` };
    const answers = [
      await fetch(`${apiUrl}/session.me`, { headers: signedIn }),
      await fetch(`${apiUrl}/users.list?input=${encodeURIComponent('{"tab":"active"}')}`, { headers: signedIn }),
      await fetch(`${apiUrl}/session.me,users.summary?batch=1&input=%7B%7D`, { headers: signedIn }),
      await fetch(`${apiUrl}/users.list`),
    ];
    assert.deepEqual(
      answers.map((response) => [response.status, response.headers.get('cache-control')]),
      [
        [200, 'no-store'],
        [200, 'no-store'],
        [200, 'no-store'],
        [401, 'no-store'],
      ],
    );
  });
});
