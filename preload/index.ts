/**
 * The preload: exposes exactly one object, the typed `api`, built from the shared contract so it
 * never grows by hand. It runs sandboxed, so it may require only 'electron' (bundled to CJS).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_GLOBAL, buildApi, ipcEventChannel, ipcInvokeChannel, type ErrorEnvelope } from '../common/ipc';

/** What main's handlers return: a result, or an error envelope (a thrown error would reach us reworded). */
type Envelope = { ok: unknown } | ErrorEnvelope;

const api = buildApi(
  async (channel, req) => {
    const reply = (await ipcRenderer.invoke(ipcInvokeChannel(channel), req)) as Envelope;
    if ('error' in reply) {
      // Rebuilt here so the renderer gets a real Error; contextBridge carries its message across worlds.
      throw new Error(reply.error.message);
    }
    return reply.ok;
  },
  (event, listener) => {
    // Wrap the listener so the renderer never sees the IpcRendererEvent (it carries `sender`).
    const handler = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    const channel = ipcEventChannel(event);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
);

contextBridge.exposeInMainWorld(API_GLOBAL, api);
