/** What a heartbeat pings: an open stream's socket side. */
export interface Pinged {
  write(chunk: Buffer): unknown;
}

/**
 * The pings of every open stream of one server, on one timer: each stream is pinged `intervalMs`
 * after it opened and after each ping, checked every `stepMs` (so a ping comes at most that much
 * late). A timer per stream cost 1,000 timers for 1,000 streams, each with its closure, firing
 * on its own; this walks one Map of due times once a step (issue 14, server/bench/LIVE.md).
 */
export class Heartbeat {
  readonly #intervalMs: number;
  readonly #stepMs: number;
  readonly #ping: Buffer;
  /** Each stream's next ping, in `Date.now()` time; a Map keeps them in the order they opened. */
  readonly #due = new Map<Pinged, number>();
  #timer: NodeJS.Timeout | null = null;

  constructor(options: { intervalMs: number; stepMs: number; ping: Buffer }) {
    this.#intervalMs = options.intervalMs;
    this.#stepMs = options.stepMs;
    this.#ping = options.ping;
  }

  /** Streams it pings now. */
  get size(): number {
    return this.#due.size;
  }

  add(stream: Pinged): void {
    this.#due.set(stream, Date.now() + this.#intervalMs);
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#beat(), this.#stepMs);
      this.#timer.unref();
    }
  }

  delete(stream: Pinged): void {
    this.#due.delete(stream);
    if (this.#due.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #beat(): void {
    const now = Date.now();
    for (const [stream, due] of this.#due) {
      if (due > now) continue;
      this.#due.set(stream, now + this.#intervalMs);
      stream.write(this.#ping);
    }
  }
}
