import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../common/model';
import { decide, groupKey, type DecideOptions, type NotifiedState } from './decide';

const T0 = 1_700_000_000_000;

function alert(patch: Partial<Alert> & { name?: string; job?: string } = {}): Alert {
  const name = patch.name ?? 'ServiceDown';
  const severity = patch.severity ?? 'critical';
  const labels = patch.labels ?? { alertname: name, severity, ...(patch.job === undefined ? { job: 'llm' } : patch.job ? { job: patch.job } : {}) };
  const base = { name, severity, labels };
  return {
    id: 'fp1',
    source: 'alertmanager',
    state: 'firing',
    summary: `${name} summary`,
    description: '',
    runbook: null,
    startsAt: T0,
    resolvedAt: null,
    silences: [],
    inhibitedBy: [],
    grafanaUrl: null,
    group: groupKey(base),
    ...patch,
    name,
    severity,
    labels,
  };
}

const opts = (patch: Partial<DecideOptions> = {}): DecideOptions => ({
  now: T0 + 60_000,
  desktop: ['critical', 'warning'],
  readySince: { alertmanager: T0, lookout: T0 },
  graceMs: 90_000,
  ...patch,
});

describe('decide', () => {
  it('notifies once when a group starts firing, remembers it, and stays quiet while it keeps firing', () => {
    const first = decide([alert()], {}, opts());
    expect(first.decisions.map((d) => [d.kind, d.group])).toEqual([['firing', 'ServiceDown|llm|critical']]);
    expect(first.state['ServiceDown|llm|critical']!.keys).toEqual([`fp1@${T0}`]);
    const again = decide([alert()], first.state, opts({ now: T0 + 120_000 }));
    expect(again.decisions).toEqual([]);
    expect(again.changed).toBe(false);
  });

  it('a second alert joining a notified group extends it silently', () => {
    const { state } = decide([alert()], {}, opts());
    const joined = decide([alert(), alert({ id: 'fp2', labels: { alertname: 'ServiceDown', severity: 'critical', job: 'llm', instance: 'b' } })], state, opts());
    expect(joined.decisions).toEqual([]);
    expect(joined.state['ServiceDown|llm|critical']!.keys).toEqual([`fp1@${T0}`, `fp2@${T0}`]);
  });

  it('notifies once when the group resolves, then forgets it; a re-fire is a new notification', () => {
    const { state } = decide([alert()], {}, opts());
    const resolved = decide([alert({ state: 'resolved', resolvedAt: T0 + 90_000 })], state, opts({ now: T0 + 91_000 }));
    expect(resolved.decisions.map((d) => [d.kind, d.since])).toEqual([['resolved', T0 + 60_000]]);
    expect(resolved.state).toEqual({});
    const refire = decide([alert({ startsAt: T0 + 200_000 })], resolved.state, opts({ now: T0 + 201_000 }));
    expect(refire.decisions.map((d) => d.kind)).toEqual(['firing']);
  });

  it('does not notify twice across a restart (state from disk), and a group re-fired unseen is new', () => {
    const persisted: NotifiedState = JSON.parse(JSON.stringify(decide([alert()], {}, opts()).state));
    expect(decide([alert()], persisted, opts({ now: T0 + 600_000 })).decisions).toEqual([]);
    // It resolved and fired again while Lookout was not running: new startsAt, no overlap.
    expect(decide([alert({ startsAt: T0 + 500_000 })], persisted, opts({ now: T0 + 600_000 })).decisions.map((d) => d.kind)).toEqual(['firing']);
  });

  it('a remembered group missing from the list resolves only after its source has been read for the grace period', () => {
    const { state } = decide([alert()], {}, opts());
    // Right after a restart: Alertmanager not read yet, or read only briefly.
    expect(decide([], state, opts({ readySince: { alertmanager: null, lookout: T0 } })).decisions).toEqual([]);
    expect(decide([], state, opts({ now: T0 + 100_000, readySince: { alertmanager: T0 + 50_000, lookout: T0 } })).decisions).toEqual([]);
    const later = decide([], state, opts({ now: T0 + 200_000, readySince: { alertmanager: T0 + 50_000, lookout: T0 } }));
    expect(later.decisions.map((d) => d.kind)).toEqual(['resolved']);
  });

  it('never notifies suppressed alerts, severities without desktop notifications, or the Watchdog', () => {
    const list = [
      alert({ state: 'suppressed' }),
      alert({ id: 'i', name: 'TargetScrapeGaps', severity: 'info' }),
      alert({ id: 'w', name: 'Watchdog', severity: 'info', job: '' }),
      alert({ id: 'h', name: 'HighLatency', severity: 'warning' }),
    ];
    expect(decide(list, {}, opts()).decisions.map((d) => d.group)).toEqual(['HighLatency|llm|warning']);
    expect(decide(list, {}, opts({ desktop: ['critical', 'warning', 'info'] })).decisions.map((d) => d.group)).toEqual([
      'TargetScrapeGaps|llm|info',
      'HighLatency|llm|warning',
    ]);
  });

  it('an acked (suppressed) group that resolves still gets its resolved notification', () => {
    const { state } = decide([alert()], {}, opts());
    expect(decide([alert({ state: 'suppressed' })], state, opts()).decisions).toEqual([]);
    expect(decide([alert({ state: 'resolved' })], state, opts()).decisions.map((d) => d.kind)).toEqual(['resolved']);
  });

  it("groups Lookout's own alerts by component and keys them by id only (no start time survives a restart)", () => {
    const own = alert({ id: 'lookout:LookoutComponentFailed:prometheus', source: 'lookout', name: 'LookoutComponentFailed', labels: { alertname: 'LookoutComponentFailed', severity: 'critical', component: 'prometheus' } });
    const { decisions, state } = decide([own], {}, opts());
    expect(decisions[0]!.group).toBe('LookoutComponentFailed|prometheus|critical');
    expect(decide([{ ...own, startsAt: T0 + 999 }], state, opts()).decisions).toEqual([]);
  });
});

describe('log alerts name their service (issue 12)', () => {
  it('NewErrorPattern of two services are two groups, each named by its service', () => {
    const llm = alert({ id: 'a', name: 'NewErrorPattern', severity: 'warning', labels: { alertname: 'NewErrorPattern', severity: 'warning', service: 'llm' } });
    const memory = alert({ id: 'b', name: 'NewErrorPattern', severity: 'warning', labels: { alertname: 'NewErrorPattern', severity: 'warning', service: 'memory' } });
    expect([groupKey(llm), groupKey(memory)]).toEqual(['NewErrorPattern|llm|warning', 'NewErrorPattern|memory|warning']);
    const r = decide([{ ...llm, group: groupKey(llm) }, { ...memory, group: groupKey(memory) }], {}, opts());
    expect(r.decisions.map((d) => [d.kind, d.group, d.job])).toEqual([
      ['firing', 'NewErrorPattern|llm|warning', 'llm'],
      ['firing', 'NewErrorPattern|memory|warning', 'memory'],
    ]);
  });
});
