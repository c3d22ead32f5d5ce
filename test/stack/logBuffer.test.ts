/**
 * The bounded tail of the log pipeline: the ring of recent lines (bounded by lines and bytes) and the batcher
 * that flushes by count or after a delay, on a fake clock (no sleeping).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineBatcher, LogRing, type LogClock } from '../../client/src/stack/logs/logBuffer';

/** A clock whose time moves only when the test says so; timers fire in order as it passes them. */
class FakeClock implements LogClock {
  time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  get pendingTimers(): number {
    return this.timers.length;
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = until;
  }
}

const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `line ${from + i}`);

describe('LogRing', () => {
  it('keeps the newest lines within the line bound, oldest first, and counts the dropped', () => {
    const ring = new LogRing({ maxLines: 3 });
    ring.pushAll(lines(5));
    assert.deepEqual(ring.toArray(), ['line 2', 'line 3', 'line 4']);
    assert.equal(ring.dropped, 2);
    ring.pushAll(lines(4, 5));
    assert.deepEqual(ring.toArray(), ['line 6', 'line 7', 'line 8']);
    assert.equal(ring.dropped, 6);
  });

  it('keeps within the byte bound (UTF-8 bytes)', () => {
    const ring = new LogRing({ maxLines: 100, maxBytes: 10 });
    ring.pushAll(['aaaa', 'bbbb', 'cccc']); // 12 bytes: the first goes
    assert.deepEqual(ring.toArray(), ['bbbb', 'cccc']);
    assert.equal(ring.bytes, 8);
    ring.push('éé'); // 4 bytes: 12 again, 'bbbb' goes
    assert.deepEqual(ring.toArray(), ['cccc', 'éé']);
    assert.equal(ring.dropped, 2);
    assert.ok(ring.bytes <= 10);
  });

  it('keeps a line larger than the byte bound alone rather than losing the newest line', () => {
    const ring = new LogRing({ maxLines: 100, maxBytes: 10 });
    ring.pushAll(['a', 'b', 'x'.repeat(20)]);
    assert.deepEqual(ring.toArray(), ['x'.repeat(20)]);
    assert.equal(ring.dropped, 2);
  });

  it('measures parsed lines by their `line` text', () => {
    const ring = new LogRing<{ level: string; line: string }>({ maxBytes: 5 });
    ring.push({ level: 'info', line: 'abc' });
    ring.push({ level: 'info', line: 'def' });
    assert.deepEqual(ring.toArray().map((l) => l.line), ['def']);
  });

  it('stays within both bounds under a flood', () => {
    const ring = new LogRing({ maxLines: 1000, maxBytes: 20_000 });
    for (let i = 0; i < 100_000; i++) ring.push(`DEBUG 05-27 03:36:31 [v1/engine/core.py:712] flood ${i}`);
    assert.ok(ring.length <= 1000 && ring.bytes <= 20_000);
    assert.equal(ring.dropped + ring.length, 100_000);
    assert.equal(ring.toArray().at(-1), 'DEBUG 05-27 03:36:31 [v1/engine/core.py:712] flood 99999');
  });
});

describe('LineBatcher', () => {
  function setup(options: { flushLines?: number; intervalMs?: number; minGapMs?: number; maxPending?: number } = {}) {
    const clock = new FakeClock();
    const batches: { lines: string[]; dropped: number; at: number }[] = [];
    const batcher = new LineBatcher<string>({ ...options, clock, onFlush: (l, dropped) => batches.push({ lines: l, dropped, at: clock.time }) });
    return { clock, batches, batcher };
  }

  it('flushes by count: as soon as flushLines are pending', () => {
    const { batches, batcher } = setup({ flushLines: 3, intervalMs: 100 });
    batcher.pushAll(lines(2));
    assert.equal(batches.length, 0);
    batcher.push('line 2');
    assert.deepEqual(batches, [{ lines: lines(3), dropped: 0, at: 0 }]);
  });

  it('flushes by time: intervalMs after the first pending line', () => {
    const { clock, batches, batcher } = setup({ flushLines: 100, intervalMs: 100 });
    batcher.push('a');
    clock.advance(60);
    batcher.push('b');
    clock.advance(39);
    assert.equal(batches.length, 0);
    clock.advance(1);
    assert.deepEqual(batches, [{ lines: ['a', 'b'], dropped: 0, at: 100 }]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('flushes by count at most once per minGapMs; the timer takes the rest', () => {
    const { clock, batches, batcher } = setup({ flushLines: 2, intervalMs: 100, minGapMs: 50 });
    batcher.pushAll(['a', 'b']); // count flush at 0
    clock.advance(10);
    batcher.pushAll(['c', 'd', 'e']); // too soon after the last flush: waits for the timer (10 + 100)
    assert.equal(batches.length, 1);
    clock.advance(100);
    assert.deepEqual(batches.map((b) => [b.lines, b.at]), [[['a', 'b'], 0], [['c', 'd', 'e'], 110]]);
    clock.advance(100);
    batcher.pushAll(['f', 'g']); // last flush long ago: by count again
    assert.deepEqual(batches.at(-1), { lines: ['f', 'g'], dropped: 0, at: 210 });
  });

  it('drops the oldest pending lines in a flood and reports how many with the next batch', () => {
    const { clock, batches, batcher } = setup({ flushLines: 5, intervalMs: 100, minGapMs: 1000, maxPending: 5 });
    batcher.pushAll(lines(5)); // count flush at 0
    batcher.pushAll(lines(12, 5)); // 12 more within the gap: 5 kept, 7 dropped
    clock.advance(100);
    assert.equal(batches.length, 2);
    assert.deepEqual(batches[1], { lines: lines(5, 12), dropped: 7, at: 100 });
    assert.equal(batcher.droppedTotal, 7);
    assert.equal(batcher.pendingCount, 0);
  });

  it('flushes what is pending on close, cancels its timer, and ignores later lines', () => {
    const { clock, batches, batcher } = setup({ flushLines: 100, intervalMs: 100 });
    batcher.push('a');
    batcher.close();
    assert.deepEqual(batches.map((b) => b.lines), [['a']]);
    assert.equal(clock.pendingTimers, 0);
    batcher.push('b');
    clock.advance(1000);
    assert.equal(batches.length, 1);
  });
});
