import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fakes/fake-api';
import { Shell, VIEWS, type ViewSpec } from './App';

const views: ViewSpec[] = [
  { id: '', title: 'Overview', shortcut: '1', render: () => <h1>Overview body</h1> },
  { id: 'alerts', title: 'Alerts', shortcut: '2', render: () => <h1>Alerts body</h1> },
  { id: 'traces', title: 'Traces', shortcut: '3', render: (_api, param) => <h1>Trace {param ?? 'list'}</h1> },
];

const hashChange = async (hash: string) => {
  await act(async () => {
    location.hash = hash;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
};

beforeEach(() => history.replaceState(null, '', '/'));
afterEach(cleanup);

describe('Shell', () => {
  it('has one tab per registered view; a view that is not registered has no tab and its route shows the overview', async () => {
    expect(VIEWS.map((v) => v.id)).toEqual(['', 'alerts', 'machine', 'logs', 'traces', 'settings']);
    const fake = fakeApi({});
    render(<Shell api={fake.api} views={views} />);
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['Overview', 'Alerts', 'Traces']);
    expect(screen.getByRole('tab', { name: 'Overview' }).getAttribute('aria-selected')).toBe('true');
    await hashChange('#/logs');
    expect(screen.getByRole('heading').textContent).toBe('Overview body');
    await hashChange('#/traces/abc123');
    expect(screen.getByRole('heading').textContent).toBe('Trace abc123');
    expect(screen.getByRole('tab', { name: 'Traces' }).getAttribute('aria-selected')).toBe('true');
  });

  it('switches views with Ctrl/⌘+digit and with the tray\'s app:focus', async () => {
    const fake = fakeApi({});
    render(<Shell api={fake.api} views={[...views, { id: 'settings', title: 'Settings', shortcut: '4', render: () => <h1>Settings body</h1> }]} />);
    await act(async () => {
      fireEvent.keyDown(window, { key: '2', ctrlKey: true });
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(location.hash).toBe('#/alerts');
    await act(async () => {
      fireEvent.keyDown(window, { key: '1', metaKey: true });
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(location.hash).toBe('#/');
    await act(async () => {
      fake.emit('app:focus', 'settings');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(screen.getByRole('heading').textContent).toBe('Settings body');
  });
});
