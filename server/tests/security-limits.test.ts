import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadConfig, DEFAULT_TIMEOUTS } from '../config.ts';
import { snapshotDatabase } from '../testing/assertions.ts';
import { type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

/**
 * Opens a raw connection, lets `behave` write to it (and maybe keep writing), and resolves with
 * what the server sent once the server has closed it. A server that never closes it fails the
 * test by the test's own timeout.
 */
async function untilClosed(url: string, behave: (socket: Socket) => (() => void) | void): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const stop = behave(socket);
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  stop?.();
  return received;
}

/** Writes one more byte at every tick until the connection closes: a client that never finishes. */
const trickle = (socket: Socket, byte: string) => {
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(byte);
  }, 50);
  return () => clearInterval(timer);
};

const cutOff = (received: string, what: string) =>
  assert.ok(received === '' || received.startsWith('HTTP/1.1 408'), `${what}: ${received.slice(0, 80)}`);

describe('limits', () => {
  describe('a slow client is cut off after REQUEST_TIMEOUT_MS', () => {
    let server: TestServer;
    let admin: SeededPerson;
    before(async () => {
      server = await startTestServer({ requestTimeoutMs: 1000 });
      ({ admin } = await seedWorkspace(server, 'Slow'));
    });
    after(() => server.close());

    const api = () => new URL(server.apiUrl).pathname;

    it('one that connects and sends nothing', { timeout: 20_000 }, async () => {
      cutOff(await untilClosed(server.url, () => {}), 'silent');
    });

    it('one that stops in the middle of its headers', { timeout: 20_000 }, async () => {
      const received = await untilClosed(server.url, (socket) => {
        socket.write(`POST ${api()}/users.invite HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin.token}\r\n`);
      });
      cutOff(received, 'half the headers');
    });

    it('one that sends its headers a byte at a time and never ends them', { timeout: 20_000 }, async () => {
      const received = await untilClosed(server.url, (socket) => {
        socket.write(`GET ${api()}/users.summary HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
        return trickle(socket, 'a');
      });
      cutOff(received, 'trickled headers');
    });

    it('one that never finishes its body, JSON or upload, still or trickling', { timeout: 30_000 }, async () => {
      const before = await snapshotDatabase(server);
      const json = (socket: Socket) =>
        socket.write(
          `POST ${api()}/users.invite HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin.token}\r\n` +
            `Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":"slow@slow.test"`,
        );
      const multipart = (socket: Socket) =>
        socket.write(
          `POST ${api()}/imports.commit HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin.token}\r\n` +
            `Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n` +
            `--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nEmail\r\nslow@slow.test\r\n`,
        );
      cutOff(await untilClosed(server.url, (socket) => void json(socket)), 'JSON body stopped');
      cutOff(await untilClosed(server.url, (socket) => void multipart(socket)), 'upload stopped');
      cutOff(await untilClosed(server.url, (socket) => (json(socket), trickle(socket, ' '))), 'JSON body trickled');
      cutOff(await untilClosed(server.url, (socket) => (multipart(socket), trickle(socket, 'a'))), 'upload trickled');
      assert.deepEqual(await snapshotDatabase(server), before);
      // Meanwhile everybody else is served.
      assert.equal((await admin.client.users.summary.query()).counts.active, 1);
    });
  });

  it('a connection gone silent is closed after CONNECTION_TIMEOUT_MS, well before REQUEST_TIMEOUT_MS', { timeout: 20_000 }, async () => {
    const server = await startTestServer({ connectionTimeoutMs: 1000, requestTimeoutMs: 600_000 });
    try {
      const received = await untilClosed(server.url, (socket) => {
        socket.write('POST /api/users/users.invite HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{');
      });
      assert.equal(received, '');
    } finally {
      await server.close();
    }
  });

  it('a request not answered within HANDLER_TIMEOUT_MS gets 503, and the server goes on', { timeout: 20_000 }, async () => {
    let release: () => void = () => {};
    const stuck = new Promise<null>((resolve) => (release = () => resolve(null)));
    const server = await startTestServer({
      handlerTimeoutMs: 1000,
      // A host's sign-in whose identity provider does not answer.
      authenticate: async (request) => (request.headers['x-stuck'] ? stuck : null),
    });
    try {
      const response = await fetch(`${server.apiUrl}/session.me`, { headers: { 'x-stuck': '1' } });
      assert.equal(response.status, 503);
      assert.equal(await server.client().session.me.query(), null);
    } finally {
      release();
      await server.close();
    }
  });

  describe('bodies are capped', () => {
    let server: TestServer;
    let admin: SeededPerson;
    before(async () => {
      server = await startTestServer();
      ({ admin } = await seedWorkspace(server, 'Bodies'));
    });
    after(() => server.close());

    it('a JSON body over 1 MiB is refused with 413 unread', async () => {
      const before = await snapshotDatabase(server);
      const response = await fetch(`${server.apiUrl}/users.invite`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'big@bodies.test', firstName: 'x'.repeat(1024 * 1024) }),
      });
      assert.equal(response.status, 413);
      assert.deepEqual(await snapshotDatabase(server), before);
    });

    it('a query input in the URL is capped by the header size limit (16 KiB), before any parsing', async () => {
      const input = encodeURIComponent(JSON.stringify({ tab: 'active', search: 'x'.repeat(100_000) }));
      const response = await fetch(`${server.apiUrl}/users.list?input=${input}`, { headers: { authorization: `Bearer ${admin.token}` } });
      assert.ok([414, 431].includes(response.status), `status ${response.status}`);
    });
  });

  it('the time limits are configurable and default to generous values', () => {
    const defaults = loadConfig({});
    assert.deepEqual(
      { requestTimeoutMs: defaults.requestTimeoutMs, handlerTimeoutMs: defaults.handlerTimeoutMs, connectionTimeoutMs: defaults.connectionTimeoutMs },
      DEFAULT_TIMEOUTS,
    );
    const set = loadConfig({ REQUEST_TIMEOUT_MS: '5000', HANDLER_TIMEOUT_MS: '7000', CONNECTION_TIMEOUT_MS: '9000' });
    assert.deepEqual([set.requestTimeoutMs, set.handlerTimeoutMs, set.connectionTimeoutMs], [5000, 7000, 9000]);
    assert.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: '0' }), /REQUEST_TIMEOUT_MS/);
  });
});
