import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RemoteWriteStatusReport } from '../../../common/backup';
import { fakeApi } from '../../../test/fakes/fake-api';
import { CopyStackLogin } from './CopyStackLogin';
import { LockdownBadge } from './LockdownBadge';
import { RemoteWriteStatus, targetState } from './RemoteWriteStatus';
import { resetSecurityStore } from './useSecurityStore';

const PASSWORD = 'Zx9-stack-pw-0123456789abcdefABCDEF';
const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

beforeEach(resetSecurityStore);
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('LockdownBadge', () => {
  it('says "Endpoints locked" when lock-down is on and every check passes', async () => {
    const fake = fakeApi({
      'lockdown:status': () => ({
        enabled: true,
        checks: [
          { name: 'lock-down: Prometheus', ok: true, detail: '401 without credentials (also to a foreign Host), 200 with the stack credential' },
          { name: 'lock-down: node_exporter', ok: true, detail: 'not answering (ECONNREFUSED); checked when it runs' },
        ],
      }),
    });
    render(<LockdownBadge api={fake.api} />);
    await flush();
    expect(fake.calls.map((c) => c.channel)).toEqual(['lockdown:status']);
    expect(screen.getByTestId('lockdown-badge').textContent).toBe('Endpoints locked');
    expect(screen.getByTestId('lockdown-badge').className).toContain('badge-ok');
  });

  it('says open, and lists the failing check with its fix in the title and details, when a component answers without credentials', async () => {
    const fake = fakeApi({
      'lockdown:status': () => ({
        enabled: true,
        checks: [
          { name: 'lock-down: Prometheus', ok: true, detail: '401 without credentials' },
          { name: 'lock-down: Alertmanager', ok: false, detail: 'without credentials it answers 200 instead of 401', fix: 'restart it from Lookout' },
        ],
      }),
    });
    render(<LockdownBadge api={fake.api} />);
    await flush();
    expect(screen.getByTestId('lockdown-badge').textContent).toBe('Endpoints open on 127.0.0.1');
    const summary = screen.getByTestId('lockdown-badge').closest('summary')!;
    expect(summary.getAttribute('title')).toBe('lock-down: Alertmanager: without credentials it answers 200 instead of 401 (fix: restart it from Lookout)');
    const checks = screen.getByRole('list', { name: 'Lock-down checks' });
    expect(within(checks).getByText(/✗ lock-down: Alertmanager/).textContent).toContain('Fix: restart it from Lookout');

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Check again' })));
    expect(fake.calls.filter((c) => c.channel === 'lockdown:status')).toHaveLength(2);
  });

  it('says open when lock-down is off, with the reason as the title', async () => {
    const fake = fakeApi({ 'lockdown:status': () => ({ enabled: false, checks: [{ name: 'lock-down', ok: true, detail: 'off (stack.lockdown.enabled): Prometheus answer any local process' }] }) });
    render(<LockdownBadge api={fake.api} />);
    await flush();
    expect(screen.getByTestId('lockdown-badge').textContent).toBe('Endpoints open on 127.0.0.1');
    expect(screen.getByTestId('lockdown-badge').closest('summary')!.getAttribute('title')).toContain('off (stack.lockdown.enabled)');
  });
});

describe('CopyStackLogin', () => {
  it('fetches stack:credentials only on click, copies the password and never puts it in the page', async () => {
    const written: string[] = [];
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: async (t: string) => void written.push(t) } });
    const fake = fakeApi({ 'stack:credentials': () => ({ user: 'lookout', password: PASSWORD }) });
    render(<CopyStackLogin api={fake.api} />);
    expect(fake.calls).toEqual([]);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy stack password (Prometheus and Alertmanager)' })));
    expect(fake.calls.map((c) => c.channel)).toEqual(['stack:credentials']);
    expect(written).toEqual([PASSWORD]);
    expect(screen.getByRole('button').textContent).toBe('Copied');
    expect(screen.getByText('user lookout')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain(PASSWORD);
  });

  it('says why when there is no login (lock-down off)', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: async () => undefined } });
    const fake = fakeApi({
      'stack:credentials': () => {
        throw new Error('lock-down is off (stack.lockdown.enabled): the stack asks for no login');
      },
    });
    render(<CopyStackLogin api={fake.api} />);
    await act(async () => fireEvent.click(screen.getByRole('button')));
    expect(screen.getByRole('alert').textContent).toContain('the stack asks for no login');
  });
});

describe('RemoteWriteStatus', () => {
  const report: RemoteWriteStatusReport = {
    targets: [
      { name: 'mimir', url: 'https://mimir.example.com:9009/api/v1/push', samplesSent: 1234567, samplesPending: 12, samplesFailed: 3, samplesRetried: 40, lagSeconds: 2.5, shards: 1 },
      { name: 'vm', url: 'http://10.0.0.5:8428/api/v1/write', samplesSent: 10, samplesPending: 50000, samplesFailed: 0, lagSeconds: 600 },
      { name: 'thanos', url: 'http://thanos:19291/api/v1/receive', error: 'Prometheus reports no queue for this target (not in its running config yet?)' },
    ],
  };

  it('shows one row per target with its host, state, sent, pending, lag and failures', async () => {
    const fake = fakeApi({ 'remoteWrite:status': () => report });
    render(<RemoteWriteStatus api={fake.api} refreshMs={0} />);
    await flush();
    expect(fake.calls.map((c) => c.channel)).toEqual(['remoteWrite:status']);
    const mimir = screen.getByRole('listitem', { name: 'mimir' });
    expect(within(mimir).getByText('mimir.example.com:9009')).toBeTruthy();
    expect(within(mimir).getByTestId('remote-write-state-mimir').textContent).toBe('sending');
    expect(within(mimir).getByText('1,234,567')).toBeTruthy();
    expect(within(mimir).getByText('2.5 s')).toBeTruthy();
    expect(within(mimir).getByText('3').className).toBe('component-error');
    const vm = screen.getByRole('listitem', { name: 'vm' });
    expect(within(vm).getByTestId('remote-write-state-vm').textContent).toBe('behind');
    expect(within(vm).getByText('10 min 0 s')).toBeTruthy();
    const thanos = screen.getByRole('listitem', { name: 'thanos' });
    expect(within(thanos).getByTestId('remote-write-state-thanos').textContent).toBe('unknown');
    // Figures Prometheus did not report are a dash, never 0.
    expect(within(thanos).getAllByText('—')).toHaveLength(5);
    expect(within(thanos).getByText(/no queue for this target/)).toBeTruthy();
  });

  it('says when there are no targets, and when Prometheus cannot be read', async () => {
    const none = fakeApi({ 'remoteWrite:status': () => ({ targets: [] }) });
    const view = render(<RemoteWriteStatus api={none.api} refreshMs={0} />);
    await flush();
    expect(screen.getByText(/No remote-write targets/)).toBeTruthy();
    view.unmount();

    const down = fakeApi({ 'remoteWrite:status': () => ({ targets: [{ name: 'vm', url: 'http://vm:8428/api/v1/write', error: 'cannot read Prometheus\' metrics' }], error: 'cannot read Prometheus\' metrics' }) });
    render(<RemoteWriteStatus api={down.api} refreshMs={0} />);
    await flush();
    expect(screen.getByRole('alert').textContent).toBe('cannot read Prometheus\' metrics');
    expect(screen.getByTestId('remote-write-state-vm').textContent).toBe('unknown');
  });

  it('polls while mounted', async () => {
    vi.useFakeTimers();
    try {
      const fake = fakeApi({ 'remoteWrite:status': () => report });
      const view = render(<RemoteWriteStatus api={fake.api} refreshMs={1000} />);
      await act(async () => vi.advanceTimersByTimeAsync(2500));
      expect(fake.calls.filter((c) => c.channel === 'remoteWrite:status')).toHaveLength(3);
      view.unmount();
      await act(async () => vi.advanceTimersByTimeAsync(5000));
      expect(fake.calls.filter((c) => c.channel === 'remoteWrite:status')).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('targetState: waiting when nothing was sent yet', () => {
    expect(targetState({ name: 'x', url: 'http://x', samplesSent: 0, samplesPending: 5 })).toBe('waiting');
  });
});
