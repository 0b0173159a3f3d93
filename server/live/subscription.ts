import { TABS } from '../../shared/constants.ts';
import type { LiveEvent } from '../../shared/live.ts';
import type { WorkspaceRevision } from '../db/repositories/workspace-revisions.ts';
import type { Caller } from '../services/actor.ts';
import { summaryFigures } from '../services/users.ts';

/** What a subscriber was last sent, from the `lastEventId` it resumed with. */
type Seen = { kind: 'nothing' } | { kind: 'revision'; revision: number } | { kind: 'unknown' };

const seenFrom = (lastEventId: string | null | undefined): Seen => {
  if (lastEventId === null || lastEventId === undefined || lastEventId === '') return { kind: 'nothing' };
  return /^\d{1,15}$/.test(lastEventId) ? { kind: 'revision', revision: Number(lastEventId) } : { kind: 'unknown' };
};

export const abortError = (message: string) => new DOMException(message, 'AbortError');

/**
 * Where a subscription hands its events as they come (the SSE response of `users.changes`),
 * instead of waiting to be asked for the next one.
 */
export interface LiveSink {
  /** Whether the stream takes an event now; while not (its socket's buffer is full), changes pile up into one event, sent on `flush()`. */
  readonly ready: boolean;
  send(event: LiveEvent): void;
  /** The stream ended with `reason` (see `Subscription.end`). */
  end(reason: unknown): void;
}

/**
 * The events one workspace state gives, one object per kind and set of tabs, made once for every
 * subscriber that gets it: 1,000 subscribers of a workspace get the same object (and the SSE
 * response serialises it once, `frameOf`).
 */
const eventsOf = new WeakMap<WorkspaceRevision, Map<string, LiveEvent>>();

function sharedEvent(state: WorkspaceRevision, kind: LiveEvent['kind'], tabs: LiveEvent['tabs']): LiveEvent {
  let events = eventsOf.get(state);
  if (!events) eventsOf.set(state, (events = new Map()));
  const key = `${kind}:${tabs.join(',')}`;
  let event = events.get(key);
  if (!event) {
    const figures = summaryFigures(state.counts);
    event = { kind, revision: String(state.revision), tabs, kpis: figures.kpis, counts: figures.counts, activeAdmins: state.counts.activeAdmins };
    events.set(key, event);
  }
  return event;
}

/**
 * One open stream of one admin. It keeps only the newest state of its workspace: an event is
 * computed when the stream takes it, against the revision last sent, so changes that pile up
 * before the stream is written to become one event naming every tab they touched.
 */
export class Subscription {
  readonly caller: Caller;
  readonly openedAt = Date.now();
  #seen: Seen;
  #state: WorkspaceRevision | null = null;
  #ended: unknown = null;
  #wake: (() => void) | null = null;
  #sink: LiveSink | null = null;

  constructor(caller: Caller, lastEventId: string | null | undefined) {
    this.caller = caller;
    this.#seen = seenFrom(lastEventId);
  }

  get workspaceId(): string {
    return this.caller.workspaceId;
  }

  /** Whether `state` gives this subscriber an event to send. */
  wants(state: WorkspaceRevision): boolean {
    return this.#seen.kind !== 'revision' || state.revision !== this.#seen.revision;
  }

  offer(state: WorkspaceRevision): void {
    if (this.#state && this.#state.revision >= state.revision) return;
    this.#state = state;
    if (this.#sink) this.flush();
    else this.#wakeUp();
  }

  /** Ends the stream with `reason`: a DomainError is sent to the client, an AbortError just closes. */
  end(reason: unknown): void {
    if (this.#ended !== null) return;
    this.#ended = reason;
    if (this.#sink) this.#sink.end(reason);
    else this.#wakeUp();
  }

  /**
   * From now on the events go to `sink` as they come, in the same turn as the state that makes
   * them (no reader to wake, no promise per event): instead of `next()`.
   */
  attach(sink: LiveSink): void {
    this.#sink = sink;
    if (this.#ended !== null) sink.end(this.#ended);
    else this.flush();
  }

  /** Hands the sink its event, if there is one and it takes one now. */
  flush(): void {
    const sink = this.#sink;
    if (!sink || this.#ended !== null || !sink.ready) return;
    const event = this.#take();
    if (event) sink.send(event);
  }

  get ended(): boolean {
    return this.#ended !== null;
  }

  /** The next event, once there is one; throws what the stream ended with. */
  async next(): Promise<LiveEvent> {
    for (;;) {
      if (this.#ended !== null) throw this.#ended;
      const event = this.#take();
      if (event) return event;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #take(): LiveEvent | null {
    const state = this.#state;
    if (!state || !this.wants(state)) return null;
    const seen = this.#seen;
    this.#seen = { kind: 'revision', revision: state.revision };
    const event = (kind: LiveEvent['kind'], tabs: LiveEvent['tabs']) => sharedEvent(state, kind, tabs);
    if (seen.kind === 'nothing') return event('current', []);
    // An id this database never gave out (another database, or one restored from an older backup).
    if (seen.kind === 'unknown' || seen.revision > state.revision) return event('resync', [...TABS]);
    return event('change', TABS.filter((tab) => state.tabRevisions[tab] > seen.revision));
  }
}
