import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { FastifyPluginAsync } from 'fastify';
import { type Authenticate, bearerSessionAuthenticate, createContextInner } from './context.ts';
import { MULTIPART_OVERHEAD_BYTES } from './imports/limits.ts';
import { type AppRouter, appRouter } from './routers/app.ts';
import { importLimitsOf } from './services/imports.ts';
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
}

/**
 * Serves the user-management tRPC router under the prefix the host registers it with:
 * `app.register(pantaUserManagement, { prefix: '/api/users', management })`.
 * A host that batches calls creates its Fastify app with `routerOptions: { maxParamLength: 5000 }`,
 * as `buildServer` does: a batch names all its procedures in one path segment.
 */
export const pantaUserManagement: FastifyPluginAsync<PantaPluginOptions> = async (app, options) => {
  const { management } = options;
  const authenticate = options.authenticate ?? bearerSessionAuthenticate;
  const exposeErrors = options.exposeErrors ?? false;

  await app.register(fastifyTRPCPlugin<AppRouter>, {
    prefix: '',
    trpcOptions: {
      router: appRouter,
      maxBatchSize: options.maxBatchSize ?? 20,
      maxBodySize: options.maxUploadBytes ?? importLimitsOf(management.deps).maxBytes + MULTIPART_OVERHEAD_BYTES,
      createContext: async ({ req }) =>
        createContextInner({
          deps: management.deps,
          identity: await authenticate(req, management.deps),
          requestId: String(req.id),
          exposeErrors,
        }),
      onError: ({ error, path, req }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') req.log.error({ err: error.cause ?? error, path }, 'procedure failed');
      },
    },
  });

  if (options.jobs !== false) {
    const purgeIntervalMs = options.jobs?.purgeIntervalMs ?? 3600_000;
    app.addHook('onReady', async () => management.startJobs({ purgeIntervalMs }));
    app.addHook('onClose', async () => management.stopJobs());
  }
};
