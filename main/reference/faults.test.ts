import { describe, expect, it } from 'vitest';
import { Faults, faultPatchSchema } from './faults';

describe('Faults', () => {
  it('fails exactly errorRate of the requests, spread evenly', () => {
    const f = new Faults();
    f.update({ errorRate: 0.25 });
    const pattern = Array.from({ length: 12 }, () => f.nextFails());
    expect(pattern.filter(Boolean)).toHaveLength(3);
    expect(pattern).toEqual([false, false, false, true, false, false, false, true, false, false, false, true]);
    for (const rate of [0.1, 0.3, 0.5, 1 / 3, 0.9, 1]) {
      const g = new Faults();
      g.update({ errorRate: rate });
      const fails = Array.from({ length: 300 }, () => g.nextFails()).filter(Boolean).length;
      expect(fails, `rate ${rate}`).toBe(Math.floor(300 * rate + 1e-9));
    }
  });

  it('restarts the spread when the rate changes, and never fails at 0', () => {
    const f = new Faults();
    f.update({ errorRate: 0.5 });
    expect([f.nextFails(), f.nextFails(), f.nextFails()]).toEqual([false, true, false]);
    f.update({ errorRate: 0.5 });
    expect(f.nextFails()).toBe(true);
    f.update({ errorRate: 0 });
    expect(Array.from({ length: 100 }, () => f.nextFails()).some(Boolean)).toBe(false);
  });

  it('holds requests while hung and releases them all when the hang is lifted', async () => {
    const f = new Faults();
    f.update({ hang: true });
    let released = 0;
    const waiting = [f.waitWhileHung(), f.beforeIpc()].map((p) => p.then(() => released++));
    await new Promise((r) => setTimeout(r, 30));
    expect(released).toBe(0);
    f.update({ hang: false });
    await Promise.all(waiting);
    expect(released).toBe(2);
    await f.waitWhileHung();
  });

  it('delays IPC by ipcDelayMs', async () => {
    const f = new Faults();
    f.update({ ipcDelayMs: 60 });
    const t0 = performance.now();
    await f.beforeIpc();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('validates patches, naming the field', () => {
    expect(faultPatchSchema.safeParse({ errorRate: 1.5 }).success).toBe(false);
    expect(faultPatchSchema.safeParse({ latencyMs: -1 }).success).toBe(false);
    expect(faultPatchSchema.safeParse({ bogus: true }).success).toBe(false);
    expect(faultPatchSchema.parse({ errorRate: 0.2, hang: false, crash: true })).toEqual({ errorRate: 0.2, hang: false, crash: true });
  });
});
