import { describe, expect, it } from 'vitest';
import type { ComponentState } from '../../../common/model';
import { fakeComponent } from '../../../test/fakes/fake-core';
import { evaluateWatchdog, type WatchdogInput } from './watchdog';

const input = (states: Partial<Record<'prometheus' | 'alertmanager' | 'node_exporter', ComponentState>>, patch: Partial<WatchdogInput> = {}): WatchdogInput => ({
  components: (['node_exporter', 'alertmanager', 'prometheus'] as const).map((id) => fakeComponent(id, { state: states[id] ?? 'running' })),
  alertmanagerFailures: 0,
  alertmanagerError: null,
  prometheusFailures: 0,
  prometheusError: null,
  watchdogEnabled: true,
  pipelineUpSince: null,
  lastWatchdogAt: null,
  missingAfterMs: 180_000,
  readinessGraceMs: 60_000,
  now: 1_000_000,
  ...patch,
});
const names = (i: WatchdogInput) => evaluateWatchdog(i).map((a) => a.id);

describe('evaluateWatchdog', () => {
  it('is quiet when all runs, and when the whole stack is stopped on purpose', () => {
    expect(names(input({}))).toEqual([]);
    expect(names(input({ prometheus: 'stopped', alertmanager: 'stopped', node_exporter: 'stopped' }, { alertmanagerFailures: 9, prometheusFailures: 9 }))).toEqual([]);
  });

  it('raises failed and unhealthy components, and not their unreachable alert on top', () => {
    expect(names(input({ prometheus: 'failed', alertmanager: 'unhealthy' }, { alertmanagerFailures: 3, prometheusFailures: 3 }))).toEqual([
      'lookout:LookoutComponentUnhealthy:alertmanager',
      'lookout:LookoutComponentFailed:prometheus',
    ]);
  });

  it('raises an unreachable Prometheus or Alertmanager that runs only after two failed probes', () => {
    expect(names(input({}, { prometheusFailures: 1 }))).toEqual([]);
    const down = evaluateWatchdog(input({}, { alertmanagerFailures: 2, alertmanagerError: 'ECONNREFUSED' }));
    expect(down.map((a) => [a.id, a.labels.severity, a.annotations.description])).toEqual([
      ['lookout:LookoutAlertmanagerUnreachable:alertmanager', 'critical', 'Alertmanager does not answer: ECONNREFUSED.'],
    ]);
    expect(evaluateWatchdog(input({}, { prometheusFailures: 2, prometheusError: 'ECONNREFUSED' }))[0]!.annotations.description).toBe('Prometheus does not answer: ECONNREFUSED.');
  });

  it('is quiet for a component the user stopped while the rest runs: a state, not an alert (issue 15)', () => {
    expect(names(input({ alertmanager: 'stopped' }, { alertmanagerFailures: 9 }))).toEqual([]);
    expect(names(input({ prometheus: 'stopping' }, { prometheusFailures: 9 }))).toEqual([]);
  });

  it('gives a start its readiness time, and fires once a component stays not ready past it', () => {
    const starting = (sinceAgo: number) => {
      const i = input({ prometheus: 'starting', alertmanager: 'starting' }, { prometheusFailures: 5, alertmanagerFailures: 5 });
      for (const c of i.components) c.since = i.now - sinceAgo;
      return i;
    };
    expect(names(starting(60_000))).toEqual([]);
    const late = evaluateWatchdog(starting(61_000));
    expect(late.map((a) => [a.id, a.labels.severity])).toEqual([
      ['lookout:LookoutPrometheusUnreachable:prometheus', 'critical'],
      ['lookout:LookoutAlertmanagerUnreachable:alertmanager', 'critical'],
    ]);
    expect(late[0]!.annotations.description).toBe('Prometheus has not become ready 61 s after it was started.');
  });

  it('raises a missing Watchdog once the pipeline has been up longer than missingAfter without one', () => {
    expect(names(input({}, { pipelineUpSince: 1_000_000 - 180_000 }))).toEqual([]);
    expect(names(input({}, { pipelineUpSince: 1_000_000 - 180_001 }))).toEqual(['lookout:LookoutWatchdogMissing']);
    expect(names(input({}, { pipelineUpSince: 0, lastWatchdogAt: 1_000_000 - 60_000 }))).toEqual([]);
    expect(names(input({}, { pipelineUpSince: 0, watchdogEnabled: false }))).toEqual([]);
  });
});
