import { describe, expect, it } from 'vitest';
import type { AmAlert } from './alertmanager-client';
import { AlertBook } from './book';

const T0 = 1_700_000_000_000;
const am = (patch: Partial<AmAlert> = {}): AmAlert => ({
  fingerprint: 'fp1',
  labels: { alertname: 'ServiceDown', job: 'llm', severity: 'critical' },
  annotations: { summary: 'llm is down' },
  startsAt: T0,
  endsAt: null,
  state: 'active',
  silencedBy: [],
  inhibitedBy: [],
  generatorURL: null,
  ...patch,
});
const book = () => new AlertBook({ resolveGraceMs: 90_000, keepResolvedMs: 600_000 });
const states = (b: AlertBook) => b.entries().map((e) => [e.id, e.state, e.resolvedAt]);

describe('AlertBook', () => {
  it('a resolved webhook resolves the episode it belongs to, not a newer one', () => {
    const b = book();
    b.webhook([{ status: 'firing', alert: am() }], T0);
    expect(b.webhook([{ status: 'resolved', alert: am({ startsAt: T0 - 1, endsAt: T0 + 5 }) }], T0 + 10)).toBe(false);
    expect(b.webhook([{ status: 'resolved', alert: am({ endsAt: T0 + 5 }) }], T0 + 10)).toBe(true);
    expect(states(b)).toEqual([['fp1', 'resolved', T0 + 5]]);
  });

  it('keeps the silenced state a sync found when a webhook repeats the alert', () => {
    const b = book();
    b.sync([am({ state: 'suppressed', silencedBy: ['s1'] })], T0);
    b.webhook([{ status: 'firing', alert: am() }], T0 + 1);
    expect(b.entries()[0]).toMatchObject({ state: 'suppressed', silencedBy: ['s1'] });
  });

  it('an alert missing from a sync resolves after the grace period, or at once when Prometheus no longer fires it', () => {
    const b = book();
    b.sync([am(), am({ fingerprint: 'fp2', labels: { alertname: 'HighLatency', job: 'llm', severity: 'warning' } })], T0);
    b.sync([], T0 + 5_000);
    expect(b.hasMissing()).toBe(true);
    expect(b.resolveMissing((labels) => labels.alertname === 'ServiceDown')).toBe(true);
    expect(states(b)).toEqual([
      ['fp1', 'firing', null],
      ['fp2', 'resolved', T0 + 5_000],
    ]);
    b.sync([], T0 + 94_000);
    expect(states(b)[0]).toEqual(['fp1', 'firing', null]);
    b.sync([], T0 + 95_000);
    expect(states(b)[0]).toEqual(['fp1', 'resolved', T0 + 5_000]);
    // Kept for a while, then dropped.
    b.sync([], T0 + 5_000 + 600_001);
    expect(b.entries()).toEqual([]);
  });

  it("Lookout's own alerts: start when first seen, resolve when absent from the next set", () => {
    const b = book();
    const own = { id: 'lookout:LookoutComponentFailed:prometheus', labels: { alertname: 'LookoutComponentFailed', severity: 'critical', component: 'prometheus' }, annotations: { summary: 's', description: 'd', runbook: 'r' } };
    expect(b.setOwn([own], T0)).toBe(true);
    expect(b.setOwn([own], T0 + 5)).toBe(false);
    expect(b.entries()[0]).toMatchObject({ source: 'lookout', startsAt: T0, state: 'firing' });
    b.setOwn([], T0 + 10);
    expect(b.entries()[0]).toMatchObject({ state: 'resolved', resolvedAt: T0 + 10 });
  });
});
