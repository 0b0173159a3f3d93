import type { FastifyRequest } from 'fastify';
import type { Language } from '../shared/constants.ts';
import type { Deps } from './deps.ts';
import type { ChangeFeed } from './live/change-feed.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { Caller } from './services/actor.ts';
import { type Identity, identityFromSessionToken, loadCaller } from './services/sessions.ts';

/**
 * Maps a request to who is calling. The default reads our own bearer session token; a host
 * portal can pass its own, for example to verify its signed JWT and name a workspace user.
 */
export type Authenticate = (request: FastifyRequest, deps: Deps) => Promise<Identity | null>;

export const bearerSessionAuthenticate: Authenticate = async (request, deps) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ? identityFromSessionToken(deps, match[1]) : null;
};

declare module '../shared/router-context.ts' {
  /** What the router's procedures receive: this context (see shared/router-context.ts). */
  interface RouterContext extends Context {}
}

/** The adapter-free part of the context; tests build it directly. */
export interface Context {
  deps: Deps;
  caller: Caller | null;
  requestId: string;
  /** Outside production, error messages and stacks of unexpected errors reach the client. */
  exposeErrors: boolean;
  /** Counts rate-limited calls; none (no limits) for callers outside HTTP. */
  rateLimiter: RateLimiter | null;
  /** The client's address as Fastify sees it (`trustProxy`), for per-address limits. */
  clientIp: string | null;
  /** The live change feed `users.changes` streams from; none for callers outside HTTP. */
  changeFeed: ChangeFeed | null;
}

export async function createContextInner(options: {
  deps: Deps;
  identity: Identity | null;
  requestId: string;
  exposeErrors: boolean;
  rateLimiter?: RateLimiter | null;
  clientIp?: string | null;
  /** The language the request asks for (see `Caller.language`). */
  language?: Language;
  changeFeed?: ChangeFeed | null;
}): Promise<Context> {
  const caller = options.identity ? await loadCaller(options.deps, options.identity) : null;
  return {
    deps: options.deps,
    caller: caller && options.language ? { ...caller, language: options.language } : caller,
    requestId: options.requestId,
    exposeErrors: options.exposeErrors,
    rateLimiter: options.rateLimiter ?? null,
    clientIp: options.clientIp ?? null,
    changeFeed: options.changeFeed ?? null,
  };
}
