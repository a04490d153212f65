import { describe, expect, it } from 'vitest';
import { isTrustedSender, popoverPosition, popoverWindowOptions, RENDERER_CSP, settingsWindowOptions } from './window-options';

describe('popoverWindowOptions', () => {
  const options = popoverWindowOptions('/app/dist/preload/index.cjs');

  it('follows the Electron security checklist', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('is a frameless, hidden, fixed-size popover outside the taskbar', () => {
    expect(options).toMatchObject({ frame: false, show: false, resizable: false, skipTaskbar: true, width: 400, height: 560 });
  });

  it('is shared with the Settings window: the same preload and the same hardened webPreferences', () => {
    const settings = settingsWindowOptions('/app/dist/preload/index.cjs');
    expect(settings.webPreferences).toEqual(options.webPreferences);
    expect(settings).toMatchObject({ show: false, title: 'Lookout Settings' });
    expect(settings.frame).toBeUndefined();
  });

  it('ships a CSP that allows only our own scripts and connections', () => {
    expect(RENDERER_CSP).toContain("default-src 'self'");
    expect(RENDERER_CSP).toContain("script-src 'self';");
    expect(RENDERER_CSP).toContain("connect-src 'self'");
    expect(RENDERER_CSP).not.toContain('unsafe-eval');
  });
});

describe('popoverPosition', () => {
  const workArea = { x: 0, y: 25, width: 1440, height: 875 };
  const size = { width: 380, height: 460 };

  it('centres the popover under the tray icon', () => {
    expect(popoverPosition({ x: 1000, y: 0, width: 22, height: 24 }, size, workArea)).toEqual({ x: 821, y: 25 });
  });

  it('keeps it on screen when the icon is near the right edge', () => {
    expect(popoverPosition({ x: 1420, y: 0, width: 22, height: 24 }, size, workArea).x).toBe(1440 - 380);
  });

  it('opens upwards from a tray at the bottom of the screen', () => {
    expect(popoverPosition({ x: 500, y: 876, width: 24, height: 24 }, size, { x: 0, y: 0, width: 1440, height: 876 })).toEqual({ x: 322, y: 416 });
  });
});

describe('isTrustedSender', () => {
  const index = 'file:///Applications/Lookout.app/Contents/Resources/app.asar/dist/renderer/index.html';

  it('accepts the popover main frame on our index.html, with or without a fragment', () => {
    expect(isTrustedSender({ url: index, isMainFrame: true }, index)).toBe(true);
    expect(isTrustedSender({ url: `${index}#stack`, isMainFrame: true }, index)).toBe(true);
  });

  it('rejects subframes, other files, other schemes and missing frames', () => {
    expect(isTrustedSender({ url: index, isMainFrame: false }, index)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/evil.html', isMainFrame: true }, index)).toBe(false);
    expect(isTrustedSender({ url: 'https://example.com/dist/renderer/index.html', isMainFrame: true }, index)).toBe(false);
    expect(isTrustedSender({ url: `${index}?x=1`, isMainFrame: true }, index)).toBe(false);
    expect(isTrustedSender({ url: 'not a url', isMainFrame: true }, index)).toBe(false);
    expect(isTrustedSender(null, index)).toBe(false);
  });
});
