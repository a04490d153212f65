/**
 * The menubar app's entry (package.json "main" → dist/main/electron.js). A thin shell: the core and its
 * local HTTP listener run in a utilityProcess of their own (main/core-host, the same startLookout as
 * `lookout serve`), so a busy collector never stalls the tray and a crashed core is restarted. This
 * process keeps the tray, the windows and the IPC gate, and is a client of the core's HTTP API and
 * event stream (common/http-client.ts) like the browser and the CLI. It does for the core what only
 * Electron's main process can: native notifications and safeStorage.
 */
import { app, ipcMain, type Rectangle } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OverallState, StackSnapshot } from '../../common/model';
import { systemClock } from '../core/adapters/clock';
import { isAllowedExternalUrl } from '../core/links/allowlist';
import { paths as layout, resolveHome } from '../core/paths';
import { settingsSchema, type Settings } from '../core/settings/schema';
import { componentUrl } from '../core/stack/component-spec';
import { closeLogger, createLogger } from '../core/telemetry/logger';
import { createCoreConnection, type CoreConnection } from './core-connection';
import { superviseCore, type CoreSupervisor } from './core-supervisor';
import { createExternalOpener } from './external';
import { registerIpc } from './ipc';
import { createElectronNotifier } from './notifier';
import { safeStorageCipher } from './secrets';
import { createTray, type LookoutTray } from './tray';
import { trayView } from './tray-view';
import { utilityProcessLauncher } from './utility-core';
import { createPopover, createSettingsWindow, type Popover } from './window';

// dist/main/electron.js → dist/{preload,renderer,assets} and its sibling dist/main/core-host.js
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '..');
const CORE_HOST = path.join(here, 'core-host.js');
const PRELOAD = path.join(dist, 'preload', 'index.cjs');
const INDEX_HTML = path.join(dist, 'renderer', 'index.html');
const TRAY_ICONS = path.join(dist, 'assets', 'tray');

interface Running {
  supervisor: CoreSupervisor;
  connection: CoreConnection;
  tray: LookoutTray;
  popover: Popover;
  cleanup: (() => void)[];
  logger: ReturnType<typeof createLogger>;
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
    // Stop the core host in order (timers, the listener, maybe the stack), then quit for real.
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
  // The shell's own log file: the core host writes lookout.log.
  const logger = createLogger(layout(resolveHome()), undefined, { file: 'lookout-shell.log', service: 'lookout-shell' });

  // The settings in force, as the core last pushed them (its event stream opens with them): the URL
  // allowlist, Open Grafana and launch at login read them. Null until the core is up: nothing opens.
  let settings: Settings | null = null;
  const openExternal = createExternalOpener((url) => settings !== null && isAllowedExternalUrl(url, settings), logger);
  // A notification can be clicked before the popover exists; the click is routed once it does.
  let openFromNotification: (url: string | null) => void = () => undefined;
  const notifier = createElectronNotifier({ open: (url) => openFromNotification(url) });

  const connection = createCoreConnection();
  const supervisor = superviseCore({ launch: utilityProcessLauncher(CORE_HOST), services: { notifier, cipher: safeStorageCipher() }, clock: systemClock, logger });

  const popover = createPopover({ preloadPath: PRELOAD, indexFile: INDEX_HTML, openExternal });
  // Settings in a window of its own (the same page at #/settings); browser mode has it as a route.
  const settingsWindow = createSettingsWindow({ preloadPath: PRELOAD, indexFile: INDEX_HTML, openExternal });
  openFromNotification = (url) => {
    if (url) void openExternal(url);
    else popover.show();
  };
  const stack = (stop: boolean) => () => {
    connection.invoke(stop ? 'stack:stop' : 'stack:start', {}).catch((err: unknown) => logger.error({ err }, 'tray stack action failed'));
  };

  // The icon shows core's tray state (stack plus firing alerts, main/core/alerts/tray-state.ts) and the
  // core host's own (restarting, restarted, given up); the menu's Start/Stop follows the stack snapshot.
  let overall: OverallState = 'stopped';
  let stackRunning = false;
  const tray = createTray({
    iconDir: TRAY_ICONS,
    onClick: (bounds: Rectangle) => popover.toggle(bounds),
    onStartStack: stack(false),
    onStopStack: stack(true),
    onOpenGrafana: () => settings && void openExternal(componentUrl(settings, 'grafana')),
    onPreferences: () => settingsWindow.show(),
    onRestartCore: () => supervisor.restart(),
    onQuit: () => app.quit(),
  });
  const render = () => tray.show(trayView(overall, stackRunning, supervisor.state()));

  const cleanup = [
    registerIpc({ ipcMain, backend: connection, indexUrl: popover.indexUrl, windows: () => [popover.window, settingsWindow.current()].filter((w) => w !== null) }),
    connection.on('stack:changed', (snapshot: StackSnapshot) => {
      stackRunning = snapshot.components.length > 0 && snapshot.components.every((c) => c.state === 'running');
      overall = snapshot.overall;
      render();
    }),
    connection.on('app:overall', (state) => {
      overall = state;
      render();
    }),
    connection.on('settings:changed', (view) => {
      const parsed = settingsSchema.safeParse(view.settings);
      if (!parsed.success) return void logger.warn('the core pushed settings this shell cannot read (a version mismatch?)');
      settings = parsed.data;
      // Launch at login follows the setting, whether it was changed in the popover or in the file.
      app.setLoginItemSettings({ openAtLogin: settings.lookout.launchAtLogin });
    }),
    supervisor.onState((state) => {
      if (state.phase === 'ready') connection.connect(state.endpoint);
      else connection.disconnect();
      render();
    }),
  ];
  running = { supervisor, connection, tray, popover, cleanup, logger };
  supervisor.start();
  render();
}

async function shutdown(r: Running): Promise<void> {
  for (const off of r.cleanup) off();
  r.connection.close();
  r.tray.destroy();
  await r.supervisor.stop();
  await closeLogger(r.logger);
}
