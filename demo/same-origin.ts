import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLoopbackHost } from '../server/config.ts';

/** Fetch Metadata values a request from the demo's own pages carries (`none`: typed in the address bar). */
const OWN_SITE = new Set(['same-origin', 'none']);

const mediaTypeOf = (request: FastifyRequest) => request.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase() ?? '';

/**
 * An `onRequest` hook for the demo routes that sign people in, show their mail or reset the data:
 * they answer the demo's own pages in a browser and nothing else.
 *
 * - The Host must be this machine's (`localhost`, 127.x, `[::1]`) or `publicUrl`'s: a site whose
 *   name an attacker re-points at 127.0.0.1 (DNS rebinding) is another host, though the browser
 *   calls it same-origin.
 * - `Sec-Fetch-Site`, when sent, must be `same-origin` or `none`, and `Origin`, when sent, must be
 *   the server's own; a request with neither is refused too, so a cross-site request that a
 *   browser without Fetch Metadata sends without `Origin` cannot slip through.
 * - A POST must be `application/json`, which no form on another site can send without asking
 *   CORS first (a `text/plain` form posts across sites freely).
 */
export function demoSameOriginOnly(publicUrl: string) {
  const publicHost = new URL(publicUrl).hostname.toLowerCase();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const refuse = (status: number, error: string) => reply.code(status).send({ error });
    if (request.method === 'POST' && mediaTypeOf(request) !== 'application/json') {
      return refuse(415, 'Send the demo routes application/json');
    }
    const hostname = request.hostname.toLowerCase();
    if (!isLoopbackHost(hostname) && hostname !== publicHost) {
      return refuse(403, `The demo answers at localhost, 127.0.0.1 or [::1], or at PUBLIC_URL's host (${publicHost}), only`);
    }
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    const ownOrigin = `${request.protocol}://${request.host}`;
    if ((site === undefined && origin === undefined) || (site !== undefined && !OWN_SITE.has(site)) || (origin !== undefined && origin !== ownOrigin)) {
      return refuse(403, 'The demo routes answer the demo page only (same origin)');
    }
  };
}
