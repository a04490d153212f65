/**
 * The menubar app's entry (package.json "main" → dist/main/electron.js). A thin shell: the core and the
 * local HTTP listener are the same as `lookout serve` (Prometheus scrapes /metrics, the CLI talks to
 * the API); this file adds the tray icon, the popover and the IPC gate.
 */
import { app, type Rectangle } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OverallState, StackSnapshot } from '../../common/model';
import { isAllowedExternalUrl } from '../core/links/allowlist';
import { componentUrl } from '../core/stack/component-spec';
import { startLookout, type RunningLookout } from '../index';
import { createExternalOpener } from './external';
import { createElectronNotifier } from './notifier';
import { createSafeStorageSecrets } from './secrets';
import { paths as layout, resolveHome } from '../core/paths';
import { registerIpc } from './ipc';
import { createTray, type LookoutTray } from './tray';
import { createPopover, createSettingsWindow, type Popover } from './window';

// dist/main/electron.js → dist/{preload,renderer,assets}
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PRELOAD = path.join(dist, 'preload', 'index.cjs');
const INDEX_HTML = path.join(dist, 'renderer', 'index.html');
const TRAY_ICONS = path.join(dist, 'assets', 'tray');

interface Running {
  lookout: RunningLookout;
  tray: LookoutTray;
  popover: Popover;
  cleanup: (() => void)[];
}

let running: Running | null = null;
let quitting = false;

// One instance per user: a second launch just opens the first one's popover.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => running?.popover.show());
  // A menubar app lives in the tray: closing the popover must not quit it.
  app.on('window-all-closed', () => {});
  // Defence in depth for any web contents that might appear: no webviews, no navigation away.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('before-quit', (event) => {
    if (!running || quitting) return;
    // Dispose asynchronously (stop timers, close the listener, maybe stop the stack), then quit for real.
    event.preventDefault();
    quitting = true;
    void shutdown(running).finally(() => app.exit(0));
  });
  app.whenReady().then(launch).catch((err: unknown) => {
    console.error('Lookout failed to start:', err);
    app.exit(1);
  });
}

async function launch(): Promise<void> {
  // No Dock icon (LSUIElement is also set in the packaged Info.plist; this covers `npm start`).
  app.dock?.hide();

  // Receiver secrets encrypted with safeStorage; Alertmanager's 0600 copies re-created before it reads them.
  const secrets = createSafeStorageSecrets(layout(resolveHome()).secretsDir);
  await secrets.restore();
  // A notification can be clicked before the popover exists; the click is routed once it does.
  let openFromNotification: (url: string | null) => void = () => undefined;
  const notifier = createElectronNotifier({ open: (url) => openFromNotification(url) });
  const lookout = await startLookout({ mode: 'electron', staticDir: null, notifier, secrets });
  const { core, logger } = lookout;

  const openExternal = createExternalOpener((url) => isAllowedExternalUrl(url, core.settings()), logger);
  const popover = createPopover({ preloadPath: PRELOAD, indexFile: INDEX_HTML, openExternal });
  // Settings in a window of its own (the same page at #/settings); browser mode has it as a route.
  const settingsWindow = createSettingsWindow({ preloadPath: PRELOAD, indexFile: INDEX_HTML, openExternal });
  openFromNotification = (url) => {
    if (url) void openExternal(url);
    else popover.show();
  };
  const stack = (all: boolean) => () => {
    const call = all ? core.handlers['stack:stop']({}) : core.handlers['stack:start']({});
    call.catch((err: unknown) => logger.error({ err }, 'tray stack action failed'));
  };
  let stackRunning = false;
  const tray = createTray({
    iconDir: TRAY_ICONS,
    onClick: (bounds: Rectangle) => popover.toggle(bounds),
    onStartStack: stack(false),
    onStopStack: stack(true),
    onOpenGrafana: () => void openExternal(componentUrl(core.settings(), 'grafana')),
    onPreferences: () => settingsWindow.show(),
    onQuit: () => app.quit(),
  });

  // The icon shows core's tray state (stack plus firing alerts, main/core/alerts/tray-state.ts); the
  // menu's Start/Stop follows the stack snapshot.
  let overall: OverallState = 'stopped';
  const showSnapshot = (snapshot: StackSnapshot) => {
    stackRunning = snapshot.components.length > 0 && snapshot.components.every((c) => c.state === 'running');
    tray.setState(overall, stackRunning);
  };
  const showOverall = (state: OverallState) => {
    overall = state;
    tray.setState(overall, stackRunning);
  };
  // Launch at login follows the setting, whether it was changed in the popover or in the file.
  const applyLoginItem = () => app.setLoginItemSettings({ openAtLogin: core.settings().lookout.launchAtLogin });
  applyLoginItem();
  const cleanup = [registerIpc(core, { indexUrl: popover.indexUrl, windows: () => [popover.window, settingsWindow.current()].filter((w) => w !== null) }), core.on('stack:changed', showSnapshot), core.on('app:overall', showOverall), core.on('settings:changed', applyLoginItem)];
  const first = await core.handlers['stack:get']({});
  overall = first.overall;
  showSnapshot(first);

  running = { lookout, tray, popover, cleanup };
}

async function shutdown(r: Running): Promise<void> {
  for (const off of r.cleanup) off();
  r.tray.destroy();
  await r.lookout.stop();
}
