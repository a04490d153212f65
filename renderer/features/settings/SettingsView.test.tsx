import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsChange, SettingsUpdateResult } from '../../../common/model';
import { fakeApi } from '../../../test/fakes/fake-api';
import { ipcTarget } from './ServicesEditor';
import { SettingsView } from './SettingsView';
import { useSettingsStore } from './useSettingsStore';

/** The sections Settings also holds (lock-down, remote write, backups), answered quietly so only the field under test can raise an alert. */
const SECTIONS = {
  'lockdown:status': () => ({ enabled: true, checks: [] }),
  'remoteWrite:status': () => ({ targets: [] }),
  'services:list': () => ({ services: [] }),
  'backup:list': () => ({ dir: '/home/me/.lookout/backups', backups: [], unreadable: [], nextScheduledAt: null }),
};

const settings = {
  lookout: { port: 9469 },
  stack: { scrapeInterval: '15s', evaluationInterval: '15s', retention: { time: '30d', size: '2GB' }, stopOnExit: false, components: { prometheus: { enabled: true, port: 9090 }, alertmanager: { enabled: true, port: 9093 }, node_exporter: { enabled: true, port: 9100 } } },
  services: [{ name: 'llm', url: 'http://127.0.0.1:8080', metricsPath: '/metrics', labels: {} }],
};

/** Main's answer, as the real schema would give it for these two fields. */
function update(req: unknown): SettingsUpdateResult {
  const [change] = (req as { changes: SettingsChange[] }).changes;
  if (change!.path.join('.') === 'stack.scrapeInterval' && change!.value === 'often') {
    return { ok: false, issues: [{ path: 'stack.scrapeInterval', message: 'must be a Prometheus duration such as 15s, 5m or 30d' }] };
  }
  return { ok: true, settings: { ...settings, stack: { ...settings.stack, scrapeInterval: String(change!.value) } } };
}

beforeEach(() => useSettingsStore.setState({ settings: null, fileError: null, file: null, issues: {}, saved: null, error: null, api: null }));
afterEach(cleanup);

describe('SettingsView', () => {
  it('shows a rejected value\'s reason beside the field, then applies a good one', async () => {
    const fake = fakeApi({
      ...SECTIONS, 'settings:get': () => ({ settings, error: null, file: '/home/me/settings.json' }), 'settings:update': update });
    render(<SettingsView api={fake.api} />);
    const input = (await screen.findByLabelText('Scrape interval')) as HTMLInputElement;
    expect(input.value).toBe('15s');

    fireEvent.change(input, { target: { value: 'often' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    const issue = await screen.findByRole('alert');
    expect(issue.textContent).toMatch(/Prometheus duration/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe(issue.id);

    fireEvent.change(input, { target: { value: '5s' } });
    fireEvent.blur(input);
    expect(await screen.findByText('saved')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(input.value).toBe('5s');
    expect(fake.calls.filter((c) => c.channel === 'settings:update').map((c) => c.req)).toEqual([
      { changes: [{ path: ['stack', 'scrapeInterval'], value: 'often' }] },
      { changes: [{ path: ['stack', 'scrapeInterval'], value: '5s' }] },
    ]);
  });

  it('typing the value in force back clears the refusal; a refused value is not sent again on blur', async () => {
    const fake = fakeApi({ ...SECTIONS, 'settings:get': () => ({ settings, error: null, file: '/home/me/settings.json' }), 'settings:update': update });
    render(<SettingsView api={fake.api} />);
    const input = (await screen.findByLabelText('Scrape interval')) as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'often' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await screen.findByRole('alert');
    // Enter, then leaving the field: one refusal, one request.
    fireEvent.blur(input);
    fireEvent.change(input, { target: { value: '15s' } });
    fireEvent.blur(input);
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(input.getAttribute('aria-invalid')).not.toBe('true');
    expect(fake.calls.filter((c) => c.channel === 'settings:update')).toHaveLength(1);
  });

  it('a refusal main files under another field says which field it is about', async () => {
    const fake = fakeApi({
      ...SECTIONS,
      'settings:get': () => ({ settings, error: null, file: '/home/me/settings.json' }),
      // The schema's port check files the clash under the later listener, whatever was edited.
      'settings:update': () => ({ ok: false, issues: [{ path: 'stack.components.alertmanager.port', message: 'port 9093 is already used by stack.components.prometheus.port' }] }),
    });
    render(<SettingsView api={fake.api} />);
    const input = (await screen.findByLabelText('Prometheus port')) as HTMLInputElement;
    fireEvent.change(input, { target: { value: '9093' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    const issue = await screen.findByRole('alert');
    expect(issue.textContent).toBe('stack.components.alertmanager.port: port 9093 is already used by stack.components.prometheus.port');
  });

  it('sends port fields as numbers and lists services with a remove action', async () => {
    const fake = fakeApi({
      ...SECTIONS, 'settings:get': () => ({ settings, error: null, file: '/s.json' }), 'settings:update': () => ({ ok: true, settings }) });
    render(<SettingsView api={fake.api} />);
    const port = (await screen.findByLabelText('Prometheus port')) as HTMLInputElement;
    fireEvent.change(port, { target: { value: '9091' } });
    fireEvent.blur(port);
    await screen.findByText('saved');
    expect(fake.calls.at(-1)?.req).toEqual({ changes: [{ path: ['stack', 'components', 'prometheus', 'port'], value: 9091 }] });
    const row = screen.getByRole('listitem', { name: 'llm' });
    fireEvent.click(within(row).getByRole('button', { name: 'Remove llm' }));
    expect(fake.calls.at(-1)?.req).toEqual({ changes: [{ path: ['services', 0] }] });
  });

  it('adds IPC endpoints to a service as main expects them, shows a refused one\'s reason, and removes one', async () => {
    const withIpc = { ...settings, services: [{ ...settings.services[0]!, ipc: [{ name: 'gui', socketPath: '/tmp/gui.sock' }] }] };
    const fake = fakeApi({
      ...SECTIONS,
      'settings:get': () => ({ settings: withIpc, error: null, file: '/s.json' }),
      'settings:update': (req) => {
        const [change] = (req as { changes: SettingsChange[] }).changes;
        const target = change!.value as { address?: string } | undefined;
        // As main's schema answers: the issue names the field inside the new entry.
        if (target?.address === '10.0.0.5:8081') return { ok: false, issues: [{ path: 'services[0].ipc[1].address', message: 'must be a loopback address and port such as 127.0.0.1:8081' }] };
        return { ok: true, settings: withIpc };
      },
    });
    render(<SettingsView api={fake.api} />);
    const endpoints = await screen.findByRole('list', { name: 'IPC endpoints of llm' });
    expect(within(endpoints).getByText('/tmp/gui.sock')).toBeTruthy();

    const name = screen.getByLabelText('New IPC endpoint name for llm') as HTMLInputElement;
    const endpoint = screen.getByLabelText('New IPC endpoint for llm') as HTMLInputElement;
    fireEvent.change(name, { target: { value: 'memory' } });
    fireEvent.change(endpoint, { target: { value: '10.0.0.5:8081' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add IPC endpoint to llm' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/loopback address/);
    expect(fake.calls.at(-1)?.req).toEqual({ changes: [{ path: ['services', 0, 'ipc', 1], value: { name: 'memory', address: '10.0.0.5:8081' } }] });
    expect(endpoint.value).toBe('10.0.0.5:8081');

    fireEvent.change(endpoint, { target: { value: '127.0.0.1:8081' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add IPC endpoint to llm' }));
    await waitFor(() => expect(endpoint.value).toBe(''));
    expect(screen.queryByRole('alert')).toBeNull();

    fireEvent.click(within(endpoints).getByRole('button', { name: 'Remove IPC endpoint gui of llm' }));
    expect(fake.calls.at(-1)?.req).toEqual({ changes: [{ path: ['services', 0, 'ipc', 0] }] });
  });

  it('shows why a new service was refused under the add row', async () => {
    const fake = fakeApi({
      ...SECTIONS,
      'settings:get': () => ({ settings, error: null, file: '/s.json' }),
      'settings:update': () => ({ ok: false, issues: [{ path: 'services[1].url', message: 'must be an http:// or https:// URL such as http://127.0.0.1:8080' }] }),
    });
    render(<SettingsView api={fake.api} />);
    fireEvent.change(await screen.findByLabelText('New service name'), { target: { value: 'vector' } });
    fireEvent.change(screen.getByLabelText('New service URL'), { target: { value: 'localhost:6333' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add service' }));
    // Named by the field inside the new entry.
    expect((await screen.findByRole('alert')).textContent).toBe('url: must be an http:// or https:// URL such as http://127.0.0.1:8080');
    // Editing makes the refusal stale; with the name emptied, the row says what Add is waiting for.
    fireEvent.change(screen.getByLabelText('New service name'), { target: { value: '' } });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('New service name is needed to add one.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Add service' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('ipcTarget', () => {
  it('reads a path as a socket, an http URL as a URL and anything else as an address', () => {
    expect(ipcTarget('a', ' /tmp/a.sock ')).toEqual({ name: 'a', socketPath: '/tmp/a.sock' });
    expect(ipcTarget('b', 'HTTP://127.0.0.1:8081/health')).toEqual({ name: 'b', url: 'HTTP://127.0.0.1:8081/health' });
    expect(ipcTarget('c', 'localhost:8081')).toEqual({ name: 'c', address: 'localhost:8081' });
  });
  it('has a Grafana port and a Run Grafana checkbox (16.3), and chooses severities with checkboxes (16.11)', async () => {
    const withReceivers = {
      ...settings,
      stack: { ...settings.stack, components: { ...settings.stack.components, grafana: { enabled: true, port: 3000 } } },
      alerts: { receivers: { desktop: { severities: ['critical', 'warning'] }, slack: { severities: [] }, email: { severities: [] }, webhook: { severities: [] } } },
    };
    const fake = fakeApi({
      ...SECTIONS, 'settings:get': () => ({ settings: withReceivers, error: null, file: '/s.json' }), 'settings:update': () => ({ ok: true, settings: withReceivers }) });
    render(<SettingsView api={fake.api} />);
    const run = (await screen.findByLabelText('Run Grafana')) as HTMLInputElement;
    expect(run.checked).toBe(true);
    fireEvent.click(run);
    await waitFor(() => expect(fake.calls.at(-1)?.req).toEqual({ changes: [{ path: ['stack', 'components', 'grafana', 'enabled'], value: false }] }));
    const port = screen.getByLabelText('Grafana port') as HTMLInputElement;
    expect(port.value).toBe('3000');
    fireEvent.change(port, { target: { value: '3001' } });
    fireEvent.blur(port);
    await waitFor(() => expect(fake.calls.at(-1)?.req).toEqual({ changes: [{ path: ['stack', 'components', 'grafana', 'port'], value: 3001 }] }));

    const desktop = screen.getByRole('group', { name: 'Desktop for' });
    expect(within(desktop).queryByRole('textbox')).toBeNull();
    const info = within(desktop).getByRole('checkbox', { name: 'info' }) as HTMLInputElement;
    expect((within(desktop).getByRole('checkbox', { name: 'critical' }) as HTMLInputElement).checked).toBe(true);
    expect(info.checked).toBe(false);
    fireEvent.click(info);
    await waitFor(() => expect(fake.calls.at(-1)?.req).toEqual({ changes: [{ path: ['alerts', 'receivers', 'desktop', 'severities'], value: ['critical', 'warning', 'info'] }] }));
    fireEvent.click(within(desktop).getByRole('checkbox', { name: 'warning' }));
    await waitFor(() => expect(fake.calls.at(-1)?.req).toEqual({ changes: [{ path: ['alerts', 'receivers', 'desktop', 'severities'], value: ['critical'] }] }));
  });
});
