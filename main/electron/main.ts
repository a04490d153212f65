/**
 * The menubar app's entry (package.json "main" → dist/main/electron.js). A thin shell: the core and the
 * local HTTP listener are the same as `lookout serve` (Prometheus scrapes /metrics, the CLI talks to
 * the API); this file adds the tray icon, the popover and the IPC gate.
 */
import { app, type Rectangle } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackSnapshot } from '../../common/model';
import { overallState } from '../core/stack/overall';
import { startLookout, type RunningLookout } from '../index';
import { registerIpc } from './ipc';
import { createTray, type LookoutTray } from './tray';
import { createPopover, type Popover } from './window';

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

  const lookout = await startLookout({ mode: 'electron', staticDir: null });
  const { core, logger } = lookout;

  const popover = createPopover({ preloadPath: PRELOAD, indexFile: INDEX_HTML });
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
    onQuit: () => app.quit(),
  });

  // The tray follows the same pure summary the tests cover, recomputed on every pushed snapshot.
  const showSnapshot = (snapshot: StackSnapshot) => {
    stackRunning = snapshot.components.length > 0 && snapshot.components.every((c) => c.state === 'running');
    tray.setState(overallState(snapshot), stackRunning);
  };
  const cleanup = [registerIpc(core, popover), core.on('stack:changed', showSnapshot)];
  showSnapshot(await core.handlers['stack:get']({}));

  running = { lookout, tray, popover, cleanup };
}

async function shutdown(r: Running): Promise<void> {
  for (const off of r.cleanup) off();
  r.tray.destroy();
  await r.lookout.stop();
}
