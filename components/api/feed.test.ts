import { expect } from '@open-wc/testing';
import { ApiError } from './client.ts';
import { type FeedObserver, openFeed } from './feed.ts';

/** A response whose body arrives in these chunks, split wherever a network may split them. */
const streamOf = (chunks: string[], init: ResponseInit = { headers: { 'content-type': 'text/event-stream' } }) =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    }),
    init,
  );

/** Opens a feed over a stubbed `fetch`; resolves with what the observer heard once the stream has ended. */
async function listen(response: Response) {
  const heard: unknown[] = [];
  const requests: { url: string; headers: Headers }[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ url: String(input), headers: new Headers(init?.headers) });
    return response;
  };
  try {
    await new Promise<void>((resolve) => {
      const observer: FeedObserver = {
        onStarted: () => heard.push('started'),
        onData: (value) => heard.push(value),
        onError: (error) => (heard.push(error), resolve()),
        onComplete: () => (heard.push('complete'), resolve()),
      };
      openFeed('/api/users/users.changes', () => ({ authorization: 'Bearer t' }), observer);
    });
    // Anything reported after the end would arrive by now.
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    globalThis.fetch = realFetch;
  }
  return { heard, requests };
}

describe('openFeed (the live feed\'s event stream)', () => {
  it("reads tRPC's events however the stream is split: CRLF across chunks, comments, pings, ids, data on two lines", async () => {
    const { heard, requests } = await listen(
      streamOf(['event: connected\r', '\ndata: {}\r\n\r\n: a comment\n', 'event: ping\ndata: \n\n', 'id: 7\nda', 'ta:{"a":\ndata: 1}\n\n', 'event: return\ndata: \n\n']),
    );
    expect(heard).to.deep.equal(['started', { id: '7', data: { a: 1 } }, 'complete']);
    expect(requests[0]!.headers.get('authorization')).to.equal('Bearer t');
    expect(requests[0]!.headers.get('accept')).to.equal('text/event-stream');
  });

  it("reports the server's refusal as an ApiError with its reason, and a stream that ends without return as a lost connection", async () => {
    const refusal = { error: { message: 'Too many streams', data: { code: 'TOO_MANY_REQUESTS', reason: 'TOO_MANY_STREAMS' } } };
    const refused = await listen(new Response(JSON.stringify(refusal), { status: 429, headers: { 'content-type': 'application/json' } }));
    expect(refused.heard).to.have.length(1);
    expect(refused.heard[0]).to.be.instanceOf(ApiError);
    expect((refused.heard[0] as ApiError).data?.reason).to.equal('TOO_MANY_STREAMS');

    const cut = await listen(streamOf(['event: connected\ndata: {}\n\n', 'data: {"half"']));
    expect(cut.heard).to.have.length(2);
    expect(cut.heard[1]).to.be.instanceOf(TypeError);
    expect((cut.heard[1] as Error).message).to.equal('The live feed lost its connection');
  });

  it('ends with the error a serialized-error event carries, once', async () => {
    const shape = { message: 'Forbidden', data: { code: 'FORBIDDEN', reason: 'NOT_ADMIN' } };
    const { heard } = await listen(streamOf(['event: connected\ndata: {}\n\n', `event: serialized-error\ndata: ${JSON.stringify(shape)}\n\n`, 'data: {"late":1}\n\n']));
    expect(heard).to.have.length(2);
    expect((heard[1] as ApiError).data?.reason).to.equal('NOT_ADMIN');
  });
});
