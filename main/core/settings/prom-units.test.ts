import { describe, expect, it } from 'vitest';
import { durationMs, durationNs, promDuration, promSize, sizeBytes } from './prom-units';

describe('Prometheus units', () => {
  it('reads durations and sizes as Prometheus does', () => {
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('1y2w')).toBe((365 + 14) * 86_400_000);
    expect(durationNs('250ms')).toBe(250_000_000n);
    expect(sizeBytes('2GB')).toBe(2n * 1024n ** 3n);
    expect(durationNs('5 m')).toBeNull();
    expect(sizeBytes('2G')).toBeNull();
  });

  it('refuses what Prometheus cannot hold (it would exit at start), and accepts the largest it can', () => {
    // The edges are the ones Prometheus 2.42's own flag parser draws (checked against the binary).
    expect(promDuration().safeParse('106751d').success).toBe(true);
    expect(promDuration().safeParse('106752d').error?.issues[0]?.message).toMatch(/out of range/);
    expect(promDuration().safeParse('99999999999999999999y').error?.issues[0]?.message).toMatch(/out of range/);
    expect(promSize().safeParse('8192PB').success).toBe(true);
    expect(promSize().safeParse('8193PB').error?.issues[0]?.message).toMatch(/out of range/);
    expect(promSize().safeParse('99999999999999999999EB').error?.issues[0]?.message).toMatch(/out of range/);
    expect(promDuration().safeParse('').error?.issues[0]?.message).toMatch(/Prometheus duration/);
  });
});
