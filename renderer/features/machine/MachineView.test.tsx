import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricsHistory, MetricsSnapshot } from '../../../common/model';
import { fakeApi } from '../../../test/fakes/fake-api';
import { MachineView } from './MachineView';
import { LIVE_CAPACITY, useMachineStore } from './useMachineStore';

const snapshot: MetricsSnapshot = {
  samples: [
    { at: 1000, values: { 'cpu.usage_ratio': 0.2, 'memory.used_bytes': 8 * 2 ** 30, 'memory.total_bytes': 32 * 2 ** 30 } },
    { at: 2000, values: { 'cpu.usage_ratio': 0.42, 'memory.used_bytes': 9 * 2 ** 30, 'memory.total_bytes': 32 * 2 ** 30, 'ipc.memory.latency_seconds': 0.0021 } },
  ],
  collectors: [
    { id: 'cpu', up: true, reason: null, lastDurationMs: 0.4, lastSuccessAt: 2000 },
    { id: 'gpu', up: false, reason: 'no GPU readable: ioreg found no IOAccelerator', lastDurationMs: 12, lastSuccessAt: null },
  ],
};

beforeEach(() => useMachineStore.setState({ samples: [], collectors: [], range: '15m', history: {}, loadingHistory: false, error: null, api: null }));
afterEach(cleanup);

describe('MachineView', () => {
  it('shows the latest figures, says why an unread metric is absent, and adds a tile per IPC target', async () => {
    const fake = fakeApi({ 'metrics:get': () => snapshot });
    render(<MachineView api={fake.api} />);
    expect(await screen.findByText('42.0 %')).toBeTruthy();
    expect(screen.getByTestId('value-memory').textContent).toBe('9.0 GB');
    expect(within(screen.getByTestId('tile-memory')).getByText('of 32.0 GB')).toBeTruthy();
    // GPU was not read: an em dash and "No GPU found" with the probe's reason on hover, never "0 %" or the raw error (16.11).
    expect(screen.getByTestId('value-gpu').textContent).toBe('—');
    const gpu = within(screen.getByTestId('tile-gpu')).getByText('No GPU found');
    expect(gpu.getAttribute('title')).toMatch(/no GPU readable/);
    expect(screen.getByTestId('value-ipc.memory.latency_seconds').textContent).toBe('2.10 ms');
  });

  it('follows pushed samples', async () => {
    const fake = fakeApi({ 'metrics:get': () => snapshot });
    render(<MachineView api={fake.api} />);
    await screen.findByText('42.0 %');
    act(() => fake.emit('metrics:sample', { at: 3000, values: { 'cpu.usage_ratio': 0.91 } }));
    expect(screen.getByTestId('value-cpu').textContent).toBe('91.0 %');
  });

  it('loads a longer range from history and shows why there is none', async () => {
    const history: MetricsHistory = { range: '1h', samples: [], error: 'Prometheus is not answering at http://127.0.0.1:9090 (ECONNREFUSED)' };
    const fake = fakeApi({ 'metrics:get': () => snapshot, 'metrics:history': () => history });
    render(<MachineView api={fake.api} />);
    await screen.findByText('42.0 %');
    fireEvent.click(screen.getByRole('radio', { name: '1h' }));
    expect(await screen.findByText(/No 1h history: Prometheus is not answering/)).toBeTruthy();
    expect(fake.calls.find((c) => c.channel === 'metrics:history')?.req).toEqual({ range: '1h' });
    expect(screen.getByRole('radio', { name: '1h' }).getAttribute('aria-checked')).toBe('true');
  });
});

describe('useMachineStore', () => {
  it('keeps at most 15 minutes of live samples and stops listening on cleanup', async () => {
    const fake = fakeApi({ 'metrics:get': () => ({ samples: [], collectors: [] }) });
    const off = useMachineStore.getState().connect(fake.api);
    for (let i = 0; i < LIVE_CAPACITY + 50; i++) fake.emit('metrics:sample', { at: i, values: { 'cpu.usage_ratio': i } });
    const { samples } = useMachineStore.getState();
    expect(samples).toHaveLength(LIVE_CAPACITY);
    expect(samples[0]!.at).toBe(50);
    off();
    expect(fake.listenerCount('metrics:sample')).toBe(0);
  });
});
