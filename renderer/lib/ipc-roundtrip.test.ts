import { afterEach, describe, expect, it, vi } from 'vitest';
import { startIpcRoundTrip } from './ipc-roundtrip';

describe('startIpcRoundTrip', () => {
  afterEach(() => void vi.useRealTimers());

  it('reports the previous call’s round trip, measured on the UI’s own clock', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const calls: Array<{ roundTripSeconds?: number }> = [];
    const api = {
      metrics: {
        ping: vi.fn(async (req: { roundTripSeconds?: number } = {}) => {
          calls.push(req);
          clock += 3; // the trip takes 3 ms
          return { at: 0 };
        }),
      },
    };
    const stop = startIpcRoundTrip(api as never, { everyMs: 1000, now: () => clock, visible: () => true });
    await vi.advanceTimersByTimeAsync(2000);
    stop();
    expect(calls[0]).toEqual({});
    expect(calls[1]?.roundTripSeconds).toBeCloseTo(0.003, 6);
    expect(calls).toHaveLength(3);
  });

  it('does not ping while hidden, and reports nothing after a failed call', async () => {
    vi.useFakeTimers();
    let visible = false;
    const calls: Array<{ roundTripSeconds?: number }> = [];
    let fail = true;
    const api = {
      metrics: {
        ping: vi.fn(async (req: { roundTripSeconds?: number } = {}) => {
          calls.push(req);
          if (fail) throw new Error('main went away');
          return { at: 0 };
        }),
      },
    };
    const stop = startIpcRoundTrip(api as never, { everyMs: 1000, now: () => 0, visible: () => visible });
    await vi.advanceTimersByTimeAsync(1500);
    expect(calls).toHaveLength(0);
    visible = true;
    await vi.advanceTimersByTimeAsync(1000);
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    stop();
    expect(calls).toEqual([{}, {}]);
  });
});
