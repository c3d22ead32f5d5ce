/**
 * The tail end of the log pipeline (demux -> lines -> mask -> parse -> here), where memory and UI work are bounded:
 *
 * - LogRing keeps the last lines of a service (bounded by a line count AND a byte count), for showing the recent
 *   log when a view opens or a container is reattached, and counts what it had to drop.
 * - LineBatcher hands lines to the UI in batches: a service flooding DEBUG lines becomes a few appends a second
 *   instead of one per line, and when the flood outruns the bound, the oldest pending lines are dropped and the
 *   batch says how many.
 *
 * Time is injected (LogClock) so tests advance a fake clock instead of sleeping.
 */

/** Size of a line in bytes as UTF-8 (what a log of that text costs to keep and to write). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export interface LogRingOptions<T> {
  /** At most this many items (default 10,000). */
  maxLines?: number;
  /** At most this many bytes, as measured by `sizeOf` (default 8 MiB). */
  maxBytes?: number;
  /** The size of one item (default: UTF-8 bytes of a string, or of its `line` field). */
  sizeOf?: (item: T) => number;
}

function defaultSize(item: unknown): number {
  if (typeof item === 'string') return utf8Bytes(item);
  const line = (item as { line?: unknown } | null)?.line;
  return typeof line === 'string' ? utf8Bytes(line) : 0;
}

/**
 * A ring buffer of the newest items. Adding past either bound drops the oldest ones and counts them in
 * `dropped`. One item larger than `maxBytes` on its own is still kept (alone), so the newest line is never lost;
 * the LineSplitter's maximum line length bounds that case.
 */
export class LogRing<T = string> {
  private readonly items: (T | undefined)[];
  private readonly sizes: number[];
  private head = 0; // index of the oldest item
  private count = 0;
  private totalBytes = 0;
  private readonly maxLines: number;
  private readonly maxBytes: number;
  private readonly sizeOf: (item: T) => number;
  /** Items dropped to stay within the bounds, since creation or the last `clear()`. */
  dropped = 0;

  constructor(options: LogRingOptions<T> = {}) {
    this.maxLines = Math.max(1, options.maxLines ?? 10_000);
    this.maxBytes = Math.max(1, options.maxBytes ?? 8 * 1024 * 1024);
    this.sizeOf = options.sizeOf ?? defaultSize;
    this.items = new Array<T | undefined>(this.maxLines);
    this.sizes = new Array<number>(this.maxLines).fill(0);
  }

  get length(): number {
    return this.count;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  push(item: T): void {
    const size = this.sizeOf(item);
    while (this.count > 0 && (this.count === this.maxLines || this.totalBytes + size > this.maxBytes)) this.dropOldest();
    const at = (this.head + this.count) % this.maxLines;
    this.items[at] = item;
    this.sizes[at] = size;
    this.count++;
    this.totalBytes += size;
  }

  pushAll(items: Iterable<T>): void {
    for (const item of items) this.push(item);
  }

  /** The items, oldest first. */
  toArray(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.head + i) % this.maxLines] as T;
    return out;
  }

  clear(): void {
    for (let i = 0; i < this.count; i++) this.items[(this.head + i) % this.maxLines] = undefined;
    this.head = 0;
    this.count = 0;
    this.totalBytes = 0;
    this.dropped = 0;
  }

  private dropOldest(): void {
    this.totalBytes -= this.sizes[this.head]!;
    this.items[this.head] = undefined; // let the string be collected
    this.head = (this.head + 1) % this.maxLines;
    this.count--;
    this.dropped++;
  }
}

/** The clock and timer the batcher uses: the real ones in the extension, a fake one in tests. */
export interface LogClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: LogClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const t = setTimeout(callback, ms);
    // A pending flush must not keep the extension host (or a test run) alive.
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface LineBatcherOptions<T> {
  /** Called with each batch, oldest line first, and how many lines were dropped before this batch. */
  onFlush: (lines: T[], dropped: number) => void;
  /** A line waits at most this long before it is flushed (default 100 ms). */
  intervalMs?: number;
  /** Flush as soon as this many lines are pending (default 500)... */
  flushLines?: number;
  /** ...unless the last flush was less than this long ago (default 50 ms: at most ~20 flushes a second). */
  minGapMs?: number;
  /** At most this many lines wait; beyond it the oldest pending lines are dropped (default 10 * flushLines). */
  maxPending?: number;
  clock?: LogClock;
}

/**
 * Collects lines and flushes them in batches: when `flushLines` are pending (if the last flush was at least
 * `minGapMs` ago), or `intervalMs` after the first pending line, whichever comes first. Pending lines are
 * bounded by `maxPending`: in a flood the oldest are dropped and the next batch reports how many, so the UI
 * can say "12,345 lines skipped" instead of freezing.
 */
export class LineBatcher<T = string> {
  private readonly pending: LogRing<T>;
  private readonly onFlush: (lines: T[], dropped: number) => void;
  private readonly intervalMs: number;
  private readonly flushLines: number;
  private readonly minGapMs: number;
  private readonly clock: LogClock;
  private timer: unknown;
  private timerSet = false;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private closed = false;
  /** All lines dropped since creation. */
  droppedTotal = 0;

  constructor(options: LineBatcherOptions<T>) {
    this.onFlush = options.onFlush;
    this.intervalMs = Math.max(0, options.intervalMs ?? 100);
    this.flushLines = Math.max(1, options.flushLines ?? 500);
    this.minGapMs = Math.max(0, options.minGapMs ?? 50);
    this.clock = options.clock ?? systemClock;
    const maxPending = Math.max(this.flushLines, options.maxPending ?? this.flushLines * 10);
    // Bounded by count only: line length is already bounded by the LineSplitter.
    this.pending = new LogRing<T>({ maxLines: maxPending, maxBytes: Number.MAX_SAFE_INTEGER, sizeOf: () => 0 });
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  push(line: T): void {
    if (this.closed) return;
    this.pending.push(line);
    this.schedule();
  }

  pushAll(lines: readonly T[]): void {
    if (this.closed) return;
    for (const line of lines) this.pending.push(line);
    this.schedule();
  }

  /** Flushes whatever is pending now (also reports drops when nothing is pending). */
  flush(): void {
    this.cancelTimer();
    const dropped = this.pending.dropped;
    if (this.pending.length === 0 && dropped === 0) return;
    const lines = this.pending.toArray();
    this.pending.clear();
    this.droppedTotal += dropped;
    this.lastFlush = this.clock.now();
    this.onFlush(lines, dropped);
  }

  /** Flushes what is pending and stops: later lines are ignored and no timer is left behind. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.pending.length >= this.flushLines && this.clock.now() - this.lastFlush >= this.minGapMs) {
      this.flush();
      return;
    }
    if (!this.timerSet) {
      this.timerSet = true;
      this.timer = this.clock.setTimeout(() => {
        this.timerSet = false;
        this.flush();
      }, this.intervalMs);
    }
  }

  private cancelTimer(): void {
    if (this.timerSet) {
      this.clock.clearTimeout(this.timer);
      this.timerSet = false;
    }
  }
}
