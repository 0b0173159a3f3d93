/**
 * The floor of the live bench: the least a server can do for `users.changes`, in a process of its
 * own as the bench server is. `node server/bench/live-floor-server.ts '<event JSON>' [postgres URL]`:
 * a bare node:http server (no Fastify, no tRPC, no service) that holds every `GET /stream` open as
 * Server-Sent Events, framed as tRPC frames them (so the bench reads it with the same code), and
 * on `POST /write` writes one pre-serialised event, the same bytes, to every stream, one `write`
 * each. Prints `{ origin }` when it listens; `GET /writes` gives what `/bench/live-writes` of the
 * bench server gives: per write, from its start to the last stream's write.
 *
 * Without a URL (one server on SQLite) the request is the commit: the server answers, then writes.
 * With a PostgreSQL URL (two servers on PostgreSQL) the server LISTENs on `panta_live_floor` and
 * writes the event when a notification arrives, as the server holding the streams does on its
 * LISTEN connection; the bench sends the `NOTIFY` itself, from a connection of its own, as server A
 * would commit: so the floor includes PostgreSQL's notify hop between processes, not a transaction.
 */
import { createServer, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { LiveWrite } from './http-server.ts';

const [data, databaseUrl] = process.argv.slice(2);
if (!data) throw new Error("usage: live-floor-server.ts '<event JSON>' [postgres URL]");
/** The channel the bench NOTIFYs on (live.ts). */
const CHANNEL = 'panta_live_floor';
const streams = new Set<ServerResponse>();
const writes: LiveWrite[] = [];
let revision = 0;

/** One event to every stream, timed from `entry.committedAt`. */
function fanOut(entry: LiveWrite): void {
  const event = `id: ${++revision}\ndata: ${data}\n\n\n`;
  for (const stream of streams) stream.write(event);
  entry.lastWriteAt = performance.now();
  entry.writes = streams.size;
}

const listener = databaseUrl ? new pg.Client({ connectionString: databaseUrl }) : null;
if (listener) {
  await listener.connect();
  await listener.query(`listen ${CHANNEL}`);
  // The notification's arrival starts the timing, as the feed's hint does on the server holding the streams.
  listener.on('notification', () => {
    const entry: LiveWrite = { committedAt: performance.now(), lastWriteAt: 0, writes: 0 };
    writes.push(entry);
    fanOut(entry);
  });
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/stream') {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
    response.write(`event: connected\ndata: {}\n\n\nid: ${revision}\ndata: ${data.replace('"kind":"change"', '"kind":"current"')}\n\n\n`);
    streams.add(response);
    response.once('close', () => streams.delete(response));
  } else if (request.method === 'POST' && request.url === '/write') {
    request.resume();
    // The request is the commit: the bench reads its figures from the answer, as for the service.
    const entry: LiveWrite = { committedAt: performance.now(), lastWriteAt: 0, writes: 0 };
    writes.push(entry);
    request.once('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      fanOut(entry);
    });
  } else if (request.method === 'GET' && request.url === '/writes') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(writes));
  } else {
    response.writeHead(404).end();
  }
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` }));
});
process.once('SIGTERM', () => {
  for (const stream of streams) stream.end();
  void Promise.resolve(listener?.end()).finally(() => server.close(() => process.exit(0)));
});
