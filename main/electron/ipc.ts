import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CHANNELS, EVENT_NAMES, ipcEventChannel, ipcInvokeChannel, type Channel, type ErrorEnvelope } from '../../common/ipc';
import { parseRequest } from '../core/api';
import type { Core } from '../core/core';
import { isTrustedSender } from './window-options';

/**
 * The IPC gate: one handler per contract channel. Each call is checked in this order — sender frame,
 * then request shape — before the core sees it; results and errors travel as envelopes so the
 * preload can rebuild a clean Error (a thrown one would arrive reworded by Electron).
 * Returns the cleanup that removes the handlers and event forwarding.
 */
export function registerIpc(core: Core, gate: { windows: () => BrowserWindow[]; indexUrl: string }): () => void {
  const { indexUrl } = gate;
  // The popover and, while it is open, the Settings window: both show our index.html in their main frame.
  const open = () => gate.windows().filter((w) => !w.isDestroyed());

  const trusted = (event: IpcMainInvokeEvent) => {
    const frame = event.senderFrame;
    return frame !== null && isTrustedSender({ url: frame.url, isMainFrame: open().some((w) => frame === w.webContents.mainFrame) }, indexUrl);
  };

  for (const channel of CHANNELS) {
    ipcMain.handle(ipcInvokeChannel(channel), async (event, raw: unknown) => {
      if (!trusted(event)) return envelope(new UntrustedSenderError(channel));
      try {
        const req = parseRequest(channel, raw);
        const handler = core.handlers[channel] as (req: unknown) => Promise<unknown>;
        return { ok: await handler(req) };
      } catch (err) {
        return envelope(err);
      }
    });
  }

  const offs = EVENT_NAMES.map((event) =>
    core.on(event, (payload) => {
      for (const w of open()) w.webContents.send(ipcEventChannel(event), payload);
    }),
  );

  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(ipcInvokeChannel(channel));
    for (const off of offs) off();
  };
}

class UntrustedSenderError extends Error {
  readonly code = 'forbidden';
  constructor(channel: Channel) {
    super(`${channel}: caller is not a Lookout window`);
  }
}

function envelope(err: unknown): ErrorEnvelope {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  return { error: typeof code === 'string' ? { message, code } : { message } };
}
