import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Heartbeat } from '../live/heartbeat.ts';

const PING = Buffer.from('event: ping\ndata: \n\n\n');

/** A stream that records when it was pinged. */
const stream = () => {
  const pings: number[] = [];
  const write = (chunk: Buffer) => {
    assert.equal(chunk, PING);
    pings.push(performance.now());
  };
  return { pings, write };
};

describe('live change feed: the pings of open streams', () => {
  it('pings every open stream, each about every interval from when it opened, on one shared timer', async () => {
    const heartbeat = new Heartbeat({ intervalMs: 200, stepMs: 10, ping: PING });
    const started = performance.now();
    const streams = [stream(), stream(), stream()];
    for (const each of streams) heartbeat.add(each);
    await sleep(100);
    const late = stream();
    const lateAt = performance.now();
    heartbeat.add(late);
    assert.equal(heartbeat.size, 4);
    await sleep(600);
    for (const each of streams) {
      assert.equal(each.pings.length, 3, 'three pings in 700 ms at one per 200 ms');
      assert.ok(each.pings[0]! - started >= 195, `the first ping after its interval, not ${Math.round(each.pings[0]! - started)} ms`);
      for (let index = 1; index < each.pings.length; index++) {
        const gap = each.pings[index]! - each.pings[index - 1]!;
        assert.ok(gap >= 195 && gap < 320, `pings ${Math.round(gap)} ms apart`);
      }
    }
    assert.ok(late.pings.length === 2 || late.pings.length === 3, `the stream opened later: ${late.pings.length} pings`);
    assert.ok(late.pings[0]! - lateAt >= 195, 'pinged on its own schedule, from when it opened');
    for (const each of [...streams, late]) heartbeat.delete(each);
    assert.equal(heartbeat.size, 0);
  });

  it('stops pinging a stream that ended, and the others go on', async () => {
    const heartbeat = new Heartbeat({ intervalMs: 50, stepMs: 5, ping: PING });
    const [ended, open] = [stream(), stream()];
    heartbeat.add(ended);
    heartbeat.add(open);
    heartbeat.delete(ended);
    await sleep(180);
    assert.equal(ended.pings.length, 0);
    assert.ok(open.pings.length >= 2, `${open.pings.length} pings`);
    heartbeat.delete(open);
    const count = open.pings.length;
    await sleep(120);
    assert.equal(open.pings.length, count, 'none after it ended');
    // A stream that opens after all had ended starts the timer again.
    const again = stream();
    heartbeat.add(again);
    await sleep(120);
    assert.ok(again.pings.length >= 1);
    heartbeat.delete(again);
  });
});
