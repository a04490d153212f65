import type { Clock, Timer } from '../ports';

/** When a buffer writes, and how much it may hold. */
export interface WriteBufferOptions {
  /** Write at most this long after the first record arrived (default 500 ms). */
  flushMs: number;
  /** Write as soon as this many records wait (default 5,000). */
  flushRows: number;
  /** Hold at most this many records; more are dropped and counted (default 200,000). */
  maxRows: number;
}

export interface WriteBufferStats {
  pending: number;
  written: number;
  /** Records refused because the buffer was full. */
  droppedFull: number;
  /** Records lost because the write itself failed (disk full, broken file). */
  droppedWriteError: number;
  writeErrors: number;
  lastError: string | null;
}

export interface WriteBuffer<T> {
  /** Queue records; never writes in the caller's turn and never throws. */
  push(batch: readonly T[]): void;
  /** Write what is queued now. */
  flushNow(): void;
  stats(): WriteBufferStats;
  /** Cancel the timer; records still queued stay for a last flushNow. */
  stop(): void;
}

/**
 * A bounded in-memory queue in front of a synchronous writer (the DuckDB appender). The caller's
 * `push` only copies references; the write happens on a timer turn, every `flushMs` or as soon as
 * `flushRows` wait. When the writer cannot keep up, the buffer stops at `maxRows` and counts what
 * it refuses instead of growing without bound.
 */
export function createWriteBuffer<T>(clock: Clock, opts: WriteBufferOptions, write: (batch: T[]) => void, onError: (err: unknown, lost: number) => void): WriteBuffer<T> {
  let queue: T[] = [];
  let timer: Timer | null = null;
  let stopped = false;
  const stats: WriteBufferStats = { pending: 0, written: 0, droppedFull: 0, droppedWriteError: 0, writeErrors: 0, lastError: null };

  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer !== null) {
      if (ms > 0) return;
      clock.clearTimeout(timer);
    }
    timer = clock.setTimeout(() => {
      timer = null;
      flushNow();
    }, ms);
  };

  function flushNow(): void {
    if (timer !== null) {
      clock.clearTimeout(timer);
      timer = null;
    }
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    try {
      write(batch);
      stats.written += batch.length;
    } catch (err) {
      stats.writeErrors++;
      stats.droppedWriteError += batch.length;
      stats.lastError = err instanceof Error ? err.message : String(err);
      onError(err, batch.length);
    }
  }

  return {
    push(batch) {
      if (batch.length === 0) return;
      const room = opts.maxRows - queue.length;
      if (room <= 0) {
        stats.droppedFull += batch.length;
        return;
      }
      if (batch.length > room) {
        stats.droppedFull += batch.length - room;
        for (let i = 0; i < room; i++) queue.push(batch[i]!);
      } else {
        for (const r of batch) queue.push(r);
      }
      schedule(queue.length >= opts.flushRows ? 0 : opts.flushMs);
    },
    flushNow,
    stats: () => ({ ...stats, pending: queue.length }),
    stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
