import { describe, expect, it } from 'vitest';
import { applyProbe, initialSource } from './source-status';

const fresh = { status: initialSource(), failures: 0 };
const refused = { ok: false as const, error: 'ECONNREFUSED' };

describe('alert source status from a probe and the component state', () => {
  it('reads starting or stopped, not unreachable, while the component is not meant to answer, and counts no failure', () => {
    expect(applyProbe(fresh, 'starting', 'starting', refused)).toEqual({ failures: 0, status: { reachable: null, lastOkAt: null, error: null, state: 'starting' } });
    expect(applyProbe(fresh, 'stopped', 'stopped', refused).status.state).toBe('stopped');
    expect(applyProbe(fresh, 'not-installed', 'not-installed', refused).status.state).toBe('stopped');
  });

  it('does not hold a probe sent while starting against a component that is running when it returns', () => {
    expect(applyProbe({ ...fresh, failures: 1 }, 'starting', 'running', refused).failures).toBe(0);
  });

  it('counts failures while running, and a success resets them', () => {
    const once = applyProbe(fresh, 'running', 'running', refused);
    expect(once).toEqual({ failures: 1, status: { reachable: false, lastOkAt: null, error: 'ECONNREFUSED', state: 'unreachable' } });
    expect(applyProbe(once, 'running', 'running', refused).failures).toBe(2);
    expect(applyProbe(once, 'running', 'running', { ok: true, at: 5 })).toEqual({ failures: 0, status: { reachable: true, lastOkAt: 5, error: null, state: 'reachable' } });
  });
});
