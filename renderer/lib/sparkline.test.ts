import { describe, expect, it } from 'vitest';
import { sparklinePoints } from './sparkline';

describe('sparklinePoints', () => {
  it('spreads points over the width and maps min to the bottom, max to the top', () => {
    const pts = sparklinePoints([0, 5, 10], 100, 22);
    expect(pts).toEqual([[0, 21], [50, 11], [100, 1]]);
  });

  it('leaves gaps for absent values instead of drawing them as zero', () => {
    const pts = sparklinePoints([1, null, 3], 10, 12, { min: 0, max: 4 });
    expect(pts[1]).toBeNull();
    expect(pts[0]![1]).toBeGreaterThan(pts[2]![1]);
  });

  it('keeps a flat series visible and clamps to a fixed scale', () => {
    expect(sparklinePoints([2, 2], 10, 12).every((p) => p !== null && p[1] >= 1 && p[1] <= 11)).toBe(true);
    expect(sparklinePoints([2], 10, 12, { min: 0, max: 1 })).toEqual([[0, 1]]);
    expect(sparklinePoints([null, null], 10, 12)).toEqual([null, null]);
  });
});
