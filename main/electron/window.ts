import { BrowserWindow, screen, type Rectangle, type Session } from 'electron';
import { pathToFileURL } from 'node:url';
import { popoverPosition, popoverWindowOptions, RENDERER_CSP } from './window-options';

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

  // The popover only ever shows our page: no navigation, no new windows. A link the user clicks
  // (target=_blank) opens in the default browser, and only if the core's allowlist accepts it.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    void opts.openExternal(url);
    return { action: 'deny' };
  });

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

const xy = (p: { x: number; y: number }): [number, number] => [p.x, p.y];

/**
 * CSP as a response header as well as the meta tag (a header cannot be dropped by editing the page),
 * and no permission (camera, notifications, …) for web content: the popover needs none.
 */
function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
