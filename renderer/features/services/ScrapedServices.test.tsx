import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceView } from '../../../common/model';
import { fakeApi } from '../../../test/fakes/fake-api';
import { ScrapedServices } from './ScrapedServices';

const svc = (name: string, patch: Partial<ServiceView> = {}): ServiceView => ({
  name, url: `http://127.0.0.1:${8000 + name.length}`, metricsPath: '/metrics', source: 'demo', up: true, upError: null, logFiles: [], ...patch,
});

afterEach(cleanup);

describe('ScrapedServices (issue 16.4)', () => {
  it("lists the demo's services with Prometheus' up state and where each came from", async () => {
    const services = [svc('llm'), svc('memory', { up: false }), svc('gui', { up: null, upError: 'Prometheus is not running' }), svc('shop', { source: 'settings' })];
    const fake = fakeApi({ 'services:list': () => ({ services }) });
    render(<ScrapedServices api={fake.api} />);
    const list = await screen.findByRole('list', { name: 'Scraped services' });
    const row = (name: string) => within(list).getByRole('listitem', { name });
    expect(row('llm').textContent).toMatch(/^up llm .*from lookout demo$/);
    expect(row('memory').textContent).toContain('down');
    expect(row('gui').textContent).toContain('unknown');
    expect(row('gui').textContent).toContain('Prometheus is not running');
    expect(row('shop').textContent).toContain('from settings.json');
  });

  it('reads the list again when the stack or the settings change, and says when nothing is scraped', async () => {
    let services: ServiceView[] = [];
    const fake = fakeApi({ 'services:list': () => ({ services }) });
    render(<ScrapedServices api={fake.api} />);
    expect(await screen.findByText(/No services are scraped yet/)).toBeTruthy();
    services = [svc('llm')];
    await act(async () => fake.emit('stack:changed', { components: [], overall: 'stopped', settingsError: null, configError: null }));
    expect(await screen.findByRole('listitem', { name: 'llm' })).toBeTruthy();
    expect(fake.calls.filter((c) => c.channel === 'services:list')).toHaveLength(2);
  });

  it('shows a failed read inline', async () => {
    const fake = fakeApi({ 'services:list': () => Promise.reject(new Error('Prometheus query failed: timeout')) });
    render(<ScrapedServices api={fake.api} />);
    expect((await screen.findByRole('alert')).textContent).toBe('Prometheus query failed: timeout');
  });
});
