import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsChange, SettingsUpdateResult } from '../../../common/model';
import { fakeApi } from '../../../test/fakes/fake-api';
import { SettingsView } from './SettingsView';
import { useSettingsStore } from './useSettingsStore';

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
    const fake = fakeApi({ 'settings:get': () => ({ settings, error: null, file: '/home/me/settings.json' }), 'settings:update': update });
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

  it('sends port fields as numbers and lists services with a remove action', async () => {
    const fake = fakeApi({ 'settings:get': () => ({ settings, error: null, file: '/s.json' }), 'settings:update': () => ({ ok: true, settings }) });
    render(<SettingsView api={fake.api} />);
    const port = (await screen.findByLabelText('Prometheus')) as HTMLInputElement;
    fireEvent.change(port, { target: { value: '9091' } });
    fireEvent.blur(port);
    await screen.findByText('saved');
    expect(fake.calls.at(-1)?.req).toEqual({ changes: [{ path: ['stack', 'components', 'prometheus', 'port'], value: 9091 }] });
    const row = screen.getByRole('listitem', { name: 'llm' });
    fireEvent.click(within(row).getByRole('button', { name: 'Remove llm' }));
    expect(fake.calls.at(-1)?.req).toEqual({ changes: [{ path: ['services', 0] }] });
  });
});
