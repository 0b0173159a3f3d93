import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveEvent } from '../../shared/live.ts';
import { errorDataOf } from '../api/client.ts';
import type { UsersDataController } from './users-data-controller.ts';

/** At most one reload of the visible page this often, however many changes arrive. */
const RELOAD_INTERVAL_MS = 500;
/** After a lost connection: the first retry, doubled on each failure up to the last. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** How long "Updated" shows after a change arrived. */
const HINT_MS = 4000;
/** While a dialog is open, how often to look whether it has closed. */
const DIALOG_CHECK_MS = 250;

/** What the controller reads from its element. */
export interface LiveHost extends ReactiveControllerHost {
  /** Off: no feed (the Refresh button still works). */
  readonly live: boolean;
  readonly token: string | undefined;
  readonly isConnected: boolean;
}

/** What the controller asks of its element. */
export interface LiveListener {
  /** A dialog is open: rows must not move under it. */
  dialogOpen(): boolean;
  /** The feed ended with a refusal (not an admin any more, signed out, too many streams). */
  refused(error: unknown): void;
  /** Before a reload: notes where focus is and returns what puts it back on the same user's control. */
  holdFocus(): () => void;
  /** A reload failed: the rows shown may be out of date (said once, until one succeeds). */
  outdated(): void;
}

/**
 * The live change feed (`users.changes`) while an admin is shown: new KPIs and counts at once, the
 * visible page reloaded when its tab changed, without disturbing the admin: reloads are coalesced
 * (one in flight, one per 500 ms), wait for an open dialog to close, and keep the selection
 * (the element prunes it to the rows still present). The feed closes when the element leaves the
 * page, when the token changes (it opens again once the new one is known to be an admin's) or
 * when `live` is turned off; after a lost connection it reconnects with backoff from the last
 * revision seen, and when the page becomes visible again it reconnects at once, which tells it
 * whether the revision moved while the tab slept. A reload that fails (the network gone) keeps the
 * rows shown, with a note that they may be out of date, and is tried again on the next event, when
 * the feed opens again, or when the browser is back online (which also reopens the feed).
 */
export class LiveController implements ReactiveController {
  /** A change arrived a moment ago: the quiet "Updated" hint shows. */
  updated = false;
  /** Why the feed is off, when the server refused it (e.g. TOO_MANY_STREAMS). */
  refusal: unknown;

  /** What the open feed was opened for: the client and token. */
  #openFor: readonly unknown[] | undefined;
  #unsubscribe: (() => void) | undefined;
  #lastEventId: string | null = null;
  /** The token whose session `#lastEventId` was sent to (kept across a close, unlike `#openFor`). */
  #lastEventFor: unknown;
  #retryMs = RETRY_FIRST_MS;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #hintTimer: ReturnType<typeof setTimeout> | undefined;
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;
  #reloading = false;
  #reloadWanted = false;
  #lastReloadAt = 0;

  constructor(
    private readonly host: LiveHost,
    private readonly data: UsersDataController,
    private readonly listener: LiveListener,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#wake);
    addEventListener('online', this.#wake);
    // Back on the page: the next update opens the feed again.
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#wake);
    removeEventListener('online', this.#wake);
    this.#close();
    clearTimeout(this.#reloadTimer);
    clearTimeout(this.#hintTimer);
  }

  hostUpdated(): void {
    const wanted = this.#wanted();
    if (!wanted) {
      this.#close();
      this.refusal = undefined;
    } else if (!this.#openFor || wanted.some((value, index) => value !== this.#openFor![index])) {
      this.#open(wanted);
    }
  }

  /** The Refresh button: everything again now, and the feed again if it was down. */
  refresh(): void {
    this.data.refresh();
    if (!this.#unsubscribe && this.#wanted()) this.#reopen();
  }

  /** The client and token the feed should be open for, if it should be. */
  #wanted(): readonly unknown[] | undefined {
    const { client } = this.data;
    return this.host.isConnected && this.host.live && client && this.data.isAdmin ? [client, this.host.token] : undefined;
  }

  #open(key: readonly unknown[]) {
    this.#close();
    // Another session's revision means nothing to this one.
    if (this.#lastEventFor !== key[1]) this.#lastEventId = null;
    this.#lastEventFor = key[1];
    this.#openFor = key;
    const client = this.data.client!;
    this.#unsubscribe = client.users.changes.subscribe(this.#lastEventId ? { lastEventId: this.#lastEventId } : undefined, {
      onStarted: () => {
        this.#retryMs = RETRY_FIRST_MS;
        this.#setRefusal(undefined);
        if (this.data.outdated) this.#scheduleReload();
      },
      onData: ({ id, data }) => {
        this.#lastEventId = id;
        this.#apply(data);
      },
      onError: (error) => this.#ended(error),
      onComplete: () => this.#ended(undefined),
    }).unsubscribe;
  }

  #close() {
    clearTimeout(this.#retryTimer);
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#openFor = undefined;
  }

  /** Open again from the last revision seen, now. */
  #reopen() {
    const wanted = this.#wanted();
    this.#close();
    if (wanted) this.#open(wanted);
  }

  #ended(error: unknown) {
    this.#unsubscribe = undefined;
    const code = errorDataOf(error)?.code;
    if (code === 'FORBIDDEN' || code === 'UNAUTHORIZED' || code === 'TOO_MANY_REQUESTS') {
      this.listener.refused(error);
      // A lost admin right is settled by `session.me`; too many streams: said, and tried again slowly.
      if (code !== 'TOO_MANY_REQUESTS') return;
      this.#setRefusal(error);
      this.#retryMs = RETRY_MAX_MS;
    }
    // The server ended the stream (its time is up, or it shuts down): back at once, elsewhere if need be.
    const wait = error === undefined ? 0 : this.#retryMs;
    if (error !== undefined) this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#reopen(), wait);
  }

  #setRefusal(error: unknown) {
    if (this.refusal === error) return;
    this.refusal = error;
    this.host.requestUpdate();
  }

  #apply(event: LiveEvent) {
    this.data.applyFigures(event);
    if (event.kind === 'current') return;
    const { tab } = this.data.query;
    if (event.kind === 'resync') this.data.refresh();
    else if (this.data.outdated || event.tabs.includes(tab)) this.#scheduleReload();
    this.updated = true;
    clearTimeout(this.#hintTimer);
    this.#hintTimer = setTimeout(() => {
      this.updated = false;
      this.host.requestUpdate();
    }, HINT_MS);
    this.host.requestUpdate();
  }

  /** A reload of the visible page, coalesced: one in flight, one per interval, none under an open dialog. */
  #scheduleReload() {
    this.#reloadWanted = true;
    if (this.#reloading || this.#reloadTimer !== undefined) return;
    const wait = Math.max(0, this.#lastReloadAt + RELOAD_INTERVAL_MS - Date.now());
    this.#reloadTimer = setTimeout(() => void this.#reload(), wait);
  }

  async #reload() {
    this.#reloadTimer = undefined;
    if (this.listener.dialogOpen()) {
      this.#reloadTimer = setTimeout(() => void this.#reload(), DIALOG_CHECK_MS);
      return;
    }
    this.#reloadWanted = false;
    this.#reloading = true;
    this.#lastReloadAt = Date.now();
    const restoreFocus = this.listener.holdFocus();
    try {
      const outdated = this.data.outdated;
      await this.data.reloadQuietly();
      if (this.data.outdated && !outdated) this.listener.outdated();
      this.host.requestUpdate();
      await this.host.updateComplete;
      restoreFocus();
    } finally {
      this.#reloading = false;
    }
    if (this.#reloadWanted && this.host.isConnected) this.#scheduleReload();
  }

  /** Visible again, or back online. */
  #wake = () => {
    if (document.visibilityState === 'visible' && this.#wanted()) this.#reopen();
  };
}
