import { describe, expect, it } from 'vitest';
import { applyProbe, followComponent, initialSource } from './source-status';

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

describe('a source status after the component changed state', () => {
  it('reads stopped at once when the user stops a component whose last probe failed, and forgets the failures', () => {
    const failing = applyProbe(applyProbe(fresh, 'unhealthy', 'unhealthy', refused), 'unhealthy', 'unhealthy', refused);
    expect(failing.status.state).toBe('unreachable');
    expect(followComponent(failing, 'stopped')).toEqual({ failures: 0, status: { reachable: null, lastOkAt: null, error: null, state: 'stopped' } });
    expect(followComponent(failing, 'starting').status.state).toBe('starting');
  });
  it('keeps what the last probe said while the component runs, is unhealthy or failed', () => {
    const failing = applyProbe(fresh, 'running', 'running', refused);
    for (const s of ['running', 'unhealthy', 'failed'] as const) expect(followComponent(failing, s)).toBe(failing);
  });
});
