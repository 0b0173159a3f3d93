/**
 * A small EventSource over fetch, for tests: it takes a `fetch` in its init, as the `eventsource`
 * package (v3 and later) does, so the bearer token travels in the Authorization header, never in
 * the URL. It follows the parts of the WHATWG spec tRPC's `httpSubscriptionLink` relies on: named
 * events, `id` and `Last-Event-ID` on reconnect, a reconnect after the stream ends, and CLOSED on a
 * response that is not a 200 event stream. Test-only: browsers have their own.
 */
export interface FetchEventSourceInit {
  fetch?: typeof fetch;
  /** Wait before reconnecting after the stream ended (the spec leaves it to the agent). */
  reconnectMs?: number;
}

export class MessageEventLike extends Event {
  constructor(
    type: string,
    readonly data: string,
    readonly lastEventId: string,
  ) {
    super(type);
  }
}

export class FetchEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readyState = 0;
  readonly url: string;
  readonly #fetch: typeof fetch;
  readonly #reconnectMs: number;
  #abort = new AbortController();
  #lastEventId = '';

  constructor(url: string | URL, init: FetchEventSourceInit = {}) {
    super();
    this.url = String(url);
    this.#fetch = init.fetch ?? fetch;
    this.#reconnectMs = init.reconnectMs ?? 50;
    void this.#connect();
  }

  close(): void {
    this.readyState = this.CLOSED;
    this.#abort.abort();
  }

  async #connect(): Promise<void> {
    while (this.readyState !== this.CLOSED) {
      let response: Response;
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (this.#lastEventId) headers['last-event-id'] = this.#lastEventId;
        response = await this.#fetch(this.url, { headers, signal: this.#abort.signal });
      } catch {
        if (this.readyState === this.CLOSED) return;
        this.dispatchEvent(new Event('error'));
        await this.#pause();
        continue;
      }
      if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
        this.readyState = this.CLOSED;
        await response.body?.cancel();
        this.dispatchEvent(new Event('error'));
        return;
      }
      this.readyState = this.OPEN;
      this.dispatchEvent(new Event('open'));
      try {
        await this.#read(response.body!);
      } catch {
        // The connection broke: reconnect as below.
      }
      if (this.readyState === this.CLOSED) return;
      this.readyState = this.CONNECTING;
      this.dispatchEvent(new Event('error'));
      await this.#pause();
    }
  }

  #pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.#reconnectMs));
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    let buffer = '';
    let type = '';
    let data: string[] = [];
    const decoder = new TextDecoder();
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length > 0 && this.readyState !== this.CLOSED) {
            this.dispatchEvent(new MessageEventLike(type || 'message', data.join('\n'), this.#lastEventId));
          }
          type = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') type = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id' && !value.includes('\0')) this.#lastEventId = value;
      }
    }
  }
}
