/**
 * Pure parts of the popover window, kept out of window.ts so tests can check them without Electron
 * (type imports from 'electron' are erased at build time).
 */
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

/** Popover size; the renderer's overview is built to fit it (test/e2e/ui.spec.ts checks the height). */
export const POPOVER_SIZE = { width: 400, height: 560 } as const;

/** The Settings window's first size (it can be resized). */
export const SETTINGS_SIZE = { width: 560, height: 680 } as const;

/** Same policy as the meta tag in renderer/index.html, also sent as a header so it cannot be left out. */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * BrowserWindow options for the tray popover, following Electron's security checklist: isolated,
 * sandboxed renderer without Node, web security on, only our preload.
 */
export function popoverWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    ...POPOVER_SIZE,
    frame: false,
    show: false,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    transparent: false,
    webPreferences: rendererWebPreferences(preloadPath),
  };
}

/**
 * The Settings window: an ordinary window showing the same page at `#/settings`, with exactly the
 * popover's hardened webPreferences (same preload, same CSP through the same session).
 */
export function settingsWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    ...SETTINGS_SIZE,
    minWidth: 420,
    minHeight: 400,
    title: 'Lookout Settings',
    show: false,
    fullscreenable: false,
    webPreferences: rendererWebPreferences(preloadPath),
  };
}

/** Electron's security checklist, shared by every window that shows the renderer. */
export function rendererWebPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * Where the popover goes: centred under the tray icon, kept inside the display's work area
 * (a tray icon near the screen edge would otherwise push the window off screen).
 */
export function popoverPosition(tray: Rectangle, size: { width: number; height: number }, workArea: Rectangle): { x: number; y: number } {
  const centred = Math.round(tray.x + tray.width / 2 - size.width / 2);
  const x = Math.min(Math.max(centred, workArea.x), workArea.x + workArea.width - size.width);
  // The menubar is at the top on macOS; if the tray sits at the bottom (some Linux panels), open upwards.
  const below = tray.y + tray.height;
  const y = below + size.height <= workArea.y + workArea.height ? Math.max(below, workArea.y) : tray.y - size.height;
  return { x, y: Math.max(y, workArea.y) };
}

/**
 * The IPC gate's sender check: only the popover's own main frame showing our bundled index.html may
 * call main. A subframe, a navigated-away page or another window gets nothing.
 */
export function isTrustedSender(
  frame: { url: string; isMainFrame: boolean } | null,
  expectedIndexUrl: string,
): boolean {
  if (!frame || !frame.isMainFrame) return false;
  let actual: URL;
  try {
    actual = new URL(frame.url);
  } catch {
    return false;
  }
  const expected = new URL(expectedIndexUrl);
  // The fragment is the renderer's own business; everything else must match exactly.
  return actual.protocol === 'file:' && expected.protocol === 'file:' && actual.pathname === expected.pathname && actual.search === '' && actual.host === expected.host;
}
