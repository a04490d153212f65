import { describe, expect, it } from 'vitest';
import { CHANNELS, ipcEventChannel, ipcInvokeChannel, type Channel, type EventMap, type EventName, type Req, type Res } from '../../common/ipc';
import { ApiError } from '../../common/http-client';
import type { CoreBackend } from './core-connection';
import { registerIpc, type GateWindow, type IpcMainLike } from './ipc';

const INDEX = 'file:///Applications/Lookout.app/Contents/Resources/app.asar/dist/renderer/index.html';

type Handler = Parameters<IpcMainLike['handle']>[1];

/** A fake of Electron's ipcMain: keeps the handlers so a test can call them as a renderer would. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  call(channel: Channel, frame: { url: string } | null, raw: unknown): Promise<unknown> {
    const handler = this.handlers.get(ipcInvokeChannel(channel));
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ senderFrame: frame as never }, raw);
  }
}

/** A window with a main frame (an object compared by identity, as Electron's WebFrameMain is). */
function fakeWindow(url = INDEX) {
  const mainFrame = { url };
  const sent: Array<{ channel: string; payload: unknown }> = [];
  let destroyed = false;
  const window: GateWindow = {
    isDestroyed: () => destroyed,
    webContents: { mainFrame, send: (channel, payload) => void sent.push({ channel, payload }) },
  };
  return { window, mainFrame, sent, destroy: () => (destroyed = true) };
}

/** The core as the gate sees it: records what was forwarded, emits events on demand. */
function fakeBackend(answer: (channel: Channel, req: unknown) => unknown = () => ({ answered: true })) {
  const calls: Array<{ channel: Channel; req: unknown }> = [];
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const backend: CoreBackend = {
    async invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
      calls.push({ channel, req });
      return answer(channel, req) as Res<C>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: unknown) => void);
      return () => void set.delete(listener as (p: unknown) => void);
    },
  };
  const emit = <E extends EventName>(event: E, payload: EventMap[E]) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  const listening = () => [...listeners.values()].reduce((n, s) => n + s.size, 0);
  return { backend, calls, emit, listening };
}

function setup(answer?: (channel: Channel, req: unknown) => unknown) {
  const ipcMain = new FakeIpcMain();
  const popover = fakeWindow();
  const settings = fakeWindow();
  let settingsOpen = false;
  const core = fakeBackend(answer);
  const cleanup = registerIpc({
    ipcMain,
    backend: core.backend,
    indexUrl: INDEX,
    windows: () => (settingsOpen ? [popover.window, settings.window] : [popover.window]),
  });
  return { ipcMain, popover, settings, openSettings: () => (settingsOpen = true), core, cleanup };
}

describe('registerIpc (the IPC gate, with ipcMain passed in)', () => {
  it('registers one handler per contract channel, and its cleanup removes them all', () => {
    const { ipcMain, core, cleanup } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(CHANNELS.map(ipcInvokeChannel).sort());
    expect(core.listening()).toBeGreaterThan(0);
    cleanup();
    expect(ipcMain.handlers.size).toBe(0);
    expect(core.listening()).toBe(0);
  });

  it('forwards a call from the popover main frame to the core, parsed, and answers in an envelope', async () => {
    const { ipcMain, popover, core } = setup(() => ({ overall: 'ok' }));
    await expect(ipcMain.call('stack:start', popover.mainFrame, { components: ['prometheus'] })).resolves.toEqual({ ok: { overall: 'ok' } });
    // A hash route is the renderer's own business.
    popover.mainFrame.url = `${INDEX}#/alerts`;
    await expect(ipcMain.call('stack:get', popover.mainFrame, undefined)).resolves.toEqual({ ok: { overall: 'ok' } });
    expect(core.calls).toEqual([
      { channel: 'stack:start', req: { components: ['prometheus'] } },
      { channel: 'stack:get', req: {} },
    ]);
  });

  it('trusts the Settings window while it is open', async () => {
    const { ipcMain, settings, openSettings, core } = setup();
    expect(await ipcMain.call('settings:get', settings.mainFrame, {})).toMatchObject({ error: { code: 'forbidden' } });
    openSettings();
    expect(await ipcMain.call('settings:get', settings.mainFrame, {})).toEqual({ ok: { answered: true } });
    expect(core.calls).toHaveLength(1);
  });

  it('refuses, before the core sees anything: a subframe, another page, no frame, a destroyed window', async () => {
    const { ipcMain, popover, core } = setup();
    // A subframe showing our very page: same URL, but not the window's main frame object.
    const subframe = { url: INDEX };
    for (const frame of [subframe, { url: 'file:///tmp/evil.html' }, { url: 'https://example.com/dist/renderer/index.html' }, { url: `${INDEX}?x=1` }, null]) {
      expect(await ipcMain.call('stack:stop', frame, {}), JSON.stringify(frame)).toEqual({ error: { message: 'stack:stop: caller is not a Lookout window', code: 'forbidden' } });
    }
    popover.mainFrame.url = 'file:///tmp/navigated.html';
    expect(await ipcMain.call('stack:stop', popover.mainFrame, {})).toMatchObject({ error: { code: 'forbidden' } });
    popover.mainFrame.url = INDEX;
    popover.destroy();
    expect(await ipcMain.call('stack:stop', popover.mainFrame, {})).toMatchObject({ error: { code: 'forbidden' } });
    expect(core.calls).toEqual([]);
  });

  it('refuses a request of the wrong shape with bad_request, naming the field, before forwarding it', async () => {
    const { ipcMain, popover, core } = setup();
    const answer = (await ipcMain.call('stack:start', popover.mainFrame, { components: ['mysql'] })) as { error: { message: string; code: string } };
    expect(answer.error.code).toBe('bad_request');
    expect(answer.error.message).toContain('components');
    expect(await ipcMain.call('stack:get', popover.mainFrame, { extra: 1 })).toMatchObject({ error: { code: 'bad_request' } });
    expect(core.calls).toEqual([]);
  });

  it("passes the core's errors on as envelopes with their code (the HTTP client's ApiError)", async () => {
    const { ipcMain, popover } = setup(() => {
      throw new ApiError('no silence with id x', { status: 404, code: 'not_found' });
    });
    expect(await ipcMain.call('silences:delete', popover.mainFrame, { id: 'x' })).toEqual({ error: { message: 'no silence with id x', code: 'not_found' } });
  });

  it("pushes the core's events to every open window and stops after cleanup", () => {
    const { popover, settings, openSettings, core, cleanup } = setup();
    core.emit('app:overall', 'warning');
    openSettings();
    core.emit('app:focus', 'settings');
    expect(popover.sent).toEqual([
      { channel: ipcEventChannel('app:overall'), payload: 'warning' },
      { channel: ipcEventChannel('app:focus'), payload: 'settings' },
    ]);
    expect(settings.sent).toEqual([{ channel: ipcEventChannel('app:focus'), payload: 'settings' }]);
    popover.destroy();
    core.emit('app:overall', 'ok');
    expect(popover.sent).toHaveLength(2);
    cleanup();
    core.emit('app:overall', 'critical');
    expect(settings.sent).toHaveLength(2);
  });
});
