import type { TRPCClient } from '@trpc/client';
import type { PantaErrorData } from '../../shared/errors.ts';
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

/**
 * A client of the user-management router that speaks tRPC's HTTP protocol as its httpLink does,
 * one request per call: a query is a GET of `{url}/{path}?input={json}`, a mutation a POST of
 * JSON, or of multipart form data when the input is FormData; the answer is `{ result: { data } }`
 * or `{ error }`. Written out here because @trpc/client's links, observables and proxies cost
 * about 4 KB of the element's 30 KB gzip budget; the types are still tRPC's. The token is read on
 * every request, so a host that replaces it is heard at once; without one, same-origin cookies
 * still go along. `getLanguage` names the element's language in `Accept-Language`, read on every
 * request too: the invitations an admin sends keep it (their email and accept page speak it).
 */
export function createApiClient(url: string, getToken: () => string | undefined, getLanguage?: () => string): ApiClient {
  const call = async (path: string, type: string, input: unknown, { signal, context }: CallOptions = {}) => {
    const query = type === 'query';
    const form = input instanceof FormData;
    const headers = authorization(getToken());
    if (getLanguage) headers['accept-language'] = getLanguage();
    if (!query && !form) headers['content-type'] = 'application/json';
    const body = query || input === undefined ? undefined : form ? input : JSON.stringify(input);
    const address = `${url.replace(/\/$/, '')}/${path}${query && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ''}`;
    const init = { method: query ? 'GET' : 'POST', headers, body, signal };
    const answer = (await (context?.onUploadProgress ? sendWithProgress(address, init, context.onUploadProgress) : (await fetch(address, init)).json())) as Envelope;
    if (answer.error) throw new ApiError(answer.error.message, answer.error.data);
    return answer.result?.data;
  };
  const proxy = (path: string[]): unknown =>
    new Proxy(() => {}, {
      // Not a thenable: `await client` must not call the server.
      get: (_, key) => (key === 'then' ? undefined : proxy([...path, String(key)])),
      apply: (_, __, [input, options]) => call(path.slice(0, -1).join('.'), path.at(-1)!, input, options),
    });
  return proxy([]) as ApiClient;
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
