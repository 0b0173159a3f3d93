/**
 * A typed client of the user-management API (`panta-user-management/client`), for scripts and
 * back-office tools that need no UI.
 */
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import type { PantaErrorData } from './errors.ts';
import type { AppRouter } from './router.ts';

/**
 * An `EventSource` whose init takes a `fetch`, such as the `eventsource` package's (v3 and
 * later): the client sends the session through that `fetch` in the Authorization header, so the
 * token never travels in a URL (which would land in access logs).
 */
export type FetchEventSourceConstructor = new (
  url: string,
  init?: { fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response> },
) => {
  readonly CLOSED: number;
  readonly CONNECTING: number;
  readonly OPEN: number;
  readonly readyState: number;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
  close(): void;
};

export interface PantaClientOptions {
  /** The API's address, e.g. `https://portal.example/api/users`. */
  url: string;
  /** A bearer session token, or a function that returns the current one. */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** For subscriptions (`users.changes`); without it the client makes queries and mutations only. */
  EventSource?: FetchEventSourceConstructor;
}

export type PantaClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export function createPantaClient(options: PantaClientOptions): PantaClient {
  const currentToken = async () => (typeof options.token === 'function' ? await options.token() : options.token);
  const calls = httpBatchLink({
    url: options.url,
    // The server refuses larger batches.
    maxItems: 10,
    fetch: options.fetch,
    async headers() {
      const token = await currentToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
  const EventSource = options.EventSource;
  if (!EventSource) return createTRPCClient<AppRouter>({ links: [calls] });
  const fetchImpl = options.fetch ?? fetch;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: options.url,
          EventSource,
          // Asked again at every (re)connect, so a refreshed token is used.
          eventSourceOptions: async () => {
            const token = await currentToken();
            return {
              fetch: (input: string | URL | Request, init?: RequestInit) => {
                const headers = new Headers(init?.headers);
                if (token) headers.set('authorization', `Bearer ${token}`);
                return fetchImpl(input, { ...init, headers });
              },
            };
          },
        }),
        false: calls,
      }),
    ],
  });
}

/** The server's error details (reason, the user concerned, field errors), if `error` came from the API. */
export function pantaErrorData(error: unknown): PantaErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as PantaErrorData | undefined) : undefined;
}

export type { AppRouter, PantaErrorData };
