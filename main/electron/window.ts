import { app, BrowserWindow, screen, type Rectangle, type Session, type WebContents } from 'electron';
import { pathToFileURL } from 'node:url';
import { popoverPosition, popoverWindowOptions, RENDERER_CSP, settingsWindowOptions } from './window-options';

/** The tray popover: the hidden, frameless window that shows the renderer under the tray icon. */
export interface Popover {
  readonly window: BrowserWindow;
  /** file:// URL of the loaded index.html; the IPC gate accepts calls only from this page. */
  readonly indexUrl: string;
  /** Show under the tray icon, or hide when visible. */
  toggle(trayBounds: Rectangle): void;
  show(trayBounds?: Rectangle): void;
}

/** Clicking the tray icon blurs (and so hides) the popover just before the click arrives; ignore that click. */
const REOPEN_GUARD_MS = 250;

/** Create the popover window, lock it down and load the renderer. */
export function createPopover(opts: { preloadPath: string; indexFile: string; openExternal: (url: string) => Promise<boolean> }): Popover {
  const window = new BrowserWindow(popoverWindowOptions(opts.preloadPath));
  const indexUrl = pathToFileURL(opts.indexFile).href;
  hardenSession(window.webContents.session);
  hardenContents(window.webContents, opts.openExternal);

  let hiddenAt = 0;
  window.on('blur', () => {
    if (!window.webContents.isDevToolsOpened()) {
      window.hide();
      hiddenAt = Date.now();
    }
  });

  const show = (trayBounds?: Rectangle) => {
    if (trayBounds) {
      const { workArea } = screen.getDisplayNearestPoint({ x: trayBounds.x, y: trayBounds.y });
      window.setPosition(...xy(popoverPosition(trayBounds, window.getBounds(), workArea)));
    }
    window.show();
    window.focus();
  };

  void window.loadFile(opts.indexFile);

  return {
    window,
    indexUrl,
    show,
    toggle(trayBounds) {
      if (window.isVisible()) window.hide();
      else if (Date.now() - hiddenAt > REOPEN_GUARD_MS) show(trayBounds);
    },
  };
}

/** The Settings window: opened by the tray's Preferences…, one at a time, closed for good when the user closes it. */
export interface SettingsWindow {
  /** Show it (creating it if needed) and give it the focus. */
  show(): void;
  /** The window while it is open, for the IPC gate and event forwarding. */
  current(): BrowserWindow | null;
}

/**
 * Settings in a window of its own (issue 15): the same page as the popover at `#/settings`, with the
 * same hardened webPreferences, preload and session (so the same CSP header), and the same rules for
 * navigation and links.
 */
export function createSettingsWindow(opts: { preloadPath: string; indexFile: string; openExternal: (url: string) => Promise<boolean> }): SettingsWindow {
  let window: BrowserWindow | null = null;
  return {
    current: () => (window && !window.isDestroyed() ? window : null),
    show() {
      if (!window || window.isDestroyed()) {
        const created = new BrowserWindow(settingsWindowOptions(opts.preloadPath));
        window = created;
        hardenSession(created.webContents.session);
        hardenContents(created.webContents, opts.openExternal);
        created.once('ready-to-show', () => created.show());
        created.on('closed', () => {
          if (window === created) window = null;
        });
        void created.loadFile(opts.indexFile, { hash: '/settings' });
      } else {
        window.show();
      }
      // A menubar app (no Dock icon) must take the focus for its window to come to the front.
      app.focus({ steal: true });
      window.focus();
    },
  };
}

/**
 * A renderer window only ever shows our page: no navigation, no new windows. A link the user clicks
 * (target=_blank) opens in the default browser, and only if the core's allowlist accepts it. Changes
 * of the hash (the renderer's views) are in-page navigations and are not affected.
 */
function hardenContents(contents: WebContents, openExternal: (url: string) => Promise<boolean>): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void openExternal(url);
    return { action: 'deny' };
  });
}

const hardened = new WeakSet<Session>();

const xy = (p: { x: number; y: number }): [number, number] => [p.x, p.y];

/**
 * CSP as a response header as well as the meta tag (a header cannot be dropped by editing the page),
 * and no permission (camera, notifications, …) for web content: the popover needs none.
 */
function hardenSession(session: Session): void {
  if (hardened.has(session)) return;
  hardened.add(session);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
