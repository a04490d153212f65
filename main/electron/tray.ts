import { Menu, nativeImage, Tray, type NativeImage, type Rectangle } from 'electron';
import path from 'node:path';
import type { OverallState } from '../../common/model';

const STATES: OverallState[] = ['ok', 'warning', 'critical', 'stopped', 'starting'];
/** Spinner frames drawn by scripts/make-icons.mjs (trayTemplate-starting-<k>.png), shown in turn while starting. */
const SPINNER_FRAMES = 8;
const SPINNER_INTERVAL_MS = 120;

const TOOLTIP: Record<OverallState, string> = {
  ok: 'all components running',
  warning: 'needs attention',
  critical: 'a component failed',
  stopped: 'stack stopped',
  starting: 'starting or stopping…',
};

/** The menubar icon: shows the overall state, toggles the popover, offers a small right-click menu. */
export interface LookoutTray {
  setState(state: OverallState, stackRunning: boolean): void;
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
  onQuit(): void;
}

/** Create the tray icon in the `stopped` state. */
export function createTray(opts: TrayOptions): LookoutTray {
  // createFromPath picks up the @2x file beside each one by itself.
  const icons = Object.fromEntries(STATES.map((s) => [s, templateImage(path.join(opts.iconDir, `trayTemplate-${s}.png`))])) as Record<OverallState, NativeImage>;
  const frames = Array.from({ length: SPINNER_FRAMES }, (_, k) => templateImage(path.join(opts.iconDir, `trayTemplate-starting-${k}.png`)));
  const tray = new Tray(icons.stopped);
  let running = false;
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
        running ? { label: 'Stop stack', click: opts.onStopStack } : { label: 'Start stack', click: opts.onStartStack },
        { label: 'Open Grafana', click: opts.onOpenGrafana },
        { type: 'separator' },
        { label: 'Preferences…', accelerator: 'Command+,', click: opts.onPreferences },
        { label: 'Quit Lookout', accelerator: 'Command+Q', click: opts.onQuit },
      ]),
    ),
  );

  const api: LookoutTray = {
    setState(state, stackRunning) {
      running = stackRunning;
      animate(state === 'starting');
      if (state !== 'starting') tray.setImage(icons[state]);
      tray.setToolTip(`Lookout — ${TOOLTIP[state]}`);
    },
    destroy: () => {
      animate(false);
      tray.destroy();
    },
  };
  api.setState('stopped', false);
  return api;
}

function templateImage(file: string): NativeImage {
  const image = nativeImage.createFromPath(file);
  // The file names do not end in "Template", so macOS must be told; it then tints them for light/dark menubars.
  image.setTemplateImage(true);
  return image;
}
