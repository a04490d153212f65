import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, AlertsSnapshot } from '../../../common/model';
import { fakeApi } from '../../../test/fakes/fake-api';
import { AlertsView } from './AlertsView';
import { useAlertsStore } from './useAlertsStore';

const alert = (patch: Partial<Alert> = {}): Alert => ({
  id: 'fp1',
  source: 'alertmanager',
  name: 'ServiceDown',
  severity: 'critical',
  state: 'firing',
  labels: { alertname: 'ServiceDown', job: 'llm', severity: 'critical' },
  summary: 'llm is down',
  description: '',
  runbook: null,
  startsAt: Date.UTC(2026, 0, 5, 12),
  resolvedAt: null,
  silences: [],
  inhibitedBy: [],
  grafanaUrl: 'http://127.0.0.1:3000/d/lookout-alerts?var-job=llm',
  group: 'ServiceDown|llm|critical',
  ...patch,
});
const snap = (alerts: Alert[], patch: Partial<AlertsSnapshot> = {}): AlertsSnapshot => ({
  alerts,
  alertmanager: { reachable: true, lastOkAt: 1, error: null },
  prometheus: { reachable: true, lastOkAt: 1, error: null },
  lastWatchdogAt: 1,
  ...patch,
});

beforeEach(() => useAlertsStore.setState({ snapshot: null, pending: null, error: null, api: null }));
afterEach(cleanup);

describe('AlertsView', () => {
  it('lists firing alerts with severity, summary and the Grafana link, and follows pushed lists', async () => {
    const fake = fakeApi({ 'alerts:get': () => snap([alert()]) });
    render(<AlertsView api={fake.api} />);
    const row = await screen.findByRole('listitem', { name: 'ServiceDown llm' });
    expect(within(row).getByTestId('alert-state-fp1').textContent).toBe('critical');
    expect(within(row).getByText('llm is down')).toBeTruthy();
    expect(within(row).getByRole('link', { name: 'Open ServiceDown in Grafana' }).getAttribute('href')).toBe('http://127.0.0.1:3000/d/lookout-alerts?var-job=llm');
    act(() => fake.emit('alerts:changed', snap([])));
    expect(screen.getByText('Nothing fires.')).toBeTruthy();
  });

  it('acks and snoozes through the api, shows who silenced it, and undoes', async () => {
    const acked = alert({ state: 'suppressed', silences: [{ id: 's1', kind: 'ack', createdBy: 'alice', comment: 'Acknowledged by alice', endsAt: 0 }] });
    const fake = fakeApi({
      'alerts:get': () => snap([alert()]),
      'alerts:ack': () => ({ silenceId: 's1', alerts: snap([acked]) }),
      'alerts:snooze': () => ({ silenceId: 's2', alerts: snap([alert()]) }),
      'silences:delete': () => snap([alert()]),
    });
    render(<AlertsView api={fake.api} />);
    const row = await screen.findByRole('listitem', { name: 'ServiceDown llm' });
    fireEvent.click(within(row).getByRole('button', { name: 'Snooze 1h' }));
    expect(await screen.findByRole('button', { name: 'Ack' })).toBeTruthy();
    expect(fake.calls.find((c) => c.channel === 'alerts:snooze')?.req).toEqual({ id: 'fp1', duration: '1h' });
    fireEvent.click(screen.getByRole('button', { name: 'Ack' }));
    expect(await screen.findByText(/Acknowledged by alice/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Ack' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByRole('button', { name: 'Ack' })).toBeTruthy();
    expect(fake.calls.find((c) => c.channel === 'silences:delete')?.req).toEqual({ id: 's1' });
  });

  it('says when Alertmanager cannot be reached and shows a failed call', async () => {
    const fake = fakeApi({
      'alerts:get': () => snap([alert()], { alertmanager: { reachable: false, lastOkAt: 1, error: 'ECONNREFUSED' } }),
      'alerts:ack': () => {
        throw new Error('Alertmanager is not answering');
      },
    });
    render(<AlertsView api={fake.api} />);
    expect(await screen.findByText(/Alertmanager is not reachable \(ECONNREFUSED\)/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Ack' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Alertmanager is not answering/);
  });

  it('groups a storm by alert, keeps silenced ones apart, snoozes for the chosen time and shows history', async () => {
    const storm = Array.from({ length: 300 }, (_, i) => alert({ id: `hl${i}`, name: 'HighLatency', severity: 'warning', labels: { alertname: 'HighLatency', job: `svc${i}` }, summary: 'p95 is high', startsAt: 1000 + i }));
    const snoozed = alert({ id: 'sd', state: 'suppressed', silences: [{ id: 's9', kind: 'snooze', createdBy: 'bob', comment: '', endsAt: Date.UTC(2026, 0, 5, 14) }] });
    const fake = fakeApi({
      'alerts:get': () => snap([alert(), ...storm, snoozed]),
      'alerts:snooze': () => ({ silenceId: 's3', alerts: snap([alert()]) }),
      'alerts:history': () => ({ range: '6h', from: 0, to: 1, intervals: [{ name: 'ServiceDown', severity: 'critical', labels: { job: 'llm' }, state: 'firing', from: 0, to: null }], notifications: [], prometheusError: null }),
    });
    render(<AlertsView api={fake.api} />);
    const firing = await screen.findByRole('list', { name: 'Firing alerts' });
    // Critical first, then the 300 HighLatency instances as one line.
    const rows = within(firing).getAllByRole('listitem');
    expect(rows.map((r) => r.getAttribute('aria-label'))).toEqual(['ServiceDown llm', 'HighLatency ×300']);
    fireEvent.click(within(rows[1]!).getByRole('button', { name: 'Show' }));
    expect(within(rows[1]!).getAllByRole('button', { name: /^Ack$/ })).toHaveLength(20);
    fireEvent.click(within(rows[1]!).getByRole('button', { name: 'Show all 300' }));
    expect(within(rows[1]!).getAllByRole('button', { name: /^Ack$/ })).toHaveLength(300);

    expect(within(screen.getByRole('list', { name: 'Silenced alerts' })).getByText(/Snoozed until .* by bob/)).toBeTruthy();

    const first = within(firing).getByRole('listitem', { name: 'ServiceDown llm' });
    fireEvent.change(within(first).getByRole('combobox', { name: 'Snooze ServiceDown for' }), { target: { value: '4h' } });
    fireEvent.click(within(first).getByRole('button', { name: 'Snooze 4h' }));
    await screen.findByText('1 firing');
    expect(fake.calls.find((c) => c.channel === 'alerts:snooze')?.req).toEqual({ id: 'fp1', duration: '4h' });

    fireEvent.click(screen.getByRole('button', { name: 'History' }));
    expect((await screen.findByText(/ServiceDown llm/, { selector: 'li' })).textContent).toMatch(/^critical firing ServiceDown llm/);
    expect(fake.calls.find((c) => c.channel === 'alerts:history')?.req).toEqual({ range: '6h' });
  });
});
