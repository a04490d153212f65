import { useEffect } from 'react';
import type { Api } from '../common/ipc';
import type { UiSection } from '../common/model';
import type { ApiResolution } from './api';
import { AlertsView } from './features/alerts/AlertsView';
import { LinksView } from './features/links/LinksView';
import { MachineView } from './features/machine/MachineView';
import { SettingsView } from './features/settings/SettingsView';
import { StackView } from './features/stack/StackView';

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
  return (
    <main className="app">
      <StackView api={api} />
      <AlertsView api={api} />
      <MachineView api={api} />
      <LinksView api={api} />
      <SettingsView api={api} />
    </main>
  );
}
