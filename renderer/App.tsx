import { useEffect } from 'react';
import type { Api } from '../common/ipc';
import type { UiSection } from '../common/model';
import type { ApiResolution } from './api';
import { AlertsView } from './features/alerts/AlertsView';
import { LinksView } from './features/links/LinksView';
import { MachineView } from './features/machine/MachineView';
import { SettingsView } from './features/settings/SettingsView';
import { StackView } from './features/stack/StackView';
import { useStackStore } from './features/stack/useStackStore';
import { AfterFirstPaint } from './ui/AfterFirstPaint';

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
  return <Popover api={resolution.api} />;
}

/** Heading that receives focus when the shell asks for a section (tray menu → Preferences…). */
const SECTION_HEADINGS: Record<UiSection, string> = { stack: 'stack-title', machine: 'machine-title', alerts: 'alerts-title', settings: 'settings-title' };

function Popover({ api }: { api: Api }) {
  useEffect(
    () =>
      api.on('app:focus', (section) => {
        const heading = document.getElementById(SECTION_HEADINGS[section]);
        heading?.scrollIntoView({ block: 'start' });
        heading?.focus();
      }),
    [api],
  );
  // The first screen is the stack and the alerts; the rest follows once that has painted (or failed to load).
  const firstScreenShown = useStackStore((s) => s.snapshot !== null || s.error !== null);
  return (
    <main className="app">
      <StackView api={api} />
      <AlertsView api={api} />
      <AfterFirstPaint ready={firstScreenShown}>
        <MachineView api={api} />
        <LinksView api={api} />
        <SettingsView api={api} />
      </AfterFirstPaint>
    </main>
  );
}
