import { TRPCClientError, createTRPCClient, httpLink } from '@trpc/client';
import type { PantaErrorData } from '../../shared/errors.ts';
import type { AppRouter } from '../../shared/router.ts';

export type ApiClient = ReturnType<typeof createTRPCClient<AppRouter>>;

/**
 * A tRPC client for the user-management router. The token is read on every request, so a host
 * that replaces it is heard at once; without one, same-origin cookies still go along.
 */
export function createApiClient(url: string, getToken: () => string | undefined): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [
      // One request per call rather than httpBatchLink: the element makes few calls at once, and
      // the batching code costs about half a kilobyte of the bundle budget.
      httpLink({
        url,
        headers: () => {
          const token = getToken();
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}

/** What the server said about a failed call, when it was the server that said it. */
export function errorDataOf(error: unknown): PantaErrorData | undefined {
  if (error instanceof TRPCClientError) return (error.data ?? undefined) as PantaErrorData | undefined;
  return undefined;
}

export function isAbort(error: unknown): boolean {
  if (error instanceof DOMException && error.name === 'AbortError') return true;
  return error instanceof TRPCClientError && (error.cause as { name?: string } | undefined)?.name === 'AbortError';
}
