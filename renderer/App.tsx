import type { ApiResolution } from './api';
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
  return (
    <main className="app">
      <StackView api={resolution.api} />
      <MachineView api={resolution.api} />
      <SettingsView api={resolution.api} />
    </main>
  );
}
