// First import: boot's calls go out before react-dom (most of the bundle) is evaluated.
import { firstStack, resolution } from './boot';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startIpcRoundTrip } from './lib/ipc-roundtrip';
import './styles.css';

// Every module has run (react-dom included): the benchmark splits the first render here.
performance.mark('lookout:app-evaluated');
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
void firstStack.then(() =>
  createRoot(root).render(
    <StrictMode>
      <App resolution={resolution} />
    </StrictMode>,
  ),
);
// The UI's own round trip to main, for lookout_app_ipc_roundtrip_seconds (runs for the page's lifetime).
if (resolution.kind === 'ready') startIpcRoundTrip(resolution.api);
