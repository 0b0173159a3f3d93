import { TRPCError, initTRPC } from '@trpc/server';
import type { PantaErrorData } from '../shared/errors.ts';
import type { RouterContext } from '../shared/router-context.ts';
// Brings in the declaration that fills RouterContext in with the server's Context.
import type {} from './context.ts';
import { DomainError, ImportParseTimedOut, databaseUnavailable, isDatabaseUnavailable, isUniqueViolation } from './errors.ts';
import type { RateLimited } from './rate-limiter.ts';
import { assertActiveAdmin, notSignedIn } from './services/actor.ts';

interface Issue {
  path?: readonly (PropertyKey | { key: PropertyKey })[];
  message: string;
}

const hasIssues = (value: unknown): value is { issues: Issue[] } =>
  Array.isArray((value as { issues?: unknown } | null)?.issues);

function flattenIssues(issues: Issue[]) {
  const fieldErrors: Record<string, string[]> = {};
  const formErrors: string[] = [];
  for (const issue of issues) {
    const path = (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.');
    if (path) (fieldErrors[path] ??= []).push(issue.message);
    else formErrors.push(issue.message);
  }
  return { fieldErrors, formErrors };
}

/** What the HTTP layer may know of a procedure before it runs. */
export interface ProcedureMeta {
  /** Takes a multipart upload (FormData); every other procedure takes JSON only. */
  upload?: boolean;
}

/**
 * Server-Sent Events of subscriptions (`users.changes`): a ping comment every 15 s keeps proxies
 * and the server's own connection timeout from closing an idle stream, and tells tRPC's client to
 * reconnect (resuming from its last event) when nothing, not even a ping, came for 40 s.
 */
export const SSE_PING_INTERVAL_MS = 15_000;
const SSE_RECONNECT_AFTER_INACTIVITY_MS = 40_000;

const t = initTRPC.context<RouterContext>().meta<ProcedureMeta>().create({
  sse: {
    ping: { enabled: true, intervalMs: SSE_PING_INTERVAL_MS },
    client: { reconnectAfterInactivityMs: SSE_RECONNECT_AFTER_INACTIVITY_MS },
  },
  errorFormatter({ shape, error, ctx }) {
    const expose = ctx?.exposeErrors ?? false;
    const data: PantaErrorData = { code: shape.data.code, httpStatus: shape.data.httpStatus };
    if (ctx?.requestId) data.requestId = ctx.requestId;
    let message = shape.message;
    const cause = error.cause;
    if (cause instanceof DomainError) {
      data.reason = cause.reason;
      Object.assign(data, cause.details);
    } else if (error.code === 'BAD_REQUEST' && hasIssues(cause)) {
      Object.assign(data, flattenIssues(cause.issues));
      message = cause.issues[0]?.message ?? 'Invalid input';
    } else if (error.code === 'INTERNAL_SERVER_ERROR') {
      data.reason = 'INTERNAL';
      if (!expose) message = 'Internal server error';
    }
    if (expose && shape.data.stack) data.stack = shape.data.stack;
    return { code: shape.code, message, data };
  },
});

/** A domain error as the tRPC error its code names, with it as the cause (the formatter reads its reason). */
export const toTRPCError = (error: DomainError) => new TRPCError({ code: error.code, message: error.message, cause: error });

/** Services throw domain errors; here, and only here, they become tRPC errors. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) throw toTRPCError(cause);
    if (isUniqueViolation(cause)) {
      throw toTRPCError(new DomainError('CONFLICT', 'UNIQUE_VIOLATION', 'Somebody else just made the same change: reload and try again'));
    }
    if (isDatabaseUnavailable(cause)) throw toTRPCError(databaseUnavailable(cause));
  }
  return result;
});

const requireCaller = t.middleware(({ ctx, next }) => {
  if (!ctx.caller) throw toTRPCError(notSignedIn());
  return next({ ctx: { caller: ctx.caller } });
});

const requireAdmin = t.middleware(({ ctx, next }) => {
  // Its DomainError becomes a tRPC error in mapDomainErrors, as a service's does.
  assertActiveAdmin(ctx.caller);
  return next({ ctx: { caller: ctx.caller } });
});

const tooManyRequests = (waitSeconds: number) =>
  toTRPCError(
    new DomainError('TOO_MANY_REQUESTS', 'RATE_LIMITED', `Too many requests: try again in ${waitSeconds} seconds`, {
      retryAfterSeconds: waitSeconds,
    }),
  );

/**
 * Counts the call against the admin's and the workspace's budgets and refuses it,
 * TOO_MANY_REQUESTS with `retryAfterSeconds`, once one is spent.
 */
const rateLimitedAdmin = (kind: RateLimited, applies: (input: unknown) => boolean = () => true) =>
  t.middleware(async ({ ctx, input, next }) => {
    const waitSeconds = ctx.rateLimiter && ctx.caller && applies(input) ? await ctx.rateLimiter.admin(kind, ctx.caller) : 0;
    if (waitSeconds > 0) throw tooManyRequests(waitSeconds);
    return next();
  });

/** Counts failed tries with an invitation token per client address; once too many failed, every try waits. */
const rateLimitedTokenTries = t.middleware(async ({ ctx, next }) => {
  const limiter = ctx.rateLimiter;
  if (!limiter) return next();
  const address = ctx.clientIp ?? 'unknown';
  const waitSeconds = await limiter.tokenWait(address);
  if (waitSeconds > 0) throw tooManyRequests(waitSeconds);
  const result = await next();
  if (!result.ok) await limiter.tokenFailed(address);
  return result;
});

/**
 * A subscription's stream ends with a domain error long after the middleware that maps them has
 * returned (it saw only the call that opened the stream): map it here, so the client gets the
 * same code and reason as from a call.
 */
export async function* withDomainErrors<T>(stream: AsyncIterable<T>): AsyncGenerator<T, void> {
  try {
    yield* stream;
  } catch (error) {
    throw error instanceof DomainError ? toTRPCError(error) : error;
  }
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapDomainErrors);
/** Any signed-in user of a workspace. */
export const signedInProcedure = publicProcedure.use(requireCaller);
/** An active admin: everything that reads or changes other people. */
export const adminProcedure = publicProcedure.use(requireAdmin);
/** An admin sending invitations (invite, resend): rate-limited per admin and per workspace. */
export const invitingProcedure = adminProcedure.use(rateLimitedAdmin('invite'));
/**
 * After `.input()` of "act on all matching users": a resend counts against the invitation budgets
 * like `users.resendInvitations` (one call, however many it sends); the other actions send nothing.
 */
export const invitingWhenResending = rateLimitedAdmin('invite', (input) => (input as { action?: unknown }).action === 'resend');
/**
 * An admin uploading a spreadsheet: rate-limited per admin and per workspace; an upload whose
 * parse ran into its time limit counts more (`importTimeoutCost`).
 */
export const importingProcedure = adminProcedure.use(rateLimitedAdmin('import')).use(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ImportParseTimedOut) await ctx.rateLimiter?.importTimedOut(ctx.caller);
  return result;
});
/** Anyone holding an invitation link: failed tries are limited per client address, so tokens cannot be guessed in bulk. */
export const tokenProcedure = publicProcedure.use(rateLimitedTokenTries);
