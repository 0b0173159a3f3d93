import { type FastifyHandlerOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { AnyProcedure } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type Authenticate, bearerSessionAuthenticate, createContextInner } from './context.ts';
import { allowOrigins } from './cors.ts';
import { registerExportRoute } from './export-route.ts';
import { DomainError, logDatabaseUnavailable } from './errors.ts';
import { MULTIPART_OVERHEAD_BYTES } from './imports/limits.ts';
import { type ChangesRouteOptions, registerChangesRoute } from './live/sse-response.ts';
import { type AppRouter, appRouter } from './routers/app.ts';
import { requestLanguage } from './request-language.ts';
import type { ProcedureMeta } from './trpc.ts';
import { importLimitsOf } from './services/imports.ts';
import { SignInRecorder, recordingSignIns } from './services/sign-ins.ts';
import type { UserManagement } from './user-management.ts';

export interface PantaPluginOptions {
  management: UserManagement;
  /** Who is calling; defaults to our bearer session tokens. */
  authenticate?: Authenticate;
  /** Send messages and stacks of unexpected errors to clients; never in production. */
  exposeErrors?: boolean;
  /** Start the retention purge and outbox retries with the server; default every hour. */
  jobs?: { purgeIntervalMs: number } | false;
  /** The most calls one batched request may carry. */
  maxBatchSize?: number;
  /**
   * tRPC's own cap on a streamed (multipart) request body: spreadsheet uploads bypass Fastify's
   * `bodyLimit`. Defaults to the import size cap plus room for the multipart framing.
   */
  maxUploadBytes?: number;
  /**
   * Origins whose pages may call the API from a browser (CORS), such as
   * `['https://portal.example']`: needed only when the element's page is on another origin than
   * the API. Exact origins only; `*` or a path is refused at registration.
   */
  corsOrigins?: string[];
  /**
   * For a host that signs people in with cookies: the origins its pages are served from. A POST
   * whose `Origin` is another one is refused. Without cookies the bearer token already keeps other
   * sites out, and this is not needed.
   */
  trustedOrigins?: string[];
}

/**
 * Serves the user-management tRPC router under the prefix the host registers it with:
 * `app.register(pantaUserManagement, { prefix: '/api/users', management })`.
 * A host that batches calls creates its Fastify app with `routerOptions: { maxParamLength: 5000 }`,
 * as `buildServer` does: a batch names all its procedures in one path segment.
 */
export const pantaUserManagement: FastifyPluginAsync<PantaPluginOptions> = async (app, options) => {
  const { management } = options;
  // Our own sessions note the sign-in when made; a host's sign-in is noted on its first request in an hour.
  const authenticate = options.authenticate ? recordingSignIns(options.authenticate, new SignInRecorder(management.deps)) : bearerSessionAuthenticate;
  const exposeErrors = options.exposeErrors ?? false;

  await allowOrigins(app, options.corsOrigins ?? []);
  app.addHook('onReady', async () => management.warnAtStart(app.log));

  app.addHook('onRequest', refuseCrossSiteRequests(options.trustedOrigins));
  // API answers are JSON or nothing; a browser must never guess them into something it runs.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });

  const createContext = async (req: FastifyRequest) =>
    createContextInner({
      deps: management.deps,
      identity: await authenticate(req, management.deps),
      requestId: String(req.id),
      exposeErrors,
      rateLimiter: management.rateLimiter,
      clientIp: req.ip,
      changeFeed: management.changeFeed,
      language: requestLanguage(req.headers['accept-language']),
    });
  const trpcOptions: FastifyHandlerOptions<AppRouter, FastifyRequest, FastifyReply> = {
    router: appRouter,
    maxBatchSize: options.maxBatchSize ?? 20,
    maxBodySize: options.maxUploadBytes ?? importLimitsOf(management.deps).maxBytes + MULTIPART_OVERHEAD_BYTES,
    createContext: ({ req }) => createContext(req),
    responseMeta: ({ errors }) => {
      // tRPC answers with a Vary of its own (`trpc-accept, accept`) that replaces the one CORS
      // set; Origin is appended, so that a shared cache never serves one origin's answer to another.
      // No answer is stored at all: they hold the people of a workspace, and a browser's disk cache
      // would keep them on a shared computer after the admin signed out (as the exports do).
      const headers: Record<string, string | string[]> = { vary: ['Origin'], 'cache-control': 'no-store' };
      // TOO_MANY_REQUESTS says when to come back in the standard header too.
      const retryAfter = Math.max(0, ...errors.map((error) => (error.cause instanceof DomainError ? (error.cause.details.retryAfterSeconds ?? 0) : 0)));
      if (retryAfter > 0) headers['retry-after'] = String(retryAfter);
      return { headers };
    },
    onError: ({ error, path, req }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') req.log.error({ err: error.cause ?? error, path }, 'procedure failed');
      logDatabaseUnavailable(req.log, error.cause, { path });
    },
  };
  await app.register(fastifyTRPCPlugin<AppRouter>, { prefix: '', trpcOptions });

  // The live feed's stream (`GET {prefix}/users.changes`), written by the feed rather than tRPC's
  // SSE response, outlives any request: it ends when the client leaves, after
  // `live.maxStreamSeconds`, or at shutdown, not at the handler timeout.
  const liveSettings = management.changeFeed.settings;
  registerChangesRoute(app, {
    router: appRouter,
    createContext,
    onError: trpcOptions.onError! as ChangesRouteOptions['onError'],
    handlerTimeout: Math.min(liveSettings.maxStreamSeconds * 1000 + 60_000, MAX_TIMER_MS),
  });
  // Before the server stops taking connections and waits for the open ones: end every stream, so
  // closing does not hang on them (their clients reconnect, to another server).
  app.addHook('preClose', async () => management.changeFeed.close());

  // `GET {prefix}/export`: a tab as a CSV or .xlsx download, streamed.
  registerExportRoute(app, { management, authenticate, exposeErrors });

  if (options.jobs !== false) {
    const purgeIntervalMs = options.jobs?.purgeIntervalMs ?? 3600_000;
    app.addHook('onReady', async () => management.startJobs({ purgeIntervalMs }));
    app.addHook('onClose', async () => management.stopJobs());
  }
};

/** The longest delay a Node timer takes. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Every procedure by its dotted path (`users.invite`), as tRPC keeps them at run time. */
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure | undefined>;

const mediaTypeOf = (request: FastifyRequest) => request.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase() ?? '';

const REFUSALS = { BAD_REQUEST: 400, FORBIDDEN: 403, METHOD_NOT_SUPPORTED: 405, UNSUPPORTED_MEDIA_TYPE: 415 } as const;

function refuse(request: FastifyRequest, reply: FastifyReply, code: keyof typeof REFUSALS, message: string) {
  const httpStatus = REFUSALS[code];
  if (code === 'METHOD_NOT_SUPPORTED') reply.header('allow', 'GET, POST');
  return reply
    .code(httpStatus)
    .send({ error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, requestId: String(request.id) } } });
}

/**
 * State changes only through JSON: a page on another site can send a form (url-encoded,
 * multipart, text/plain) or a GET without asking CORS first, and none of those may change
 * anything. So, before any procedure or `authenticate` runs: a mutation must be a POST, and a
 * POST must be `application/json`, except for an upload procedure, which takes multipart only.
 * (The bearer token already keeps other sites out; this holds when a host uses cookies, too.)
 * With `trustedOrigins`, a POST from any other origin is refused as well.
 */
const refuseCrossSiteRequests = (trustedOrigins: string[] | undefined) => async (request: FastifyRequest, reply: FastifyReply) => {
  const path = (request.params as { path?: string } | undefined)?.path;
  if (path === undefined) return;
  // tRPC builds a URL from the Host header and answered a malformed one (empty, `a b`, `[::1`)
  // with a 500; it is the client's mistake.
  if (!URL.canParse(`http://${request.headers.host ?? 'localhost'}/`)) return refuse(request, reply, 'BAD_REQUEST', 'Malformed Host header');
  const called = path.split(',').map((name) => procedures[name]);
  if (request.method === 'GET' || request.method === 'HEAD') {
    if (called.some((procedure) => procedure?._def.type === 'mutation')) {
      return refuse(request, reply, 'METHOD_NOT_SUPPORTED', 'A mutation must be sent as a POST with a JSON body');
    }
    return;
  }
  if (request.method !== 'POST') return refuse(request, reply, 'METHOD_NOT_SUPPORTED', `${request.method} is not supported`);
  const origin = request.headers.origin;
  if (trustedOrigins && origin !== undefined && !trustedOrigins.includes(origin)) {
    return refuse(request, reply, 'FORBIDDEN', 'Requests from this origin are not accepted');
  }
  const mediaType = mediaTypeOf(request);
  const upload = called.length === 1 && (called[0]?._def.meta as ProcedureMeta | undefined)?.upload === true;
  if (upload ? mediaType === 'multipart/form-data' : mediaType === 'application/json') return;
  return refuse(
    request,
    reply,
    'UNSUPPORTED_MEDIA_TYPE',
    upload ? 'Send the file as multipart/form-data' : `Send the input as application/json${mediaType ? `, not ${mediaType}` : ''}`,
  );
};
