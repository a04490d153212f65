import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StackSnapshot } from '../../../common/model';
import { fakeApi } from '../../../test/fakes/fake-api';
import { fakeComponent } from '../../../test/fakes/fake-core';
import { CopyGrafanaPassword } from './CopyGrafanaPassword';
import { StackView } from './StackView';
import { useStackStore } from './useStackStore';

const PASSWORD = 'q7Wl1Hk0pX0m2cLx3Kc5V9o8rT1aB2cD3eF4gH5iJ6k';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function stubClipboard(writeText: (text: string) => Promise<void>) {
  vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
}

describe('CopyGrafanaPassword', () => {
  it('fetches the admin password on click and puts it on the clipboard, never in the page', async () => {
    const written: string[] = [];
    stubClipboard(async (t) => void written.push(t));
    const fake = fakeApi({ 'grafana:credentials': () => ({ user: 'admin', password: PASSWORD, url: 'http://127.0.0.1:3000/login' }) });
    render(<CopyGrafanaPassword api={fake.api} />);
    expect(fake.calls).toEqual([]);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy password of Grafana admin' })));
    expect(written).toEqual([PASSWORD]);
    expect(fake.calls.map((c) => c.channel)).toEqual(['grafana:credentials']);
    expect(screen.getByRole('button').textContent).toBe('Copied');
    expect(document.body.textContent).not.toContain(PASSWORD);
  });

  it('says why when the password cannot be fetched or copied', async () => {
    stubClipboard(async () => {
      throw new Error('clipboard blocked');
    });
    const fake = fakeApi({ 'grafana:credentials': () => ({ user: 'admin', password: PASSWORD, url: '' }) });
    render(<CopyGrafanaPassword api={fake.api} />);
    await act(async () => fireEvent.click(screen.getByRole('button')));
    expect(screen.getByRole('alert').textContent).toContain('clipboard blocked');
  });
});

describe('the Grafana row', () => {
  it('offers the password copy while Grafana runs, and no other row does', async () => {
    useStackStore.setState({ snapshot: null, pending: null, error: null, api: null });
    const snapshot: StackSnapshot = {
      overall: 'ok',
      settingsError: null,
      configError: null,
      components: [fakeComponent('prometheus', { state: 'running', pid: 1 }), fakeComponent('grafana', { state: 'running', pid: 2 })],
    };
    const fake = fakeApi({ 'stack:get': () => snapshot });
    render(<StackView api={fake.api} />);
    const grafana = await screen.findByRole('listitem', { name: 'Grafana' });
    expect(within(grafana).getByRole('button', { name: 'Copy password of Grafana admin' })).toBeTruthy();
    expect(within(screen.getByRole('listitem', { name: 'Prometheus' })).queryByRole('button', { name: /password/ })).toBeNull();
  });
});
