/**
 * A typed client of the user-management API (`panta-user-management/client`), for scripts and
 * back-office tools that need no UI.
 */
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { PantaErrorData } from './errors.ts';
import type { AppRouter } from './router.ts';

export interface PantaClientOptions {
  /** The API's address, e.g. `https://portal.example/api/users`. */
  url: string;
  /** A bearer session token, or a function that returns the current one. */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export type PantaClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export function createPantaClient(options: PantaClientOptions): PantaClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: options.url,
        // The server refuses larger batches.
        maxItems: 10,
        fetch: options.fetch,
        async headers() {
          const token = typeof options.token === 'function' ? await options.token() : options.token;
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}

/** The server's error details (reason, the user concerned, field errors), if `error` came from the API. */
export function pantaErrorData(error: unknown): PantaErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as PantaErrorData | undefined) : undefined;
}

export type { AppRouter, PantaErrorData };
