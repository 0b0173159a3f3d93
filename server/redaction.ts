import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';

/**
 * A tRPC query carries its input in the query string: `invitations.preview?input={"token":…}` holds
 * a live invitation token, `users.list?input=…` a search for people's names. So no log line and no
 * answer ever repeats a query string; they name the path alone.
 */
export const withoutQuery = (url: string): string => url.split('?', 1)[0]!;

/** Request log lines: method, path, client; never headers (so no bearer token) nor the query. */
export function withRedactedRequests(logger: NonNullable<FastifyServerOptions['logger']>): FastifyServerOptions['logger'] {
  if (logger === false) return false;
  const options = logger === true ? {} : logger;
  return {
    ...options,
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: withoutQuery(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
      ...options.serializers,
    },
  };
}

/**
 * Fastify's own not-found handler logs and answers `Route GET:/path?query not found`: a mistyped
 * URL (a trailing slash after `invitations.preview`) would put its token in both.
 */
export async function notFoundWithoutQuery(request: FastifyRequest, reply: FastifyReply) {
  const message = `Route ${request.method}:${withoutQuery(request.url)} not found`;
  request.log.info(message);
  return reply.code(404).send({ message, error: 'Not Found', statusCode: 404 });
}

const URL_ERRORS: Record<string, string> = {
  FST_ERR_BAD_URL: 'is not a valid url component',
  FST_ERR_MAX_PARAM_LENGTH: 'is exceeding the max param length',
};

/** Fastify's `frameworkErrors`: a malformed or overlong URL is refused as before, but named by its path alone. */
export function urlErrorsWithoutQuery(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem = URL_ERRORS[error.code];
  if (!problem) return reply.send(error);
  const statusCode = error.statusCode ?? 400;
  return reply.code(statusCode).send({
    error: statusCode === 414 ? 'URI Too Long' : 'Bad Request',
    code: error.code,
    message: `'${withoutQuery(request.url)}' ${problem}`,
    statusCode,
  });
}
