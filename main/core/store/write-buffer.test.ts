import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock';
import { createWriteBuffer } from './write-buffer';

describe('write buffer', () => {
  it('writes a full batch on the next turn, a partial one after flushMs, never in push', async () => {
    const clock = new FakeClock();
    const writes: number[][] = [];
    const buf = createWriteBuffer<number>(clock, { flushMs: 100, flushRows: 3, maxRows: 10 }, (b) => writes.push(b), () => undefined);
    buf.push([1, 2]);
    expect(writes).toEqual([]);
    await clock.advance(99);
    expect(writes).toEqual([]);
    await clock.advance(1);
    expect(writes).toEqual([[1, 2]]);
    buf.push([3, 4, 5]);
    expect(writes).toHaveLength(1);
    await clock.advance(0);
    expect(writes).toEqual([[1, 2], [3, 4, 5]]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('counts what a failing write lost, reports it, and keeps working', async () => {
    const clock = new FakeClock();
    let fail = true;
    const errors: [string, number][] = [];
    const written: number[] = [];
    const buf = createWriteBuffer<number>(clock, { flushMs: 10, flushRows: 100, maxRows: 100 }, (b) => {
      if (fail) throw new Error('disk full');
      written.push(...b);
    }, (err, lost) => errors.push([(err as Error).message, lost]));
    buf.push([1, 2, 3]);
    await clock.advance(10);
    expect(errors).toEqual([['disk full', 3]]);
    expect(buf.stats()).toMatchObject({ droppedWriteError: 3, writeErrors: 1, lastError: 'disk full', pending: 0 });
    fail = false;
    buf.push([4]);
    await clock.advance(10);
    expect(written).toEqual([4]);
  });

  it('refuses past maxRows and counts it', () => {
    const clock = new FakeClock();
    const buf = createWriteBuffer<number>(clock, { flushMs: 10, flushRows: 100, maxRows: 4 }, () => undefined, () => undefined);
    buf.push([1, 2, 3]);
    buf.push([4, 5, 6]);
    expect(buf.stats()).toMatchObject({ pending: 4, droppedFull: 2 });
    buf.stop();
  });
});
