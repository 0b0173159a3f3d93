/**
 * The floor of the live bench: the least a server can do for `users.changes`, in a process of its
 * own as the bench server is. `node server/bench/live-floor-server.ts '<event JSON>'`: a bare
 * node:http server (no Fastify, no tRPC, no database) that holds every `GET /stream` open as
 * Server-Sent Events, framed as tRPC frames them (so the bench reads it with the same code), and
 * on `POST /write` answers at once, then writes one pre-serialised event, the same bytes, to every
 * stream, one `write` each. Prints `{ origin }` when it listens; `GET /writes` gives what
 * `/bench/live-writes` of the bench server gives: per write, from its request to the last stream's
 * write.
 */
import { createServer, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LiveWrite } from './http-server.ts';

const data = process.argv[2];
if (!data) throw new Error("usage: live-floor-server.ts '<event JSON>'");
const streams = new Set<ServerResponse>();
const writes: LiveWrite[] = [];
let revision = 0;

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/stream') {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
    response.write(`event: connected\ndata: {}\n\n\nid: ${revision}\ndata: ${data.replace('"kind":"change"', '"kind":"current"')}\n\n\n`);
    streams.add(response);
    response.once('close', () => streams.delete(response));
  } else if (request.method === 'POST' && request.url === '/write') {
    // The request is the commit: the bench reads its figures from the answer, as for the service.
    const entry: LiveWrite = { committedAt: performance.now(), lastWriteAt: 0, writes: 0 };
    writes.push(entry);
    request.resume();
    request.once('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      const event = `id: ${++revision}\ndata: ${data}\n\n\n`;
      for (const stream of streams) stream.write(event);
      entry.lastWriteAt = performance.now();
      entry.writes = streams.size;
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
  server.close(() => process.exit(0));
});
