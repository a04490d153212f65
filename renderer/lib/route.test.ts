import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, sectionView } from './route';
import { formatPercent, formatRatio } from './format';

describe('hash routes', () => {
  it('reads the view and its parameter; the token URL and unknown hashes are the overview', () => {
    expect(parseRoute('')).toEqual({ view: '', param: null });
    expect(parseRoute('#/')).toEqual({ view: '', param: null });
    expect(parseRoute('#token=abc')).toEqual({ view: '', param: null });
    expect(parseRoute('#/alerts')).toEqual({ view: 'alerts', param: null });
    expect(parseRoute('#/traces/4bf92f3577b34da6a3ce929d0e0e4736')).toEqual({ view: 'traces', param: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(parseRoute(routeHash('traces', 'a/b c'))).toEqual({ view: 'traces', param: 'a/b c' });
    expect(routeHash('')).toBe('#/');
  });

  it('maps the tray\'s sections to views', () => {
    expect(sectionView('stack')).toBe('');
    expect(sectionView('settings')).toBe('settings');
  });
});

describe('formatPercent', () => {
  it('is one format everywhere: one decimal, a space, the sign; absent is a dash', () => {
    expect(formatPercent(0.166)).toBe('16.6 %');
    expect(formatPercent(0.5)).toBe('50.0 %');
    expect(formatPercent(0.00591)).toBe('0.6 %');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatRatio(0.1659)).toBe(formatPercent(0.1659));
  });
});
