import type { IpcMainInvokeEvent } from 'electron';
import { CHANNELS, EVENT_NAMES, ipcEventChannel, ipcInvokeChannel, type Channel, type ErrorEnvelope } from '../../common/ipc';
import { parseRequest } from '../core/api';
import type { CoreBackend } from './core-connection';
import { isTrustedSender } from './window-options';

/** What the gate uses of Electron's ipcMain (tests pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: Pick<IpcMainInvokeEvent, 'senderFrame'>, raw: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** What the gate uses of a BrowserWindow: whether it is gone, its main frame, and a way to push events. */
export interface GateWindow {
  isDestroyed(): boolean;
  readonly webContents: { readonly mainFrame: unknown; send(channel: string, payload: unknown): void };
}

export interface IpcGateOptions {
  ipcMain: IpcMainLike;
  /** The core, over HTTP (core-connection.ts): calls are forwarded there, its events pushed to the windows. */
  backend: CoreBackend;
  /** The popover and, while it is open, the Settings window. */
  windows: () => GateWindow[];
  /** file:// URL of our index.html: the only page that may call. */
  indexUrl: string;
}

/**
 * The IPC gate: one handler per contract channel. Each call is checked in this order — sender frame,
 * then request shape — before it is forwarded to the core (which parses it again: the HTTP API trusts
 * no client). Results and errors travel as envelopes so the preload can rebuild a clean Error (a thrown
 * one would arrive reworded by Electron). Returns the cleanup that removes the handlers and event forwarding.
 */
export function registerIpc(opts: IpcGateOptions): () => void {
  const { ipcMain, backend, indexUrl } = opts;
  // The popover and, while it is open, the Settings window: both show our index.html in their main frame.
  const open = () => opts.windows().filter((w) => !w.isDestroyed());

  const trusted = (event: Pick<IpcMainInvokeEvent, 'senderFrame'>) => {
    const frame = event.senderFrame;
    return frame !== null && frame !== undefined && isTrustedSender({ url: frame.url, isMainFrame: open().some((w) => frame === w.webContents.mainFrame) }, indexUrl);
  };

  for (const channel of CHANNELS) {
    ipcMain.handle(ipcInvokeChannel(channel), async (event, raw: unknown) => {
      if (!trusted(event)) return envelope(new UntrustedSenderError(channel));
      try {
        const req = parseRequest(channel, raw);
        return { ok: await backend.invoke(channel, req) };
      } catch (err) {
        return envelope(err);
      }
    });
  }

  const offs = EVENT_NAMES.map((event) =>
    backend.on(event, (payload) => {
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
