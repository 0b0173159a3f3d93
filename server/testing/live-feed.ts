import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TRPCClientError } from '@trpc/client';
import type { LiveEvent } from '../../shared/live.ts';
import type { Client } from './harness.ts';

/** An open `users.changes` stream whose events a test takes one at a time. */
export interface FeedWatcher {
  /** Every event so far, in order, with its id. */
  readonly received: { id: string; event: LiveEvent }[];
  /** The next event not yet taken; fails after `timeoutMs`. */
  next(timeoutMs?: number): Promise<LiveEvent>;
  /** Asserts that no event arrives within `ms`. */
  quiet(ms: number): Promise<void>;
  /** Resolves with the error the stream ended with (null: it completed). */
  readonly ended: Promise<TRPCClientError<any> | null>;
  close(): void;
}

/** Subscribes to `users.changes` through the real client (tRPC's httpSubscriptionLink). */
export function watchChanges(client: Client, input?: { lastEventId?: string }): FeedWatcher {
  const received: FeedWatcher['received'] = [];
  let taken = 0;
  let arrived: (() => void) | null = null;
  let settle!: (error: TRPCClientError<any> | null) => void;
  const ended = new Promise<TRPCClientError<any> | null>((resolve) => {
    settle = resolve;
  });
  const subscription = client.users.changes.subscribe(input, {
    onData: ({ id, data }) => {
      received.push({ id, event: data });
      arrived?.();
    },
    onError: (error) => settle(error as TRPCClientError<any>),
    onComplete: () => settle(null),
  });
  const waitForEvent = (timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      arrived = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  return {
    received,
    async next(timeoutMs = 3000) {
      while (taken >= received.length) {
        assert.ok(await waitForEvent(timeoutMs), `no live event within ${timeoutMs} ms`);
      }
      return received[taken++]!.event;
    },
    async quiet(ms) {
      await sleep(ms);
      assert.deepEqual(received.slice(taken).map((entry) => entry.event), [], 'an unexpected live event');
    },
    ended,
    close: () => subscription.unsubscribe(),
  };
}
