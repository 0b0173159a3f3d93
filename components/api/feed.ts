import { EventSource } from 'eventsource';
import type { PantaErrorData } from '../../shared/errors.ts';
import { ApiError } from './client.ts';

/** What one stream tells its subscriber, in the shape of tRPC's subscription observer. */
export interface FeedObserver {
  onStarted?(): void;
  /** A tracked event: its id (the value `lastEventId` resumes from) and its data. */
  onData?(value: { id: string; data: unknown }): void;
  /** The stream ended with a refusal (`ApiError`) or lost its connection (any other error). */
  onError?(error: unknown): void;
  /** The server ended the stream (it does after `LIVE_MAX_STREAM_SECONDS`, and at shutdown). */
  onComplete?(): void;
}

/** The server pings every 15 s: nothing for this long means the connection is gone. */
const QUIET_MS = 40_000;

/**
 * One subscription stream of tRPC's Server-Sent Events protocol (`connected`, `ping`, tracked
 * messages, `serialized-error`, `return`) through the `eventsource` package, whose `fetch` sends
 * the token in the Authorization header, so it never travels in a URL. A module of its own,
 * loaded when the feed first opens, so that the first module does not carry the package. It does
 * not reconnect by itself: whoever subscribed decides when, and from which `lastEventId`.
 * Returns the function that closes it.
 */
export function openFeed(address: string, headers: () => Record<string, string>, observer: FeedObserver): () => void {
  let refusal: ApiError | undefined;
  let quiet: ReturnType<typeof setTimeout> | undefined;
  const source = new EventSource(address, {
    fetch: async (input, init) => {
      const all = new Headers(init?.headers as HeadersInit);
      for (const [name, value] of Object.entries(headers())) all.set(name, value);
      const response = await fetch(input, { ...init, headers: all } as RequestInit);
      if (!response.ok) {
        const answer = (await response.clone().json().catch(() => undefined)) as { error?: { message: string; data?: PantaErrorData } } | undefined;
        if (answer?.error) refusal = new ApiError(answer.error.message, answer.error.data);
      }
      return response;
    },
  });
  const close = () => {
    clearTimeout(quiet);
    source.close();
  };
  const end = (report: () => void) => {
    close();
    report();
  };
  const alive = () => {
    clearTimeout(quiet);
    quiet = setTimeout(() => end(() => observer.onError?.(new TypeError('The live feed went quiet'))), QUIET_MS);
  };
  source.addEventListener('connected', () => {
    alive();
    observer.onStarted?.();
  });
  source.addEventListener('ping', alive);
  source.addEventListener('message', (event) => {
    alive();
    observer.onData?.({ id: event.lastEventId, data: JSON.parse(event.data) });
  });
  source.addEventListener('serialized-error', (event) => {
    const shape = JSON.parse(event.data) as { message: string; data?: PantaErrorData };
    end(() => observer.onError?.(new ApiError(shape.message, shape.data)));
  });
  source.addEventListener('return', () => end(() => observer.onComplete?.()));
  source.addEventListener('error', () => end(() => observer.onError?.(refusal ?? new TypeError('The live feed lost its connection'))));
  return close;
}
