import { describe, expect, it } from 'vitest';
import type { CoreFailure } from './core-supervisor';
import { trayView } from './tray-view';

const endpoint = { url: 'http://127.0.0.1:9469', token: 't', pid: 7 };
const killed: CoreFailure = { at: Date.UTC(2025, 0, 1, 14, 2), exit: { code: null, signal: 'SIGKILL' }, reason: 'the core exited unexpectedly (signal SIGKILL)' };

describe('trayView', () => {
  it("shows the core's overall state while the core is up", () => {
    expect(trayView('warning', true, { phase: 'ready', endpoint, since: 0, restarts: 0, lastFailure: null })).toEqual({
      icon: 'warning',
      tooltip: 'Lookout — needs attention',
      notice: null,
      coreReady: true,
      offerRestart: false,
      stackRunning: true,
    });
  });

  it('says the core restarted, and why, once it is back', () => {
    const view = trayView('ok', true, { phase: 'ready', endpoint, since: 0, restarts: 1, lastFailure: killed });
    expect(view.icon).toBe('ok');
    expect(view.notice).toMatch(/^Core restarted at .+ after signal SIGKILL$/);
    expect(view.tooltip).toContain('Core restarted');
  });

  it('spins while the core restarts, and offers no stack actions', () => {
    const view = trayView('ok', true, { phase: 'backoff', retryAt: 0, restarts: 0, lastFailure: killed });
    expect(view).toMatchObject({ icon: 'starting', coreReady: false, offerRestart: false });
    expect(view.notice).toContain('restarting');
  });

  it('turns critical and offers Restart core once the supervisor gave up', () => {
    const reason = 'Lookout is already running for /Users/me/Library/Application Support/Lookout at http://127.0.0.1:9469 (pid 4242); quit it first.\n  and a second line';
    const view = trayView('ok', false, { phase: 'failed', restarts: 5, lastFailure: { ...killed, reason } });
    expect(view).toMatchObject({ icon: 'critical', coreReady: false, offerRestart: true });
    expect(view.notice).not.toContain('\n');
    expect(view.notice!.length).toBeLessThanOrEqual(140);
  });
});
