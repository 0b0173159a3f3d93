import { tracked } from '@trpc/server';
import type { LiveEvent } from '../../shared/live.ts';
import type { Caller } from '../services/actor.ts';
import type { ChangeFeed } from './change-feed.ts';

/**
 * Opens an admin's stream now (so a refusal, TOO_MANY_STREAMS, is the call's error) and returns
 * it with its events, each `tracked()` by the workspace's revision, so a client that reconnects
 * sends the last one back as `lastEventId` and resumes there. The stream is released when the
 * client leaves (`signal`), when it ends for any other reason, or when the server shuts down.
 * `events` is for whoever reads it as an async iterable (tRPC); the SSE response of
 * `users.changes` (sse-response.ts) attaches to the subscription instead and never iterates it.
 */
export function openChangeStream(feed: ChangeFeed, caller: Caller, lastEventId: string | null | undefined, signal: AbortSignal | undefined) {
  const subscription = feed.open(caller, lastEventId);
  const release = () => feed.release(subscription);
  if (signal?.aborted) release();
  else signal?.addEventListener('abort', release, { once: true });
  const events = (async function* () {
    try {
      for (;;) {
        const event: LiveEvent = await subscription.next();
        yield tracked(event.revision, event);
      }
    } finally {
      signal?.removeEventListener('abort', release);
      release();
    }
  })();
  return { subscription, events };
}
