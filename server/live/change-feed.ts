import type { DB } from '../db/database.ts';
import { readChangeMarker } from '../db/change-marker.ts';
import { findLiveSessionExpiries } from '../db/repositories/sessions.ts';
import { findUserStandings } from '../db/repositories/users.ts';
import { readWorkspaceRevisions, type WorkspaceRevision } from '../db/repositories/workspace-revisions.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { type Caller, isActiveAdmin, notAdmin, notSignedIn } from '../services/actor.ts';
import { abortError, Subscription } from './subscription.ts';

export interface LiveSettings {
  /** Open streams one session (or one user of a host's sign-in) may hold (`LIVE_MAX_STREAMS_PER_SESSION`). */
  maxStreamsPerSession: number;
  /** Open streams one server process holds at most (`LIVE_MAX_STREAMS_PER_SERVER`). */
  maxStreamsPerServer: number;
  /**
   * How often every open stream's caller is checked again, and, where no notification arrives
   * (SQLite, or PostgreSQL while its LISTEN connection is down), the revisions are read
   * (`LIVE_CHECK_INTERVAL_MS`).
   */
  checkIntervalMs: number;
  /** A stream ends after this long and the client reconnects, authenticated afresh (`LIVE_MAX_STREAM_SECONDS`). */
  maxStreamSeconds: number;
}

export const DEFAULT_LIVE_SETTINGS: LiveSettings = {
  maxStreamsPerSession: 5,
  maxStreamsPerServer: 2000,
  checkIntervalMs: 1000,
  maxStreamSeconds: 3600,
};

/** A source of change hints from other processes: PostgreSQL's LISTEN. */
export interface ChangeHints {
  /** Starts listening; `onChange` gets a workspace id, `onGap` says hints may have been missed. */
  start(onChange: (workspaceId: string) => void, onGap: () => void): void;
  /** Whether hints are arriving now; while not, the feed polls. */
  readonly healthy: boolean;
  stop(): Promise<void>;
}

export interface ChangeFeedOptions {
  db: DB;
  clock: Clock;
  settings?: Partial<LiveSettings>;
  /** Hints from other servers; without them (SQLite) the feed polls the revisions. */
  hints?: ChangeHints | null;
  onError: (error: unknown) => void;
}

/** Big enough to batch, small enough for any database's limit on bound parameters. */
const CHUNK = 500;

const chunks = <T>(items: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, index) => items.slice(index * CHUNK, (index + 1) * CHUNK));

/** The subscribers of one workspace and the reads of its counters row. */
interface Channel {
  workspaceId: string;
  subscribers: Set<Subscription>;
  reading: Promise<void> | null;
  again: boolean;
}

/**
 * The change feed of one server process. A workspace's revision, raised by triggers in the
 * transaction of every change, is the truth; whatever says "workspace W may have changed" is only
 * a hint to read it: this process's own commits (`changed`, called after commit), PostgreSQL's
 * notifications (`hints`), or, on SQLite, a poll of every subscribed workspace's row once per
 * `checkIntervalMs`. Each read is one statement for all the workspaces in question, shared by all
 * their subscribers; a subscriber gets an event only when the revision moved past what it was
 * last sent, so however many hints arrive for one change, it gets one event.
 *
 * Before any event is sent its subscriber's caller is read again (with everyone else's who gets
 * one, in one statement), and every `checkIntervalMs` all of them are (on SQLite only when the
 * file may have changed, `#tick`): a demoted, deleted or signed-out admin's stream ends with
 * FORBIDDEN or UNAUTHORIZED within that time.
 */
export class ChangeFeed {
  readonly #db: DB;
  readonly #clock: Clock;
  readonly #settings: LiveSettings;
  readonly #hints: ChangeHints | null;
  readonly #onError: (error: unknown) => void;
  readonly #channels = new Map<string, Channel>();
  readonly #perSession = new Map<string, number>();
  #open = 0;
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;
  /**
   * What the last full tick vouched for: the database's change marker read before it (null:
   * none), and when the first of the sessions it found live expires. A stream opened since
   * (`#joined`) was not among them.
   */
  #checked: { marker: string | null; validUntil: number } = { marker: null, validUntil: 0 };
  #joined = false;
  #hintsStarted = false;
  #closed = false;

  constructor(options: ChangeFeedOptions) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#settings = { ...DEFAULT_LIVE_SETTINGS, ...options.settings };
    this.#hints = options.hints ?? null;
    this.#onError = options.onError;
  }

  get settings(): Readonly<LiveSettings> {
    return this.#settings;
  }

  /** Open streams on this process. */
  get openStreams(): number {
    return this.#open;
  }

  /** A write to this workspace's users committed (here), or another server says one did. */
  changed(workspaceId: string): void {
    const channel = this.#channels.get(workspaceId);
    if (channel) void this.#refresh(channel);
  }

  /** Opens a stream for an admin; TOO_MANY_REQUESTS past the caps. */
  open(caller: Caller, lastEventId: string | null | undefined): Subscription {
    const session = sessionKey(caller);
    const sessionStreams = this.#perSession.get(session) ?? 0;
    if (sessionStreams >= this.#settings.maxStreamsPerSession) {
      throw tooManyStreams(`This session already has ${sessionStreams} live streams open: close one first`);
    }
    if (this.#open >= this.#settings.maxStreamsPerServer) {
      throw tooManyStreams('This server has as many live streams open as it allows: try again later');
    }
    const subscription = new Subscription(caller, lastEventId);
    if (this.#closed) {
      subscription.end(abortError('The server is shutting down'));
      return subscription;
    }
    this.#perSession.set(session, sessionStreams + 1);
    this.#open++;
    let channel = this.#channels.get(caller.workspaceId);
    if (!channel) {
      channel = { workspaceId: caller.workspaceId, subscribers: new Set(), reading: null, again: false };
      this.#channels.set(caller.workspaceId, channel);
    }
    channel.subscribers.add(subscription);
    this.#joined = true;
    this.#startTimers();
    void this.#refresh(channel);
    return subscription;
  }

  /** Forgets a stream that ended (the client left, or the stream ended for any reason). */
  release(subscription: Subscription): void {
    const channel = this.#channels.get(subscription.workspaceId);
    if (!channel?.subscribers.delete(subscription)) return;
    subscription.end(abortError('Stream closed'));
    const session = sessionKey(subscription.caller);
    const left = (this.#perSession.get(session) ?? 1) - 1;
    if (left > 0) this.#perSession.set(session, left);
    else this.#perSession.delete(session);
    this.#open--;
    if (channel.subscribers.size === 0 && !channel.reading) this.#channels.delete(channel.workspaceId);
    if (this.#open === 0) void this.#stopTimers();
  }

  /** Ends every stream (their clients reconnect, to another server) and stops listening. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const channel of this.#channels.values()) {
      for (const subscription of channel.subscribers) subscription.end(abortError('The server is shutting down'));
    }
    await this.#stopTimers();
  }

  #startTimers(): void {
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.#tick(), this.#settings.checkIntervalMs);
      this.#timer.unref();
    }
    if (this.#hints && !this.#hintsStarted) {
      this.#hintsStarted = true;
      this.#hints.start(
        (workspaceId) => this.changed(workspaceId),
        () => this.#refreshAll(),
      );
    }
  }

  async #stopTimers(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#hints && this.#hintsStarted) {
      this.#hintsStarted = false;
      await this.#hints.stop();
    }
  }

  #refreshAll(): void {
    for (const channel of this.#channels.values()) void this.#refresh(channel);
  }

  /** Reads the channel's row and delivers it; a hint during a read asks for one more read. */
  #refresh(channel: Channel): Promise<void> {
    if (channel.reading) {
      channel.again = true;
      return channel.reading;
    }
    channel.reading = (async () => {
      do {
        channel.again = false;
        try {
          await this.#deliver([channel], true);
        } catch (error) {
          this.#onError(error);
        }
      } while (channel.again && channel.subscribers.size > 0);
    })().finally(() => {
      channel.reading = null;
      if (channel.subscribers.size === 0) this.#channels.delete(channel.workspaceId);
    });
    return channel.reading;
  }

  /**
   * Once per interval: every caller checked again; the revisions read where no hints come. On
   * SQLite both are skipped while the database's change marker has not moved since the last
   * full tick, no stream has opened since, and no session it found live has expired: then no
   * sign-out, demotion, deletion or change can have happened, in this process or another on the
   * file (1,000 sessions re-checked every second were the most of what idle streams cost a
   * server, server/bench/LIVE.md). PostgreSQL has no marker: every tick is a full one.
   */
  async #tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      const now = Date.now();
      for (const channel of this.#channels.values()) {
        for (const subscription of channel.subscribers) {
          if (now - subscription.openedAt >= this.#settings.maxStreamSeconds * 1000) {
            subscription.end(abortError('The stream reached its longest duration: reconnect'));
          }
        }
      }
      const marker = await readChangeMarker(this.#db);
      // In the same turn: a stream that opens from here on is not in `all`, and counts as joined.
      const joined = this.#joined;
      this.#joined = false;
      const all = [...this.#channels.values()].flatMap((channel) => [...channel.subscribers]);
      const unchanged = marker !== null && marker === this.#checked.marker && !joined && this.#clock.now().getTime() < this.#checked.validUntil;
      if (unchanged) return;
      this.#checked = { marker: null, validUntil: 0 };
      const validUntil = await this.#recheck(all.filter((subscription) => !subscription.ended));
      if (!this.#hints?.healthy) await this.#deliver([...this.#channels.values()], false);
      this.#checked = { marker, validUntil };
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#ticking = false;
    }
  }

  /** Reads the channels' rows in one statement and hands each to its subscribers that get an event. */
  async #deliver(channels: Channel[], recheck: boolean): Promise<void> {
    const live = channels.filter((channel) => channel.subscribers.size > 0);
    const states = new Map<string, WorkspaceRevision>();
    for (const chunk of chunks(live.map((channel) => channel.workspaceId))) {
      for (const state of await readWorkspaceRevisions(this.#db, chunk)) states.set(state.workspaceId, state);
    }
    const receiving: [Subscription, WorkspaceRevision][] = [];
    for (const channel of live) {
      const state = states.get(channel.workspaceId);
      if (!state) continue;
      for (const subscription of channel.subscribers) if (subscription.wants(state)) receiving.push([subscription, state]);
    }
    if (recheck) await this.#recheck(receiving.map(([subscription]) => subscription));
    for (const [subscription, state] of receiving) if (!subscription.ended) subscription.offer(state);
  }

  /**
   * Ends the streams of callers who are no longer active admins or whose session has ended;
   * returns when the first of the live sessions it found expires (in `Clock` time; Infinity if none).
   */
  async #recheck(subscriptions: Subscription[]): Promise<number> {
    if (subscriptions.length === 0) return Infinity;
    const nowIso = this.#clock.now().toISOString();
    const users = new Map<string, Awaited<ReturnType<typeof findUserStandings>>[number]>();
    const liveSessions = new Map<string, string>();
    for (const chunk of chunks([...new Set(subscriptions.map((subscription) => subscription.caller.id))])) {
      for (const user of await findUserStandings(this.#db, chunk)) users.set(user.id, user);
    }
    const sessionIds = [...new Set(subscriptions.flatMap((subscription) => subscription.caller.sessionId ?? []))];
    for (const chunk of chunks(sessionIds)) {
      for (const [id, expiresAt] of await findLiveSessionExpiries(this.#db, chunk, nowIso)) liveSessions.set(id, expiresAt);
    }
    let validUntil = Infinity;
    for (const subscription of subscriptions) {
      const { caller } = subscription;
      const user = users.get(caller.id);
      const expiresAt = caller.sessionId === null ? undefined : liveSessions.get(caller.sessionId);
      const signedIn =
        user !== undefined &&
        user.workspace_id === caller.workspaceId &&
        user.deleted_at === null &&
        (caller.sessionId === null || expiresAt !== undefined);
      if (!signedIn) subscription.end(notSignedIn());
      else if (!isActiveAdmin(user)) subscription.end(notAdmin());
      else if (expiresAt !== undefined) validUntil = Math.min(validUntil, Date.parse(expiresAt));
    }
    return validUntil;
  }
}

/** Streams are counted per session, or per user for a host's own sign-in. */
const sessionKey = (caller: Caller) => (caller.sessionId ? `session:${caller.sessionId}` : `user:${caller.workspaceId}/${caller.id}`);

const tooManyStreams = (message: string) => new DomainError('TOO_MANY_REQUESTS', 'TOO_MANY_STREAMS', message);
