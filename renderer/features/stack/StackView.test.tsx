import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ComponentStatus, StackSnapshot } from '../../../common/model';
import { fakeApi } from '../../../test/fakes/fake-api';
import { StackControls, StackView } from './StackView';
import { useStackStore } from './useStackStore';

const row = (patch: Partial<ComponentStatus> & Pick<ComponentStatus, 'id' | 'name' | 'state'>): ComponentStatus => ({
  pid: null, port: 9090, version: '2.42.0', binary: '/usr/bin/prometheus', lastError: null, fix: null, detail: null, warning: null,
  since: Date.now() - 3 * 3600_000 - 12 * 60_000, restarts: 0, adopted: false, lastExit: null, url: 'http://127.0.0.1:9090', ...patch,
});

const snapshot: StackSnapshot = {
  overall: 'critical',
  settingsError: null,
  configError: null,
  components: [
    row({ id: 'prometheus', name: 'Prometheus', state: 'running', pid: 42 }),
    row({
      id: 'alertmanager', name: 'Alertmanager', state: 'failed', port: 9093,
      lastError: 'port 9093 is already in use by pid 777 (python3); stop it or change stack.components.alertmanager.port',
      fix: 'stop pid 777 (python3), or set stack.components.alertmanager.port to a free port, then press Start',
    }),
  ],
};

beforeEach(() => useStackStore.setState({ snapshot: null, pending: null, error: null, api: null }));
afterEach(cleanup);

describe('StackView', () => {
  it('shows uptime, the component\'s own UI and a restart for a running one; the reason and the fix for a failed one', async () => {
    const fake = fakeApi({ 'stack:get': () => snapshot, 'stack:restart': () => snapshot });
    render(<StackView api={fake.api} />);
    const prom = await screen.findByRole('listitem', { name: 'Prometheus' });
    // Compact row: the uptime is read out (and on hover), the port is the link to its own UI.
    expect(within(prom).getByText('up 3 h 12 min')).toBeTruthy();
    expect(within(prom).getByRole('link', { name: 'Open Prometheus :9090' }).getAttribute('href')).toBe('http://127.0.0.1:9090');
    fireEvent.click(within(prom).getByRole('button', { name: 'Restart Prometheus' }));
    expect(fake.calls.find((c) => c.channel === 'stack:restart')?.req).toEqual({ components: ['prometheus'] });

    const am = screen.getByRole('listitem', { name: 'Alertmanager' });
    expect(within(am).getByTestId('state-alertmanager').textContent).toBe('failed');
    expect(within(am).getByText(/already in use by pid 777/)).toBeTruthy();
    expect(within(am).getByText(/^Fix: stop pid 777/)).toBeTruthy();
    expect(within(am).queryByRole('button', { name: 'Restart Alertmanager' })).toBeNull();
  });

  it('names a container (runtime "docker") instead of a pid and a binary', async () => {
    const docker = { ...snapshot, components: [row({ id: 'prometheus', name: 'Prometheus', state: 'running', container: 'lookout-prometheus-1', binary: '/usr/local/bin/docker', version: '3.14.0' })] };
    render(<StackView api={fakeApi({ 'stack:get': () => docker }).api} />);
    const prom = await screen.findByRole('listitem', { name: 'Prometheus' });
    const facts = within(prom).getByText('Prometheus').getAttribute('title')!;
    expect(facts).toContain('version 3.14.0 · container lookout-prometheus-1');
    expect(facts).not.toMatch(/pid|docker$/);
  });

  it('offers Stop stack while anything runs and Start stack only for components that can run; a not-installed row has no Start (16.1)', async () => {
    const three = {
      ...snapshot,
      components: [
        row({ id: 'prometheus', name: 'Prometheus', state: 'running', pid: 42 }),
        row({ id: 'alertmanager', name: 'Alertmanager', state: 'running', port: 9093 }),
        row({ id: 'node_exporter', name: 'node_exporter', state: 'running', port: 9100 }),
        row({ id: 'grafana', name: 'Grafana', state: 'not-installed', port: 3000, binary: null, version: null, lastError: 'grafana not found', fix: 'brew install grafana, or set stack.components.grafana.enabled to false' }),
      ],
    };
    const fake = fakeApi({ 'stack:get': () => three, 'stack:stop': () => three, 'install:status': () => ({ components: [], installers: { release: { ok: true }, brew: { ok: true }, docker: { ok: true } } }) });
    render(
      <>
        <StackControls />
        <StackView api={fake.api} />
      </>,
    );
    const grafana = await screen.findByRole('listitem', { name: 'Grafana' });
    expect(within(grafana).getByTestId('state-grafana').textContent).toBe('not installed');
    expect(within(grafana).getByText(/brew install grafana/)).toBeTruthy();
    // No Start for what cannot run; what it offers instead is to install it.
    expect(within(grafana).queryByRole('button', { name: /start/i })).toBeNull();
    expect(within(grafana).getByRole('button', { name: 'Install Grafana' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Stop stack' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Start stack' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Stop stack' }));
    expect(fake.calls.find((c) => c.channel === 'stack:stop')?.req).toEqual({});
  });
});
