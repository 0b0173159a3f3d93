import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { TRPCError } from '@trpc/server';
import { getErrorShape, getTRPCErrorFromUnknown } from '@trpc/server/unstable-core-do-not-import';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LiveEvent } from '../../shared/live.ts';
import type { Context } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { AppRouter } from '../routers/app.ts';
import { createCallerFactory, SSE_PING_INTERVAL_MS, toTRPCError } from '../trpc.ts';
import { Heartbeat } from './heartbeat.ts';
import type { Subscription } from './subscription.ts';

const PATH = 'users.changes';

/** tRPC's response headers for Server-Sent Events. */
const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
};

/** One message as tRPC's `sseStreamProducer` frames it: its fields (event, data, id, in that order), then a blank line and one more newline. */
const message = (fields: string) => Buffer.from(`${fields}\n\n\n`);
const PING = message('event: ping\ndata: ');

const frames = new WeakMap<LiveEvent, Buffer>();

/**
 * A tracked event as tRPC frames it (`id:` the revision). Serialised once per event object: the
 * feed hands every subscriber of a workspace that gets the same event the same object
 * (subscription.ts), so 1,000 streams get the same bytes from one `JSON.stringify`.
 */
export function frameOf(event: LiveEvent): Buffer {
  let frame = frames.get(event);
  if (!frame) frames.set(event, (frame = message(`data: ${JSON.stringify(event)}\nid: ${event.revision}`)));
  return frame;
}

const isAbort = (reason: unknown) => (reason as { name?: unknown } | null)?.name === 'AbortError';

/** The input tRPC would read for a subscription: `?input=` (JSON), with `Last-Event-ID` (or `?lastEventId=`) as `lastEventId`. */
function inputOf(request: FastifyRequest): unknown {
  const query = request.query as Record<string, string | undefined>;
  let input: unknown;
  if (query.input !== undefined) {
    try {
      input = JSON.parse(query.input);
    } catch (cause) {
      throw new TRPCError({ code: 'PARSE_ERROR', message: 'The input is not JSON', cause });
    }
  }
  const header = request.headers['last-event-id'];
  const lastEventId = (Array.isArray(header) ? header[0] : header) ?? query.lastEventId ?? query['Last-Event-Id'];
  if (!lastEventId) return input;
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) return { ...input, lastEventId };
  return input ?? { lastEventId };
}

export interface ChangesRouteOptions {
  router: AppRouter;
  createContext: (request: FastifyRequest) => Promise<Context>;
  /** The plugin's tRPC `onError`: logs what went wrong on the server's side. */
  onError: (opts: { error: TRPCError; path: string; req: FastifyRequest }) => void;
  handlerTimeout: number;
}

/**
 * `GET {prefix}/users.changes`: the procedure is called through tRPC (its middlewares: the
 * caller, the admin check, the domain errors; the caps), but its events are written here, in tRPC's
 * wire format (`connected`, tracked messages, `ping`, `serialized-error`), so tRPC's clients and the
 * element read it as before. tRPC's own SSE response runs every event of every stream through
 * async generators, a ReadableStream, a TransformStream and a TextEncoderStream, and writes it in
 * five pieces: with 1,000 streams that pipeline, and its garbage, was most of the time from a commit to
 * the 1,000th subscriber (server/bench/LIVE.md). Here the feed hands each stream its event in the
 * turn it reads the new state, and the stream writes the event's bytes, serialised once for all.
 */
export function registerChangesRoute(app: FastifyInstance, options: ChangesRouteOptions): void {
  const createCaller = createCallerFactory(options.router);
  const config = options.router._def._config;
  const connected = message(`event: connected\ndata: ${JSON.stringify(config.sse?.client ?? {})}`);
  // Every open stream's ping, on one timer: a ping at most a second late.
  const heartbeat = new Heartbeat({ intervalMs: SSE_PING_INTERVAL_MS, stepMs: 1000, ping: PING });

  app.get(`/${PATH}`, { handlerTimeout: options.handlerTimeout }, async (request, reply) => {
    const raw = reply.raw;
    const closed = new AbortController();
    raw.once('close', () => closed.abort());
    // Fastify answers with this stream (its hooks set the headers, it logs the answer); the
    // messages go to the socket directly once Fastify has piped it, and its end ends the answer.
    const body = new PassThrough();
    const piped = new Promise<void>((resolve) => {
      raw.once('pipe', () => resolve());
      raw.once('close', () => resolve());
    });
    sseHeaders(reply);
    void reply.send(body);
    let ctx: Context | undefined;
    let input: unknown;
    let subscription: Subscription | undefined;
    let refusal: unknown;
    try {
      ctx = await options.createContext(request);
      input = inputOf(request);
      const stream = await createCaller(ctx, { signal: closed.signal }).users.changes(input as Parameters<ReturnType<typeof createCaller>['users']['changes']>[0]);
      // The procedure returns its events with the subscription beside them (routers/users.ts); tRPC's types know only the events.
      subscription = (stream as unknown as { subscription: Subscription }).subscription;
    } catch (error) {
      refusal = error;
    }
    await piped;
    // A client that left has had its stream released (`closed` is the procedure's signal).
    if (closed.signal.aborted) return reply;
    raw.write(connected);
    /** Ends the stream with the error as tRPC sends one: its shape (the router's errorFormatter) in a `serialized-error` event. */
    const fail = (cause: unknown) => {
      const error = cause instanceof DomainError ? toTRPCError(cause) : getTRPCErrorFromUnknown(cause);
      options.onError({ error, path: PATH, req: request });
      raw.write(message(`event: serialized-error\ndata: ${JSON.stringify(getErrorShape({ config, ctx, error, input, path: PATH, type: 'subscription' }))}`));
      body.end();
    };
    if (subscription) attach(subscription, raw, body, closed, fail, heartbeat);
    else fail(refusal);
    return reply;
  });
}

/** tRPC's SSE headers; `Vary` keeps what CORS set and names Origin, as the plugin's `responseMeta` does for tRPC's answers. */
function sseHeaders(reply: FastifyReply): void {
  reply.headers(SSE_HEADERS);
  const vary = reply.getHeader('vary');
  const named = (Array.isArray(vary) ? vary.join(',') : String(vary ?? '')).split(',').map((name) => name.trim().toLowerCase());
  if (!named.includes('origin')) reply.header('vary', vary ? `${Array.isArray(vary) ? vary.join(', ') : String(vary)}, Origin` : 'Origin');
}

/**
 * Writes the subscription's events to the socket as they come; `heartbeat` pings it every `SSE_PING_INTERVAL_MS`.
 * While the client reads slower than changes come, the socket's buffer stays full and the changes
 * pile up into one event, written when it drains. The stream's end releases it from the feed
 * (`closed`) and ends the answer (`body`).
 */
function attach(subscription: Subscription, raw: ServerResponse, body: PassThrough, closed: AbortController, fail: (error: unknown) => void, heartbeat: Heartbeat): void {
  heartbeat.add(raw);
  raw.on('drain', () => subscription.flush());
  subscription.attach({
    get ready() {
      return !raw.writableNeedDrain;
    },
    send: (event) => void raw.write(frameOf(event)),
    end: (reason) => {
      heartbeat.delete(raw);
      closed.abort();
      if (isAbort(reason)) body.end();
      else fail(reason);
    },
  });
}
