import { describe, expect, it } from 'vitest';
import type { Alert, AlertSourceState, AlertSourceStatus, ComponentState, ComponentStatus, StackSnapshot } from '../../../common/model';
import { alertmanagerNotice } from '../alerts/source-status';
import { canStartStack, canStopStack, rowAction, worstProblem } from './stack-actions';

const fakeComponent = (id: ComponentStatus['id'], patch: Partial<ComponentStatus>): ComponentStatus => ({
  id, name: id, state: 'stopped', pid: null, port: 9090, version: null, binary: null, lastError: null, fix: null, detail: null, warning: null,
  since: 0, restarts: 0, adopted: false, lastExit: null, url: 'http://127.0.0.1:9090/', ...patch,
});
const stack = (states: Partial<Record<'prometheus' | 'alertmanager' | 'node_exporter' | 'grafana', ComponentState>>): StackSnapshot => ({
  components: Object.entries(states).map(([id, state]) => fakeComponent(id as 'prometheus', { state })),
  overall: 'ok',
  settingsError: null,
  configError: null,
});
const alert = (severity: Alert['severity'], name = 'ServiceDown'): Alert => ({
  id: name, source: 'alertmanager', name, severity, state: 'firing', labels: { job: 'gui' }, summary: 'gui is down', description: '', runbook: null,
  startsAt: 1, resolvedAt: null, silences: [], inhibitedBy: [], grafanaUrl: null, group: name,
});

describe('stack controls (issue 16.1)', () => {
  it('3 of 4 running with Grafana not installed: Stop stack, and no Start stack', () => {
    const s = stack({ node_exporter: 'running', alertmanager: 'running', prometheus: 'running', grafana: 'not-installed' });
    expect(canStopStack(s.components)).toBe(true);
    expect(canStartStack(s.components)).toBe(false);
  });

  it('offers both while some run and some are stopped; Stop while starting; Start after a failure', () => {
    expect(canStartStack(stack({ prometheus: 'running', alertmanager: 'stopped' }).components)).toBe(true);
    expect(canStopStack(stack({ prometheus: 'starting', alertmanager: 'stopped' }).components)).toBe(true);
    expect(canStartStack(stack({ prometheus: 'failed', grafana: 'not-installed' }).components)).toBe(true);
    expect(canStopStack(stack({ prometheus: 'stopped', grafana: 'not-installed' }).components)).toBe(false);
  });

  it('a not-installed row has no action', () => {
    expect(rowAction('not-installed')).toBeNull();
    expect(rowAction('stopped')).toBe('start');
    expect(rowAction('unhealthy')).toBe('stop');
  });
});

describe('overview summary', () => {
  it('names the worst problem: a critical alert before a broken component, a warning after it', () => {
    const s = stack({ prometheus: 'running' });
    expect(worstProblem(s, [alert('warning', 'HighLatency'), alert('critical')])).toBe('ServiceDown (gui): gui is down');
    expect(worstProblem(stack({ prometheus: 'stopped' }), [])).toBe('Stack stopped');
    expect(worstProblem(stack({ prometheus: 'running' }), [])).toBe('All 1 running, nothing fires');
    // The badge reads warning then (overall.ts): the line says why.
    expect(worstProblem(stack({ prometheus: 'running', grafana: 'not-installed' }), [])).toBe('All 1 running; grafana not installed');
  });
});

describe('Alertmanager notice', () => {
  // The field the core sends (common/model.ts AlertSourceStatus.state); a value this build does not know is cast in.
  const src = (state?: string): AlertSourceStatus => ({ reachable: false, lastOkAt: null, error: 'ECONNREFUSED', ...(state ? { state: state as AlertSourceState } : {}) });
  it('is a banner only when unreachable; starting and stopped are said calmly; unknown values do not alarm', () => {
    expect(alertmanagerNotice(src('unreachable'), 'running').kind).toBe('banner');
    expect(alertmanagerNotice(src('starting'), 'starting')).toEqual({ kind: 'calm', text: 'Alertmanager is starting' });
    expect(alertmanagerNotice(src('stopped'), 'stopped')).toEqual({ kind: 'calm', text: 'Alertmanager is stopped' });
    // What the core sends for a component the user stopped: no attempt, so reachable is null.
    expect(alertmanagerNotice({ reachable: null, lastOkAt: 1, error: null, state: 'stopped' }, 'stopped')).toEqual({ kind: 'calm', text: 'Alertmanager is stopped' });
    expect(alertmanagerNotice({ reachable: null, lastOkAt: null, error: null, state: 'stopped' }, 'not-installed')).toEqual({ kind: 'calm', text: 'Alertmanager is not installed' });
    expect(alertmanagerNotice(src('warming-up'), 'running')).toEqual({ kind: 'calm', text: 'Alertmanager: warming-up' });
    // Without a status from the core, the component's state decides.
    expect(alertmanagerNotice(src(), 'starting').kind).toBe('calm');
    expect(alertmanagerNotice(src(), 'running').kind).toBe('banner');
    // Just came up, not synced since: still starting; a while later, a warning.
    expect(alertmanagerNotice(src('unreachable'), { state: 'running', since: 10_000 }, 12_000).kind).toBe('calm');
    expect(alertmanagerNotice(src(), { state: 'running', since: 10_000 }, 40_000).kind).toBe('banner');
    expect(alertmanagerNotice({ reachable: true, lastOkAt: 1, error: null }, 'running').kind).toBe('none');
  });
});
