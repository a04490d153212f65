import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from './grouping-accuracy';

describe('groupingAccuracy (the Loghub GA)', () => {
  it('is 1 when the groups are the events, whatever the labels are called', () => {
    expect(groupingAccuracy(['x', 'y', 'x', 'z'], ['E1', 'E2', 'E1', 'E3'])).toBe(1);
  });

  it('counts every line of a merged group wrong, and the lines of untouched events right', () => {
    // E1 and E2 merged into x: 3 lines wrong; E3 alone in y: 1 line right.
    expect(groupingAccuracy(['x', 'x', 'x', 'y'], ['E1', 'E1', 'E2', 'E3'])).toBe(0.25);
  });

  it('counts every line of a split event wrong, even the larger part', () => {
    // E1 split into a (2 lines) and b (1 line): none of E1's lines is right; E2 is.
    expect(groupingAccuracy(['a', 'a', 'b', 'c'], ['E1', 'E1', 'E1', 'E2'])).toBe(0.25);
  });

  it('gives 0 when everything is one group of several events, and for one group per line when events repeat', () => {
    expect(groupingAccuracy(['g', 'g', 'g'], ['E1', 'E2', 'E2'])).toBe(0);
    expect(groupingAccuracy(['1', '2', '3'], ['E1', 'E1', 'E1'])).toBe(0);
  });

  it('refuses lists of different lengths or no lines at all', () => {
    expect(() => groupingAccuracy(['a'], ['E1', 'E2'])).toThrow('1 predicted labels for 2 lines');
    expect(() => groupingAccuracy([], [])).toThrow('no lines');
  });
});
