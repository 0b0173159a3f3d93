/**
 * The bench's HTTP server, in a process of its own so that its RSS is the server's alone:
 * `node --import tsx server/bench/http-server.ts <seeded file> <workspace id> <owner id> <now> [element.js]`;
 * the bench runs it compiled to one JavaScript file, as a host runs the library (see bench.ts).
 *
 * Serves the user-management API as `buildServer` does in production (NODE_ENV=production,
 * request logging at info, written to /dev/null), and beside it, for the floors: a constant tRPC
 * procedure and a bare Fastify route per endpoint, each answering exactly what the real procedure
 * answered once at start. Prints one JSON line, `{ origin, token, tokens, endpoints }`, when it listens.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { basename, dirname, join } from 'node:path';
import { initTRPC } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { FastifyReply } from 'fastify';
import { buildServer } from '../app.ts';
import { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { DevMailbox } from '../mail/mailer.ts';
import { createSession } from '../services/sessions.ts';
import { elementPage } from './browser-probes.ts';

/** What the bench loads over HTTP: the real procedure's path and input. */
export const HTTP_ENDPOINTS = [
  { name: 'users.list, first page', path: 'users.list', input: { tab: 'active' } },
  { name: 'users.list, search "ller"', path: 'users.list', input: { tab: 'active', search: 'ller' } },
  { name: 'users.summary', path: 'users.summary', input: undefined },
] as const;

export interface BenchServerReady {
  origin: string;
  token: string;
  /** `BENCH_SESSIONS=n`: n more sessions of the owner, one per live stream of `npm run bench:live`. */
  tokens: string[];
  /** Per endpoint: the real URL's path and query, the constant tRPC floor's, the bare route's, and the answer's size. */
  endpoints: { name: string; real: string; constant: string; bare: string; bytes: number }[];
}

/** For `npm run bench:live`: when a change reached the live feed (after its commit), and when its event was last written to a stream. */
export interface LiveWrite {
  committedAt: number;
  /** When the last stream's socket was handed the event; 0 before any was. */
  lastWriteAt: number;
  /** How many streams it was written to. */
  writes: number;
}

/**
 * Records, per change, the time from the feed's hint (`changed`, called after the commit) to the
 * write of its event to the last stream's socket: the server's side of commit-to-event, without
 * the client that reads the streams. Served at `/bench/live-writes`.
 */
function recordLiveWrites(app: Awaited<ReturnType<typeof buildServer>>) {
  const writes: LiveWrite[] = [];
  const feed = app.management.changeFeed;
  const changed = feed.changed.bind(feed);
  feed.changed = (workspaceId) => {
    writes.push({ committedAt: performance.now(), lastWriteAt: 0, writes: 0 });
    changed(workspaceId);
  };
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.split('?', 1)[0]!.endsWith('/users.changes')) return;
    const raw = reply.raw;
    const write = raw.write.bind(raw) as (...args: unknown[]) => boolean;
    raw.write = ((chunk: unknown, ...rest: unknown[]) => {
      // Searched in the bytes as they are (not decoded), so that the recording adds little to the fan-out it times.
      const last = writes.at(-1);
      if (last && (chunk as string | Buffer).includes('"kind":"change"')) {
        last.lastWriteAt = performance.now();
        last.writes++;
      }
      return write(chunk, ...rest);
    }) as typeof raw.write;
  });
  app.get('/bench/live-writes', async () => writes);
}

const urlOf = (base: string, input: unknown) => (input === undefined ? base : `${base}?input=${encodeURIComponent(JSON.stringify(input))}`);

// Run as a script (not imported for its types): the seed's ids and clock come as arguments, so
// that nothing of the seeding code is loaded into the server's process.
if (/http-server\.(ts|mjs)$/.test(process.argv[1] ?? '')) {
  const [path, workspaceId, ownerId, now, element] = process.argv.slice(2);
  if (!path || !workspaceId || !ownerId || !now) throw new Error('usage: http-server.ts <seeded file> <workspace id> <owner id> <now> [element.js]');
  const database = await openDatabase(path);
  const config = {
    ...loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://portal.test' }),
    databaseUrl: path,
    // Production wants a secret; the bench sends no invitation that would outlive the process.
    secret: randomBytes(32).toString('base64url'),
  };
  const app = await buildServer({
    config,
    database,
    clock: new ManualClock(new Date(now)),
    mailer: new DevMailbox(),
    jobs: false,
    logger: { level: 'info', file: '/dev/null' },
  });
  const session = await createSession(database.db, app.management.deps, { id: ownerId, workspace_id: workspaceId });
  const authorization = `Bearer ${session.token}`;
  const tokens: string[] = [];
  for (let index = 0; index < Number(process.env.BENCH_SESSIONS ?? 0); index++) {
    tokens.push((await createSession(database.db, app.management.deps, { id: ownerId, workspace_id: workspaceId })).token);
  }

  // Filled in once the server is ready, from the real procedures' answers.
  const answers: { data: unknown; body: string }[] = [];
  const t = initTRPC.create();
  const constantRouter = t.router(Object.fromEntries(HTTP_ENDPOINTS.map((_endpoint, index) => [`c${index}`, t.procedure.query(() => answers[index]!.data)])));
  await app.register(fastifyTRPCPlugin, { prefix: '/bench/trpc', trpcOptions: { router: constantRouter } });
  HTTP_ENDPOINTS.forEach((_endpoint, index) => {
    app.get(`/bench/bare/${index}`, (_request, reply) => reply.type('application/json').send(answers[index]!.body));
  });
  // The element's page, for the Chromium part of the bench.
  app.get('/bench/page', (request, reply) =>
    reply
      .type('text/html')
      .send(elementPage((request.query as { size?: string }).size, `/bench/${basename(element ?? '')}`)),
  );
  if (element) {
    // Cacheable as a host would serve a versioned build, so that a second visit loads it from cache.
    const script = (reply: FastifyReply, file: string) =>
      reply.type('text/javascript').header('cache-control', 'public, max-age=31536000, immutable').send(readFileSync(file));
    // Under its own name: its lazy chunks (dialogs, the live feed) import it by that name.
    app.get(`/bench/${basename(element)}`, (_request, reply) => script(reply, element));
    app.get('/bench/chunks/:file', (request, reply) => {
      const { file } = request.params as { file: string };
      if (!/^[\w.-]+\.js$/.test(file)) return reply.code(404).send();
      return script(reply, join(dirname(element), 'chunks', file));
    });
  }
  // Each request's own time in the server (Fastify's elapsedTime), for the network bench's floors:
  // the last few hundred, read and cleared through /bench/timings.
  const timings: { method: string; url: string; ms: number }[] = [];
  app.addHook('onResponse', (request, reply, done) => {
    if (!request.url.startsWith('/bench/timings')) timings.push({ method: request.method, url: request.url, ms: reply.elapsedTime });
    if (timings.length > 500) timings.shift();
    done();
  });
  app.get('/bench/timings', (_request, reply) => reply.send(timings.splice(0)));

  recordLiveWrites(app);

  await app.ready();
  for (const endpoint of HTTP_ENDPOINTS) {
    const response = await app.inject({ url: urlOf(`/api/users/${endpoint.path}`, endpoint.input), headers: { authorization } });
    if (response.statusCode !== 200) throw new Error(`${endpoint.name}: ${response.statusCode} ${response.body}`);
    answers.push({ data: (response.json() as { result: { data: unknown } }).result.data, body: response.body });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const ready: BenchServerReady = {
    origin,
    token: session.token,
    tokens,
    endpoints: HTTP_ENDPOINTS.map((endpoint, index) => ({
      name: endpoint.name,
      real: urlOf(`/api/users/${endpoint.path}`, endpoint.input),
      constant: `/bench/trpc/c${index}`,
      bare: `/bench/bare/${index}`,
      bytes: answers[index]!.body.length,
    })),
  };
  console.log(JSON.stringify(ready));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void app.close().then(() => process.exit(0)));
  }
}
