import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { sql } from 'kysely';
import type { Clock } from './clock.ts';
import type { ServerConfig } from './config.ts';
import type { Authenticate } from './context.ts';
import { type OpenedDatabase, openDatabase } from './db/database.ts';
import { MISSING_SECRET } from './invitation-keys.ts';
import { createSmtpMailer, MISSING_SMTP_URL, type Mailer } from './mail/mailer.ts';
import { pageSecurityHeaders } from './page-headers.ts';
import { pantaAcceptPage } from './accept-page.ts';
import { pantaUserManagement } from './plugin.ts';
import { notFoundWithoutQuery, urlErrorsWithoutQuery, withRedactedRequests } from './redaction.ts';
import { UserManagement } from './user-management.ts';

export interface BuildServerOptions {
  config: ServerConfig;
  /** An opened database; by default the one `config.databaseUrl` names is opened (and closed with the server). */
  database?: OpenedDatabase;
  clock?: Clock;
  mailer?: Mailer;
  authenticate?: Authenticate;
  /** Where the tRPC router is served. */
  prefix?: string;
  /** Start background jobs with the server (default true). */
  jobs?: boolean;
  logger?: FastifyServerOptions['logger'];
  /**
   * The page invitation links open, at `/accept` (`pantaAcceptPage`), with "Continue to sign in"
   * leading to `config.signInUrl`; false for a host that serves its own.
   */
  acceptPage?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    management: UserManagement;
  }
}

export const DEFAULT_API_PREFIX = '/api/users';

/** Believes `X-Forwarded-For` for this many proxies in front of the server. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** A Fastify server with user management mounted, ready to listen. */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const { config } = options;
  if (config.production && config.secret === undefined) throw new Error(MISSING_SECRET);
  const mailer = options.mailer ?? (config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : undefined);
  if (config.production && !mailer) throw new Error(MISSING_SMTP_URL);
  const database = options.database ?? (await openDatabase(config.databaseUrl));
  const app = Fastify({
    logger: withRedactedRequests(options.logger ?? false),
    genReqId: () => randomUUID(),
    // A slow client is cut off instead of holding a connection for ever: the whole request must
    // arrive within requestTimeout. Node enforces it only as often as it checks its connections
    // (every 30 s by default), and for the body only when the headers' own limit is no longer.
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
      connectionsCheckingInterval: Math.min(Math.max(Math.floor(config.requestTimeoutMs / 4), 100), 30_000),
    },
    // A request not answered in time gets 503 (a host's authenticate that hangs, say).
    handlerTimeout: config.handlerTimeoutMs,
    // A connection silent both ways is closed; longer than any handler may run.
    connectionTimeout: config.connectionTimeoutMs,
    // JSON bodies; uploads are streamed past this and capped by the plugin's maxUploadBytes.
    bodyLimit: 1024 * 1024,
    // A batched tRPC call names every procedure in one path segment (`users.list,users.summary`);
    // Fastify's default of 100 characters would refuse batches of more than a few calls.
    routerOptions: { maxParamLength: 5000 },
    // Whose word to take for the client's address (the per-address rate limit counts by it).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // A malformed or overlong URL is refused without repeating its query string.
    frameworkErrors: urlErrorsWithoutQuery,
  });
  app.setNotFoundHandler(notFoundWithoutQuery);
  // The secrets go to the keys made from them and nowhere else, not into every service's settings.
  const { secret, previousSecrets, ...settings } = config;
  const management = new UserManagement({
    db: database.db,
    settings,
    secret,
    previousSecrets,
    clock: options.clock,
    mailer,
    production: config.production,
    listenConnection: database.listenConnection,
    onJobError: (job, error) => app.log.error({ err: error, job }, 'background job failed'),
  });
  app.decorate('management', management);
  // Pages the host process serves (the demo, the accept page) get their security headers here.
  app.addHook('onSend', pageSecurityHeaders);
  if (!options.database) app.addHook('onClose', () => database.close());

  app.get('/healthz', async () => {
    await sql`select 1`.execute(database.db);
    return { ok: true };
  });

  const prefix = options.prefix ?? DEFAULT_API_PREFIX;
  if (options.acceptPage !== false) await app.register(pantaAcceptPage, { apiUrl: prefix, signInUrl: config.signInUrl });
  await app.register(pantaUserManagement, {
    prefix,
    management,
    authenticate: options.authenticate,
    corsOrigins: config.corsOrigins,
    exposeErrors: !config.production,
    jobs: options.jobs === false ? false : { purgeIntervalMs: config.purgeIntervalMinutes * 60_000 },
  });
  return app;
}
