import type { TRPCClient } from '@trpc/client';
import type { PantaErrorData } from '../../shared/errors.ts';
import type { FeedObserver } from './feed.ts';
import type { AppRouter } from '../../shared/router.ts';

/** Typed as tRPC's own client: `client.users.list.query(input, { signal })`. */
export type ApiClient = TRPCClient<AppRouter>;

/** The server refused a call: its message, and `data` with the reason, the user concerned, field errors. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly data: PantaErrorData | undefined,
  ) {
    super(message);
  }
}

interface CallOptions {
  signal?: AbortSignal;
  /** For FormData uploads: called with the fraction of the body sent so far. */
  context?: { onUploadProgress?: (fraction: number) => void };
}

type Envelope = { result?: { data: unknown }; error?: { message: string; data?: PantaErrorData } };

/** A query waiting for the batch it goes out in. */
interface PendingQuery {
  path: string;
  input: unknown;
  signal?: AbortSignal;
  resolve(data: unknown): void;
  reject(error: unknown): void;
}

/** The server takes at most 20 calls in one batch; beyond this, a second request goes. */
const MAX_BATCH = 10;

/**
 * A client of the user-management router that speaks tRPC's HTTP protocol as its links do. Queries
 * made in the same tick go out together as one batched GET, as `httpBatchLink` sends them
 * (`{url}/a,b?batch=1&input={"0":…,"1":…}`, answered by an array of envelopes): the element's first
 * `session.me`, `users.summary` and `users.list` cost one round trip. A mutation is one POST of
 * JSON, or of multipart form data when the input is FormData, as `httpLink` sends it. A call whose
 * signal aborts is rejected at once; its request is cancelled when no other call waits on it. A
 * subscription (`users.changes`) is one Server-Sent Events stream (feed.ts).
 *
 * Written out here, not taken from @trpc/client, for the element's size budget: with
 * `httpBatchLink`, `httpLink` and `splitLink` the first module measured 32.7 KB gzip (budget 30),
 * and with the subscription link and the `eventsource` package besides, 39.4 KB, 45.7 KB with
 * every chunk (budget 45); this client costs about 1 KB. The types are still tRPC's. The token is
 * read on every request, so a host that replaces it is heard at once; without one, same-origin
 * cookies still go along. `getLanguage` names the element's language in `Accept-Language`, read on
 * every request too: the invitations an admin sends keep it (their email and accept page speak it).
 */
export function createApiClient(url: string, getToken: () => string | undefined, getLanguage?: () => string): ApiClient {
  const base = url.replace(/\/$/, '');
  const headersNow = () => {
    const headers = authorization(getToken());
    if (getLanguage) headers['accept-language'] = getLanguage();
    return headers;
  };
  let queue: PendingQuery[] = [];

  const sendBatch = async (calls: PendingQuery[]) => {
    const batch = calls.filter((call) => !call.signal?.aborted);
    calls.filter((call) => call.signal?.aborted).forEach((call) => call.reject(new DOMException('The call was superseded', 'AbortError')));
    if (batch.length === 0) return;
    const waiting = new Set(batch);
    const abort = new AbortController();
    for (const call of batch) {
      call.signal?.addEventListener('abort', () => {
        waiting.delete(call);
        call.reject(new DOMException('The call was superseded', 'AbortError'));
        if (waiting.size === 0) abort.abort();
      });
    }
    const inputs = JSON.stringify(Object.fromEntries(batch.map((call, index) => [index, call.input])));
    const address = `${base}/${batch.map((call) => call.path).join(',')}?batch=1&input=${encodeURIComponent(inputs)}`;
    try {
      const answer = (await (await fetch(address, { headers: headersNow(), signal: abort.signal })).json()) as Envelope | Envelope[];
      // A refusal of the whole batch is one envelope, the answer to every call in it.
      batch.forEach((call, index) => settle(Array.isArray(answer) ? answer[index] : answer, call.resolve, call.reject));
    } catch (error) {
      batch.forEach((call) => call.reject(error));
    }
  };

  const query = (path: string, input: unknown, signal?: AbortSignal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new DOMException('The call was superseded', 'AbortError'));
      if (queue.length === 0) {
        queueMicrotask(() => {
          const calls = queue;
          queue = [];
          for (let from = 0; from < calls.length; from += MAX_BATCH) void sendBatch(calls.slice(from, from + MAX_BATCH));
        });
      }
      queue.push({ path, input, signal, resolve, reject });
    });

  const mutate = async (path: string, input: unknown, { signal, context }: CallOptions = {}) => {
    const form = input instanceof FormData;
    const headers = headersNow();
    if (!form) headers['content-type'] = 'application/json';
    const body = input === undefined ? undefined : form ? input : JSON.stringify(input);
    const address = `${base}/${path}`;
    const init = { method: 'POST', headers, body, signal };
    const answer = (await (context?.onUploadProgress ? sendWithProgress(address, init, context.onUploadProgress) : (await fetch(address, init)).json())) as Envelope;
    return new Promise((resolve, reject) => settle(answer, resolve, reject));
  };

  /** The feed's module loads with the first subscription (see feed.ts). */
  const subscribe = (path: string, input: unknown, observer: FeedObserver) => {
    let close: (() => void) | undefined;
    let closed = false;
    const address = `${base}/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;
    import('./feed.ts').then(
      ({ openFeed }) => {
        if (!closed) close = openFeed(address, () => authorization(getToken()), observer);
      },
      (error) => observer.onError?.(error),
    );
    return {
      unsubscribe: () => {
        closed = true;
        close?.();
      },
    };
  };

  const call = (path: string, type: string, input: unknown, options: CallOptions & FeedObserver = {}) =>
    type === 'query' ? query(path, input, options.signal) : type === 'subscribe' ? subscribe(path, input, options) : mutate(path, input, options);
  const proxy = (path: string[]): unknown =>
    new Proxy(() => {}, {
      // Not a thenable: `await client` must not call the server.
      get: (_, key) => (key === 'then' ? undefined : proxy([...path, String(key)])),
      apply: (_, __, [input, options]) => call(path.slice(0, -1).join('.'), path.at(-1)!, input, options),
    });
  return proxy([]) as ApiClient;
}

/** Resolves with an envelope's data or rejects with its error. */
function settle(answer: Envelope | undefined, resolve: (data: unknown) => void, reject: (error: unknown) => void) {
  if (answer?.error) reject(new ApiError(answer.error.message, answer.error.data));
  else if (answer) resolve(answer.result?.data);
  else reject(new SyntaxError('No answer for this call'));
}

/** The bearer header for a token, if there is one. */
export const authorization = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** A request through XMLHttpRequest, the only API that reports how much of an upload has gone out. */
function sendWithProgress(address: string, init: RequestInit & { headers: Record<string, string> }, onProgress: (fraction: number) => void) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(init.method!, address);
    for (const [name, value] of Object.entries(init.headers)) xhr.setRequestHeader(name, value);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => onProgress(event.loaded / event.total);
    // The whole body is at the server, which now works on it: said even when the last progress event was throttled away.
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => (xhr.response ? resolve(xhr.response) : reject(new SyntaxError('Not a JSON answer')));
    xhr.onerror = () => reject(new TypeError('Network request failed'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    init.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(init.body as XMLHttpRequestBodyInit);
  });
}

/** What the server said about a failed call, when it was the server that said it. */
export function errorDataOf(error: unknown): PantaErrorData | undefined {
  return error instanceof ApiError ? error.data : undefined;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
