/** What the page asked the network for, recorded by wrapping `fetch` for the length of a test. */
export interface RecordedRequest {
  url: string;
  headers: Headers;
  signal: AbortSignal | undefined;
  /** The response's headers have arrived (for a stream: it is open). */
  answered: boolean;
}

export interface RequestRecorder {
  readonly requests: RecordedRequest[];
  /** Puts the page's own fetch back. */
  restore(): void;
}

/**
 * Records every fetch the page makes; `delay` may hold a response back (by URL) to let a later
 * request overtake it. The request itself goes out at once, with its signal, so an abort is real.
 */
export function recordRequests(delay: (url: string) => number = () => 0): RequestRecorder {
  const original = window.fetch;
  const requests: RecordedRequest[] = [];
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const request: RecordedRequest = { url, headers: new Headers(init?.headers), signal: init?.signal ?? undefined, answered: false };
    requests.push(request);
    const response = await original(input, init);
    request.answered = true;
    const ms = delay(url);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    return response;
  };
  return { requests, restore: () => void (window.fetch = original) };
}

/** The procedures a tRPC request calls: `a,b` of `…/api/users/a,b?batch=1…`. */
export function proceduresOf(url: string): string[] {
  return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '').split(',');
}
