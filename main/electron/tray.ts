import { Menu, nativeImage, Tray, type NativeImage, type Rectangle } from 'electron';
import path from 'node:path';
import type { OverallState } from '../../common/model';
import type { TrayView } from './tray-view';

const STATES: OverallState[] = ['ok', 'warning', 'critical', 'stopped', 'starting'];
/** Spinner frames drawn by scripts/make-icons.mjs (trayTemplate-starting-<k>.png), shown in turn while starting. */
const SPINNER_FRAMES = 8;
const SPINNER_INTERVAL_MS = 120;

/** The menubar icon: shows the overall state, toggles the popover, offers a small right-click menu. */
export interface LookoutTray {
  /** Show the state (tray-view.ts decides icon, tooltip and what the menu offers). */
  show(view: TrayView): void;
  destroy(): void;
}

export interface TrayOptions {
  /** Directory holding trayTemplate-<state>.png and its @2x sibling (dist/assets/tray). */
  iconDir: string;
  onClick(bounds: Rectangle): void;
  onStartStack(): void;
  onStopStack(): void;
  onOpenGrafana(): void;
  onPreferences(): void;
  /** Start the core host again after the supervisor gave up on it. */
  onRestartCore(): void;
  onQuit(): void;
}

/** Create the tray icon (stopped until the first show()). */
export function createTray(opts: TrayOptions): LookoutTray {
  // createFromPath picks up the @2x file beside each one by itself.
  const icons = Object.fromEntries(STATES.map((s) => [s, templateImage(path.join(opts.iconDir, `trayTemplate-${s}.png`))])) as Record<OverallState, NativeImage>;
  const frames = Array.from({ length: SPINNER_FRAMES }, (_, k) => templateImage(path.join(opts.iconDir, `trayTemplate-starting-${k}.png`)));
  const tray = new Tray(icons.stopped);
  let view: TrayView | null = null;
  let spinner: NodeJS.Timeout | null = null;

  // The spinner runs only while starting or stopping, so an idle menubar costs no timer wakeups.
  const animate = (on: boolean) => {
    if (on && !spinner) {
      let frame = 0;
      spinner = setInterval(() => tray.setImage(frames[(frame = (frame + 1) % frames.length)]!), SPINNER_INTERVAL_MS);
    } else if (!on && spinner) {
      clearInterval(spinner);
      spinner = null;
    }
  };

  tray.on('click', (_event, bounds) => opts.onClick(bounds));
  // The menu is popped up on demand rather than set with setContextMenu: on macOS a context menu
  // would open on every click and the popover could never be reached.
  tray.on('right-click', () =>
    tray.popUpContextMenu(
      Menu.buildFromTemplate([
        ...(view?.notice ? [{ label: view.notice, enabled: false }, { type: 'separator' as const }] : []),
        ...(view?.offerRestart ? [{ label: 'Restart core', click: opts.onRestartCore }] : []),
        view?.stackRunning
          ? { label: 'Stop stack', click: opts.onStopStack, enabled: view.coreReady }
          : { label: 'Start stack', click: opts.onStartStack, enabled: view?.coreReady ?? false },
        { label: 'Open Grafana', click: opts.onOpenGrafana },
        { type: 'separator' },
        { label: 'Preferences…', accelerator: 'Command+,', click: opts.onPreferences },
        { label: 'Quit Lookout', accelerator: 'Command+Q', click: opts.onQuit },
      ]),
    ),
  );

  const api: LookoutTray = {
    show(next) {
      view = next;
      animate(next.icon === 'starting');
      if (next.icon !== 'starting') tray.setImage(icons[next.icon]);
      tray.setToolTip(next.tooltip);
    },
    destroy: () => {
      animate(false);
      tray.destroy();
    },
  };
  return api;
}

function templateImage(file: string): NativeImage {
  const image = nativeImage.createFromPath(file);
  // The file names do not end in "Template", so macOS must be told; it then tints them for light/dark menubars.
  image.setTemplateImage(true);
  return image;
}
