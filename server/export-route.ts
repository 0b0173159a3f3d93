import { Readable } from 'node:stream';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod/mini';
import { AUDIT_EXPORT_PATH, EXPORT_PATH, exportAuditQuery, exportUsersQuery } from '../shared/export.ts';
import { type Authenticate, createContextInner } from './context.ts';
import { DomainError, type DomainErrorCode, databaseUnavailable, isDatabaseUnavailable, logDatabaseUnavailable } from './errors.ts';
import { assertActiveAdmin } from './services/actor.ts';
import { exportAudit } from './services/audit-export.ts';
import { exportUsers, type UserExport } from './services/exports.ts';
import type { Caller } from './services/actor.ts';
import type { Deps } from './deps.ts';
import type { UserManagement } from './user-management.ts';

export interface ExportRouteOptions {
  management: UserManagement;
  authenticate: Authenticate;
  exposeErrors: boolean;
}

/**
 * `GET {prefix}/export?tab=…&search=…&role=…&sort=…&direction=…&format=csv|xlsx&lang=en|de`: the
 * visible tab as a file download, for an active admin; `GET {prefix}/audit-export?action=…&actorId=…
 * &targetId=…&targetEmail=…&from=…&to=…&format=…&lang=…`: the Activity view's entries. Plain routes
 * rather than procedures, so that the reply can stream; their errors have the shape of tRPC's
 * (`error.data.code`, `reason`, `fieldErrors`), so the element reads them the same way.
 */
export function registerExportRoute(app: FastifyInstance, options: ExportRouteOptions): void {
  registerFileRoute(app, options, EXPORT_PATH, exportUsersQuery, exportUsers);
  registerFileRoute(app, options, AUDIT_EXPORT_PATH, exportAuditQuery, exportAudit);
}

function registerFileRoute<Query extends z.ZodMiniType>(
  app: FastifyInstance,
  options: ExportRouteOptions,
  path: string,
  querySchema: Query,
  produce: (deps: Deps, caller: Caller, query: z.output<Query>) => Promise<UserExport>,
): void {
  const { management, authenticate, exposeErrors } = options;
  // No HEAD twin: every export is audited, and a HEAD would write an entry for nothing.
  app.get(`/${path}`, { exposeHeadRoute: false }, async (request, reply) => {
    try {
      const { deps } = management;
      const { caller } = await createContextInner({
        deps,
        identity: await authenticate(request, deps),
        requestId: String(request.id),
        exposeErrors,
      });
      // The same refusals as `adminProcedure`, before the input is read.
      assertActiveAdmin(caller);
      const query = z.safeParse(querySchema, request.query);
      if (!query.success) {
        const { fieldErrors, formErrors } = z.flattenError(query.error);
        return sendError(request, reply, 'BAD_REQUEST', query.error.issues[0]?.message ?? 'Invalid input', { fieldErrors, formErrors });
      }
      const file = await produce(deps, caller, query.data);
      reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        // A page on another origin (CORS_ORIGINS) may read the file's name.
        .header('access-control-expose-headers', 'content-disposition');
      return reply.send(Buffer.isBuffer(file.body) ? file.body : Readable.from(file.body, { objectMode: false }));
    } catch (caught) {
      // The audit entry is written before anything is sent: a database that takes no writes refuses it.
      const error = isDatabaseUnavailable(caught) ? databaseUnavailable(caught) : caught;
      logDatabaseUnavailable(request.log, error, { path });
      if (error instanceof DomainError) return sendError(request, reply, error.code, error.message, { reason: error.reason, ...error.details });
      request.log.error({ err: error }, 'export failed');
      const message = exposeErrors && error instanceof Error ? error.message : 'Internal server error';
      return sendError(request, reply, 'INTERNAL_SERVER_ERROR', message, { reason: 'INTERNAL' });
    }
  });
}

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: DomainErrorCode | 'INTERNAL_SERVER_ERROR',
  message: string,
  data: Record<string, unknown>,
) {
  const httpStatus = getHTTPStatusCodeFromError(new TRPCError({ code }));
  return reply
    .code(httpStatus)
    .header('cache-control', 'no-store')
    .send({ error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, ...data, requestId: String(request.id) } } });
}
