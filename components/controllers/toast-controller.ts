import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type ToastVariant = 'success' | 'error';

export interface Toast {
  id: number;
  variant: ToastVariant;
  message: string;
  /** A wait the message counts down ("Try again in 58 seconds"): its text for the seconds left, and when it ends (ms). */
  countdown?: { until: number; message: (seconds: number) => string };
  /** A button that takes the outcome back (Undo); the toast then stays `UNDO_MS` instead of `autoCloseMs`. */
  action?: ToastAction;
}

export interface ToastAction {
  label: string;
  run: () => void;
}

/** How long a success that can be taken back offers it. */
export const UNDO_MS = 10_000;

/** At most this many toasts show; a newer one pushes out the oldest (a success before an error). */
const MAX_TOASTS = 3;

/**
 * Keeps the toasts of a host. A success closes by itself after `autoCloseMs` (`UNDO_MS` when it
 * offers an action such as Undo, which outlives any reload of the list: it holds what it undoes), though not while the
 * pointer or the focus is on the stack (the time left resumes after); an error stays until dismissed, or
 * until the wait it counts down is over, when what it refused is possible again.
 */
export class ToastController implements ReactiveController {
  toasts: Toast[] = [];
  #nextId = 1;
  /** Successes: the timer that closes each, and the time it has left while paused. */
  #timers = new Map<number, { timer?: ReturnType<typeof setTimeout>; endsAt: number; left: number }>();
  #ticker: ReturnType<typeof setInterval> | undefined;
  #paused = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly autoCloseMs = 6000,
  ) {
    host.addController(this);
  }

  show(variant: ToastVariant, message: string, countdown?: Toast['countdown'], action?: ToastAction): void {
    const id = this.#nextId++;
    const next = [...this.toasts, { id, variant, message, ...(countdown ? { countdown } : {}), ...(action ? { action } : {}) }];
    while (next.length > MAX_TOASTS) {
      const oldest = next.findIndex((toast) => toast.variant === 'success');
      this.#clearTimer(next.splice(oldest === -1 ? 0 : oldest, 1)[0]!.id);
    }
    this.toasts = next;
    if (variant === 'success') {
      this.#timers.set(id, { endsAt: 0, left: action ? UNDO_MS : this.autoCloseMs });
      this.#start(id);
    }
    if (countdown && !this.#ticker) this.#ticker = setInterval(this.#tick, 1000);
    this.host.requestUpdate();
  }

  /** Seconds left of a toast's countdown, never below 0. */
  secondsLeft(toast: Toast): number {
    return toast.countdown ? Math.max(0, Math.ceil((toast.countdown.until - Date.now()) / 1000)) : 0;
  }

  /** Holds the successes open while the pointer or the focus is on the stack (a hovered toast could move under the pointer as others close). */
  pause = (): void => {
    this.#paused = true;
    for (const entry of this.#timers.values()) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.left = Math.max(0, entry.endsAt - Date.now());
    }
  };

  /** Their time runs on from where it stopped. */
  resume = (): void => {
    this.#paused = false;
    for (const id of this.#timers.keys()) this.#start(id);
  };

  /** The toast's action, once: the toast closes first, so a second press finds nothing to run. */
  act(toast: Toast): void {
    if (!this.toasts.includes(toast)) return;
    this.dismiss(toast.id);
    toast.action?.run();
  }

  dismiss(id: number): void {
    this.#clearTimer(id);
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
    this.host.requestUpdate();
  }

  /**
   * Ctrl+Z (⌘Z) anywhere in the host but a text field takes the newest outcome back, so that a keyboard
   * user need not travel to the toast within its 10 s (the toasts come first in the tab order). With nothing
   * to take back the key still does nothing: the element advertises Ctrl+Z, and the browser's own page undo
   * would restore old search text, reload and move focus. In a text field the field's undo stays; a checkbox,
   * radio or button has none (after a bulk delete the focus lands on the page's checkbox). Not from within a
   * dialog: the host's dialogs are modal, so what Ctrl+Z would restore lies out of sight behind it.
   */
  #undoKey = (event: KeyboardEvent): void => {
    const path = event.composedPath();
    const target = path[0] as HTMLInputElement;
    const inText = target.isContentEditable || target.matches?.('textarea,input:not([type=checkbox],[type=radio],[type=button],[type=submit],[type=reset],[type=range],[type=color],[type=file],[type=image])');
    if (inText || path.some((node) => node instanceof HTMLDialogElement) || event.shiftKey || !(event.ctrlKey || event.metaKey) || event.key != 'z') return;
    event.preventDefault();
    const toast = this.toasts.findLast((shown) => shown.action);
    if (toast) this.act(toast);
  };

  /** Added once however often the host reconnects (the same listener is not added twice); a disconnected host has no toasts. */
  hostConnected(): void {
    (this.host as unknown as HTMLElement).addEventListener('keydown', this.#undoKey);
  }

  hostDisconnected(): void {
    this.#timers.forEach((entry) => clearTimeout(entry.timer));
    this.#timers.clear();
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    this.toasts = [];
  }

  #start(id: number) {
    const entry = this.#timers.get(id);
    if (!entry || entry.timer || this.#paused) return;
    entry.endsAt = Date.now() + entry.left;
    entry.timer = setTimeout(() => this.dismiss(id), entry.left);
  }

  #clearTimer(id: number) {
    clearTimeout(this.#timers.get(id)?.timer);
    this.#timers.delete(id);
  }

  /** Each second while a countdown runs: its text changes, and at 0 it closes. */
  #tick = () => {
    for (const toast of this.toasts) if (toast.countdown && this.secondsLeft(toast) === 0) this.dismiss(toast.id);
    if (!this.toasts.some((toast) => toast.countdown)) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
    this.host.requestUpdate();
  };
}
