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
    this.#wakeUp();
  }

  /** Ends the stream with `reason`: a DomainError is sent to the client, an AbortError just closes. */
  end(reason: unknown): void {
    this.#ended ??= reason;
    this.#wakeUp();
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
    const figures = summaryFigures(state.counts);
    const event = (kind: LiveEvent['kind'], tabs: LiveEvent['tabs']): LiveEvent => ({
      kind,
      revision: String(state.revision),
      tabs,
      kpis: figures.kpis,
      counts: figures.counts,
      activeAdmins: state.counts.activeAdmins,
    });
    if (seen.kind === 'nothing') return event('current', []);
    // An id this database never gave out (another database, or one restored from an older backup).
    if (seen.kind === 'unknown' || seen.revision > state.revision) return event('resync', [...TABS]);
    return event('change', TABS.filter((tab) => state.tabRevisions[tab] > seen.revision));
  }
}
