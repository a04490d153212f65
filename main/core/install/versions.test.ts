import { describe, expect, it } from 'vitest';
import { compareVersions, isNewer } from './versions';

describe('compareVersions', () => {
  it('orders numerically, not as text', () => {
    expect(compareVersions('3.14.0', '3.9.9')).toBeGreaterThan(0);
    expect(compareVersions('0.34.0', '0.4.0')).toBeGreaterThan(0);
    expect(compareVersions('v2.20.0', '2.20.0')).toBe(0);
  });

  it('ignores build metadata (Debian "+ds") and puts pre-releases before their release', () => {
    expect(compareVersions('2.42.0+ds', '2.42.0')).toBe(0);
    expect(compareVersions('1.12.0-rc.1', '1.12.0')).toBeLessThan(0);
    expect(compareVersions('1.12.0-rc.10', '1.12.0-rc.2')).toBeGreaterThan(0);
  });

  it('treats a missing install as older than anything', () => {
    expect(isNewer('1.0.0', null)).toBe(true);
    expect(isNewer('1.0.0', '1.0.0')).toBe(false);
    expect(isNewer('1.0.1', '1.0.0')).toBe(true);
  });
});
