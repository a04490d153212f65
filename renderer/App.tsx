import { useEffect, type KeyboardEvent, type ReactNode } from 'react';
import type { Api } from '../common/ipc';
import type { ApiResolution } from './api';
import { AlertsView } from './features/alerts/AlertsView';
import { LogsView } from './features/logs/LogsView';
import { MachineView } from './features/machine/MachineView';
import { SettingsView } from './features/settings/SettingsView';
import { Overview } from './features/stack/Overview';
import { parseTracesRoute } from './features/traces/route';
import { TracesView } from './features/traces/TracesView';
import { navigate, sectionView, useRoute } from './lib/route';

/**
 * The views, in tab order. `id` is the route (`#/<id>`, '' for the overview), `shortcut` the digit of
 * ⌘/Ctrl+digit, `render` gets the api and what follows the id in the route (`#/traces/<traceId>`).
 * A view that is not listed here does not exist in the UI: no tab, no route (an unknown route shows
 * the overview). Adding one is one import and one entry.
 */
export interface ViewSpec {
  id: string;
  title: string;
  shortcut: string;
  render: (api: Api, param: string | null) => ReactNode;
}

export const VIEWS: ViewSpec[] = [
  { id: '', title: 'Overview', shortcut: '1', render: (api) => <Overview api={api} /> },
  { id: 'alerts', title: 'Alerts', shortcut: '2', render: (api) => <AlertsView api={api} /> },
  { id: 'machine', title: 'Machine', shortcut: '3', render: (api) => <MachineView api={api} /> },
  { id: 'logs', title: 'Logs', shortcut: '4', render: (api) => <LogsView api={api} /> },
  // The whole hash, not just the param: an alert's link also names a service, errors only and its window.
  { id: 'traces', title: 'Traces', shortcut: '5', render: (api) => <TracesView api={api} {...parseTracesRoute(location.hash)} /> },
  { id: 'settings', title: 'Settings', shortcut: '6', render: (api) => <SettingsView api={api} /> },
];

/** The popover / browser tab. Browser mode without a token cannot call anything, so it says how to get one. */
export function App({ resolution }: { resolution: ApiResolution }) {
  if (resolution.kind === 'no-token') {
    return (
      <main className="app">
        <div role="alert" className="banner banner-warning">
          <strong>Not connected.</strong> This page needs its access token: open the URL printed by <code>lookout serve</code>{' '}
          (it ends in <code>#token=…</code>).
        </div>
      </main>
    );
  }
  return <Shell api={resolution.api} views={VIEWS} />;
}

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

export function Shell({ api, views }: { api: Api; views: ViewSpec[] }) {
  const route = useRoute();
  const current = views.find((v) => v.id === route.view) ?? views[0]!;

  // The tray's Preferences… (and other sections) navigate to the matching view.
  useEffect(() => api.on('app:focus', (section) => navigate(sectionView(section))), [api]);

  // Where the tab bar has to scroll (a very narrow window), the selected tab is kept in view. In a block:
  // newer Chromiums return a promise from scrollIntoView, which React would take for the effect's cleanup.
  useEffect(() => {
    void document.getElementById(tabId(current.id))?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [current.id]);

  // ⌘1…⌘N on a Mac, Ctrl+1…N elsewhere (both accepted), wherever the focus is.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!(e.metaKey || e.ctrlKey) || e.altKey || e.shiftKey) return;
      const view = views.find((v) => v.shortcut === e.key);
      if (!view) return;
      e.preventDefault();
      navigate(view.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [views]);

  // Arrow keys move between tabs (the tab pattern); Tab still reaches every tab.
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = views[(index + step + views.length) % views.length]!;
    navigate(next.id);
    document.getElementById(tabId(next.id))?.focus();
  };

  const mod = isMac ? '⌘' : 'Ctrl+';
  return (
    <div className="shell">
      <nav className="tabbar" aria-label="Views">
        <div role="tablist" aria-label="Views">
          {views.map((v, i) => (
            <button
              key={v.id}
              id={tabId(v.id)}
              type="button"
              role="tab"
              className="tab"
              aria-selected={v === current}
              aria-controls="view-panel"
              title={`${v.title} (${mod}${v.shortcut})`}
              onClick={() => navigate(v.id)}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              {v.title}
            </button>
          ))}
        </div>
      </nav>
      <main className="app">
        <div id="view-panel" role="tabpanel" aria-labelledby={tabId(current.id)} data-view={current.id || 'overview'}>
          {current.render(api, route.param)}
        </div>
      </main>
    </div>
  );
}

const tabId = (id: string) => `tab-${id || 'overview'}`;
