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

  it('raises an unreachable Prometheus or Alertmanager only after two failed probes (a starting stack is not an alert)', () => {
    expect(names(input({ prometheus: 'stopped' }, { prometheusFailures: 1 }))).toEqual([]);
    const stopped = evaluateWatchdog(input({ alertmanager: 'stopped' }, { alertmanagerFailures: 2 }));
    expect(stopped.map((a) => [a.id, a.labels.severity, a.annotations.description])).toEqual([
      ['lookout:LookoutAlertmanagerUnreachable:alertmanager', 'critical', 'Alertmanager is stopped while the rest of the stack runs.'],
    ]);
    expect(evaluateWatchdog(input({}, { prometheusFailures: 2, prometheusError: 'ECONNREFUSED' }))[0]!.annotations.description).toBe('Prometheus does not answer: ECONNREFUSED.');
  });

  it('raises a missing Watchdog once the pipeline has been up longer than missingAfter without one', () => {
    expect(names(input({}, { pipelineUpSince: 1_000_000 - 180_000 }))).toEqual([]);
    expect(names(input({}, { pipelineUpSince: 1_000_000 - 180_001 }))).toEqual(['lookout:LookoutWatchdogMissing']);
    expect(names(input({}, { pipelineUpSince: 0, lastWatchdogAt: 1_000_000 - 60_000 }))).toEqual([]);
    expect(names(input({}, { pipelineUpSince: 0, watchdogEnabled: false }))).toEqual([]);
  });
});
