import type { Clock, Timer } from '../../main/core/ports';

/**
 * A fake clock for unit tests: time moves only when `advance` is called, and timers fire in order.
 * Between timers it lets pending promise callbacks run, so async supervisor steps complete as they
 * would in real time.
 */
export class FakeClock implements Clock {
  private time = 1_000_000;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(timer: Timer): void {
    this.timers.delete(timer as number);
  }

  /** Move time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      const next = [...this.timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
      await settle();
    }
    this.time = target;
    await settle();
  }

  pendingTimers(): number {
    return this.timers.size;
  }
}

/** Let queued promise callbacks (and the small file I/O they start, such as pid files) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Wait (in real time, briefly) until a condition holds; fails the test with `what` if it never does. */
export async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  // Real time, not a count of turns: on a loaded machine the file I/O behind a step can take a while.
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (cond()) return;
    await settle();
  }
  if (cond()) return;
  throw new Error(`timed out waiting for ${what}`);
}
