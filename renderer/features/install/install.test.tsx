import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstallComponentId, InstallComponentStatus, InstallStatus } from '../../../common/install';
import { fakeApi } from '../../../test/fakes/fake-api';
import { InstallButton } from './InstallButton';
import { OnboardingPanel } from './OnboardingPanel';
import { UpgradeButton } from './UpgradeButton';
import { percentOf, resetInstallStore, useInstallStore } from './useInstallStore';

const row = (component: InstallComponentId, patch: Partial<InstallComponentStatus> = {}): InstallComponentStatus => ({
  component, enabled: true, installed: false, version: null, origin: null, binary: null, upgrade: null, installing: false, lastFailure: null, ...patch,
});

const status = (components: InstallComponentStatus[], brewOk = false): InstallStatus => ({
  components,
  installers: {
    release: { ok: true, detail: 'release downloads for darwin/arm64 from github.com' },
    brew: brewOk ? { ok: true, detail: 'Homebrew 4.6.3' } : { ok: false, reason: 'Homebrew is not installed', fix: 'install it from brew.sh' },
    docker: { ok: false, reason: 'the Docker engine is not running', fix: 'start Docker Desktop' },
  },
});

const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

beforeEach(resetInstallStore);
afterEach(cleanup);

describe('percentOf', () => {
  it('prefers byte counts, then the tool percentage, and is unknown (null) otherwise', () => {
    expect(percentOf({ component: 'prometheus', source: 'release', phase: 'downloading', bytesDone: 25, bytesTotal: 200, percent: 90, message: '' })).toBe(12);
    expect(percentOf({ component: 'prometheus', source: 'docker', phase: 'downloading', percent: 45.6, message: '' })).toBe(46);
    expect(percentOf({ component: 'prometheus', source: 'brew', phase: 'downloading', message: '' })).toBeNull();
    expect(percentOf({ component: 'prometheus', source: 'brew', phase: 'done', message: '' })).toBe(100);
  });
});

describe('InstallButton', () => {
  it('starts install:start for its component, shows progress from install:progress, and cancels via install:cancel', async () => {
    let current = status([row('prometheus'), row('grafana')]);
    const fake = fakeApi({
      'install:status': () => current,
      'install:start': () => ({ started: ['prometheus'], skipped: [] }),
      'install:cancel': () => current,
    });
    render(<InstallButton api={fake.api} component={{ id: 'prometheus', name: 'Prometheus', state: 'not-installed' }} />);
    await flush();
    expect(fake.listenerCount('install:progress')).toBe(1);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Install Prometheus' })));
    expect(fake.calls.find((c) => c.channel === 'install:start')?.req).toEqual({ components: ['prometheus'] });

    act(() => fake.emit('install:progress', { component: 'prometheus', source: 'release', phase: 'downloading', bytesDone: 42 * 1024 * 1024, bytesTotal: 100 * 1024 * 1024, message: 'Downloading prometheus-3.14.0.darwin-arm64.tar.gz' }));
    const bar = screen.getByRole('progressbar', { name: 'Prometheus install progress' });
    expect(bar.getAttribute('value')).toBe('42');
    expect(screen.getByText('42 %')).toBeTruthy();
    expect(screen.getByText('42.0 MB of 100 MB')).toBeTruthy();
    expect(screen.getByText('Downloading prometheus-3.14.0.darwin-arm64.tar.gz')).toBeTruthy();
    // Another component's progress does not move this bar.
    act(() => fake.emit('install:progress', { component: 'grafana', source: 'brew', phase: 'downloading', percent: 99, message: '' }));
    expect(screen.getByText('42 %')).toBeTruthy();

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel installing Prometheus' })));
    expect(fake.calls.find((c) => c.channel === 'install:cancel')?.req).toEqual({ components: ['prometheus'] });

    current = status([row('prometheus', { lastFailure: { kind: 'cancelled', message: 'cancelled', fix: 'start again' } }), row('grafana')]);
    act(() => fake.emit('install:progress', { component: 'prometheus', source: 'release', phase: 'failed', message: 'cancelled', failure: { kind: 'cancelled', message: 'Prometheus install was cancelled; nothing was installed', fix: 'start again' } }));
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText(/Cancelled; nothing was installed/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Install Prometheus' })).toBeTruthy();
  });

  it('shows the failure reason and fix, re-reads install:status, and offers a retry', async () => {
    const fake = fakeApi({ 'install:status': () => status([row('prometheus')]), 'install:start': () => ({ started: ['prometheus'], skipped: [] }) });
    render(<InstallButton api={fake.api} component={{ id: 'prometheus', name: 'Prometheus', state: 'not-installed' }} />);
    await flush();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Install Prometheus' })));
    act(() =>
      fake.emit('install:progress', {
        component: 'prometheus', source: 'release', phase: 'failed', message: 'checksum mismatch',
        failure: { kind: 'checksum', message: 'checksum mismatch for prometheus-3.14.0.darwin-arm64.tar.gz', fix: 'try again; if it repeats, the mirror serves a modified file' },
      }),
    );
    await flush();
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('checksum mismatch for prometheus-3.14.0.darwin-arm64.tar.gz');
    expect(alert.textContent).toContain('Fix: try again; if it repeats');
    expect(fake.calls.filter((c) => c.channel === 'install:status')).toHaveLength(2);
    expect(screen.getByRole('button', { name: 'Install Prometheus' }).textContent).toBe('Retry install');
  });

  it('shows the last failure main remembers, and nothing once the row is no longer not-installed', async () => {
    const fake = fakeApi({ 'install:status': () => status([row('grafana', { lastFailure: { kind: 'no-brew', message: 'Homebrew is not installed', fix: 'install Homebrew, or use Docker for Grafana' } })]) });
    const view = render(<InstallButton api={fake.api} component={{ id: 'grafana', name: 'Grafana', state: 'not-installed' }} />);
    await flush();
    expect(screen.getByRole('alert').textContent).toContain('Homebrew is not installed');
    view.rerender(<InstallButton api={fake.api} component={{ id: 'grafana', name: 'Grafana', state: 'stopped' }} />);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('OnboardingPanel', () => {
  it('offers Docker containers when the engine answers, and asks install:start for them', async () => {
    const docker = status([row('prometheus'), row('grafana')]);
    docker.installers.docker = { ok: true, detail: 'OrbStack (context orbstack), engine 29.1.2, Compose 2.39.1' };
    const fake = fakeApi({ 'install:status': () => docker, 'install:start': () => ({ started: ['prometheus', 'grafana'], skipped: [] }), 'install:cancel': () => docker });
    render(<OnboardingPanel api={fake.api} />);
    await flush();
    const radio = screen.getByRole('radio', { name: /Docker containers/ }) as HTMLInputElement;
    expect(radio.disabled).toBe(false);
    fireEvent.click(radio);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Install everything' })));
    expect(fake.calls.find((c) => c.channel === 'install:start')?.req).toEqual({ source: 'docker' });
    act(() => fake.emit('install:progress', { component: 'grafana', source: 'docker', phase: 'downloading', bytesDone: 30, bytesTotal: 120, message: 'Pulling grafana/grafana:12.4.3' }));
    expect(within(screen.getByRole('listitem', { name: 'Grafana' })).getByText('25 %')).toBeTruthy();
  });

  it('without an engine the Docker choice is off and says why', async () => {
    render(<OnboardingPanel api={fakeApi({ 'install:status': () => status([row('prometheus')]) }).api} />);
    await flush();
    const radio = screen.getByRole('radio', { name: /Docker containers/ }) as HTMLInputElement;
    expect(radio.disabled).toBe(true);
    expect(radio.closest('label')!.textContent).toContain('the Docker engine is not running');
  });

  it('on a first run explains the choice from install:status and installs everything with per-component progress', async () => {
    let current = status([row('node_exporter'), row('prometheus'), row('jaeger', { enabled: false })], true);
    const fake = fakeApi({
      'install:status': () => current,
      'install:start': () => ({ started: ['node_exporter', 'prometheus'], skipped: [] }),
      'install:cancel': () => current,
    });
    const view = render(<OnboardingPanel api={fake.api} />);
    await flush();
    expect(screen.getByRole('heading', { name: 'Set up the stack' })).toBeTruthy();
    const runtimes = screen.getByRole('list', { name: 'Ways to install found' });
    expect(within(runtimes).getByText(/Homebrew 4.6.3/)).toBeTruthy();
    expect(within(runtimes).getByText(/the Docker engine is not running — start Docker Desktop/)).toBeTruthy();
    expect((screen.getByRole('radio', { name: /Automatic/ }) as HTMLInputElement).checked).toBe(true);
    // Only enabled components are offered.
    expect(screen.queryByRole('listitem', { name: 'Jaeger' })).toBeNull();

    fireEvent.click(screen.getByRole('radio', { name: /Release download/ }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Install everything' })));
    expect(fake.calls.find((c) => c.channel === 'install:start')?.req).toEqual({ source: 'release' });

    act(() => fake.emit('install:progress', { component: 'prometheus', source: 'release', phase: 'verifying', bytesDone: 10, bytesTotal: 10, message: '' }));
    act(() => fake.emit('install:progress', { component: 'node_exporter', source: 'release', phase: 'downloading', bytesDone: 3, bytesTotal: 12, message: '' }));
    expect(within(screen.getByRole('listitem', { name: 'Prometheus' })).getByText('100 %')).toBeTruthy();
    expect(within(screen.getByRole('listitem', { name: 'node_exporter' })).getByText('25 %')).toBeTruthy();

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel all' })));
    expect(fake.calls.find((c) => c.channel === 'install:cancel')?.req).toEqual({});

    // One lands: the panel stays (installs were started here) and shows it installed with its version.
    current = status([row('node_exporter'), row('prometheus', { installed: true, version: '3.14.0', origin: 'release' }), row('jaeger', { enabled: false })], true);
    act(() => fake.emit('install:progress', { component: 'prometheus', source: 'release', phase: 'done', message: 'installed' }));
    await flush();
    expect(within(screen.getByRole('listitem', { name: 'Prometheus' })).getByText('installed 3.14.0')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Set up the stack' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Done' })).toBeNull();

    // The other lands too: the panel survives a remount (the overview re-rendering) and goes once Done is pressed.
    current = status([row('node_exporter', { installed: true, version: '1.12.1' }), row('prometheus', { installed: true, version: '3.14.0', origin: 'release' }), row('jaeger', { enabled: false })], true);
    act(() => fake.emit('install:progress', { component: 'node_exporter', source: 'release', phase: 'done', message: 'installed' }));
    await flush();
    view.unmount();
    render(<OnboardingPanel api={fake.api} />);
    await flush();
    expect(screen.getByRole('heading', { name: 'Set up the stack' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('heading', { name: 'Set up the stack' })).toBeNull();
  });

  it('sends no source unless one is picked, disables Homebrew when it is missing, and shows nothing once something is installed', async () => {
    const fake = fakeApi({ 'install:status': () => status([row('prometheus')]), 'install:start': () => ({ started: [], skipped: [{ component: 'prometheus', reason: 'an install is already under way' }] }) });
    const view = render(<OnboardingPanel api={fake.api} />);
    await flush();
    expect((screen.getByRole('radio', { name: /^Homebrew/ }) as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText(/Homebrew is not installed/, { selector: '.onboarding-sources span' })).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Install everything' })));
    expect(fake.calls.find((c) => c.channel === 'install:start')?.req).toEqual({});
    expect(screen.getByText('Not started: an install is already under way')).toBeTruthy();
    view.unmount();

    resetInstallStore();
    const some = fakeApi({ 'install:status': () => status([row('prometheus', { installed: true, version: '3.14.0' }), row('grafana')]) });
    render(<OnboardingPanel api={some.api} />);
    await flush();
    expect(some.calls.map((c) => c.channel)).toEqual(['install:status']);
    expect(screen.queryByRole('heading', { name: 'Set up the stack' })).toBeNull();
  });
});

it('the store follows install:progress only while connected', async () => {
  const fake = fakeApi({ 'install:status': () => status([row('prometheus')]) });
  const off = useInstallStore.getState().connect(fake.api);
  expect(fake.listenerCount('install:progress')).toBe(1);
  off();
  expect(fake.listenerCount('install:progress')).toBe(0);
});

describe('UpgradeButton', () => {
  it('shows the newer release version, upgrades by release download, and says to restart once it is in place', async () => {
    let current = status([row('prometheus', { installed: true, version: '3.13.2', origin: 'release', upgrade: { component: 'prometheus', source: 'release', installed: '3.13.2', available: '3.14.0', newer: true } })]);
    const fake = fakeApi({ 'install:status': () => current, 'install:start': () => ({ started: ['prometheus'], skipped: [] }) });
    render(<UpgradeButton api={fake.api} component={{ id: 'prometheus', name: 'Prometheus' }} />);
    await flush();
    expect(screen.getByText('3.14.0 available (installed 3.13.2)')).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Upgrade Prometheus to 3.14.0' })));
    expect(fake.calls.find((c) => c.channel === 'install:start')?.req).toEqual({ components: ['prometheus'], source: 'release' });
    act(() => fake.emit('install:progress', { component: 'prometheus', source: 'release', phase: 'unpacking', percent: 80, message: '' }));
    expect(screen.getByText('80 %')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel upgrading Prometheus' })).toBeTruthy();
    current = status([row('prometheus', { installed: true, version: '3.14.0', origin: 'release' })]);
    act(() => fake.emit('install:progress', { component: 'prometheus', source: 'release', phase: 'done', message: '' }));
    await flush();
    expect(screen.getByText('Upgraded; restart Prometheus to run the new version.')).toBeTruthy();
  });

  it('shows nothing without a newer version', async () => {
    const fake = fakeApi({ 'install:status': () => status([row('prometheus', { installed: true, version: '3.14.0', origin: 'release' })]) });
    const { container } = render(<UpgradeButton api={fake.api} component={{ id: 'prometheus', name: 'Prometheus' }} />);
    await flush();
    expect(container.textContent).toBe('');
  });
});
