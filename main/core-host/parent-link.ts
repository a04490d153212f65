/**
 * The core host's end of its channel to the shell (common/core-host.ts). A port is whatever carries
 * messages to the parent: Electron's `process.parentPort` in a utilityProcess, or `process.send` under
 * child_process.fork (the tests' stand-in for utilityProcess). The link turns it into what the core
 * needs from the shell — a Notifier and a SecretCipher — plus the handshake (ready, failed, stop).
 */
import {
  CORE_HOST_PROTOCOL,
  describeDropped,
  parseShellMessage,
  type CoreEndpoint,
  type HostMessage,
  type NotificationAction,
  type ShellMethod,
  type ShellParams,
  type ShellResult,
} from '../../common/core-host';
import type { Notifier, SecretCipher } from '../core/alerts/ports';

/** What carries messages to and from the parent. */
export interface ParentPort {
  /** Resolves once the message is handed over (a fork channel writes asynchronously). */
  post(message: HostMessage): Promise<void>;
  onMessage(listener: (raw: unknown) => void): void;
  /** The parent went away (a fork channel closes; a utilityProcess is ended by Electron instead). */
  onDisconnect(listener: () => void): void;
}

/** Electron's parentPort, as far as this module uses it (no Electron import: the core host is plain Node). */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** The port of this process: Electron's parentPort, else the fork channel, else null (not run by a shell). */
export function processParentPort(proc: NodeJS.Process = process): ParentPort | null {
  const electronPort = (proc as NodeJS.Process & { parentPort?: ElectronParentPort | null }).parentPort;
  if (electronPort) {
    return {
      post: async (message) => electronPort.postMessage(message),
      onMessage: (listener) => void electronPort.on('message', (event) => listener(event.data)),
      onDisconnect: () => undefined,
    };
  }
  if (typeof proc.send === 'function' && proc.connected) {
    const send = proc.send.bind(proc);
    return {
      post: (message) =>
        new Promise<void>((resolve, reject) => {
          send(message, undefined, {}, (err: Error | null) => (err ? reject(err) : resolve()));
        }),
      onMessage: (listener) => void proc.on('message', listener),
      onDisconnect: (listener) => void proc.once('disconnect', listener),
    };
  }
  return null;
}

export interface ParentLink {
  /** Native notifications, shown by the shell; their buttons come back through the link. */
  readonly notifier: Notifier;
  /** safeStorage, held by the shell. */
  readonly cipher: SecretCipher;
  request<M extends ShellMethod>(method: M, params: ShellParams<M>): Promise<ShellResult<M>>;
  /** Announce the listener: the shell connects its HTTP client to it. */
  ready(endpoint: CoreEndpoint): Promise<void>;
  /** Say why starting failed, before exiting (`retry: false`: another try cannot help). */
  failed(message: string, retry: boolean): Promise<void>;
  /** The shell asked for an orderly stop, or went away. */
  onStop(listener: () => void): void;
}

export interface ParentLinkOptions {
  /** How long a request may wait for its answer (default 30 s: a notification can wait on the OS). */
  timeoutMs?: number;
  /** Where dropped messages are reported. */
  warn?: (message: string) => void;
}

/** Notifications whose buttons can still be pressed; older ones are forgotten (the OS dropped them long ago). */
const LIVE_NOTIFICATIONS = 200;

export function createParentLink(port: ParentPort, opts: ParentLinkOptions = {}): ParentLink {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const warn = opts.warn ?? ((m) => process.stderr.write(`lookout core host: ${m}\n`));
  let nextId = 1;
  const pending = new Map<number, { resolve(result: unknown): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  const actions = new Map<number, (action: NotificationAction) => void>();
  const stopListeners: Array<() => void> = [];
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const listener of stopListeners) listener();
  };

  port.onMessage((raw) => {
    const message = parseShellMessage(raw);
    if (!message) return warn(`dropped ${describeDropped(raw)}`);
    switch (message.kind) {
      case 'response': {
        const call = pending.get(message.id);
        if (!call) return warn(`dropped an answer to request ${message.id}, which is not waiting (timed out?)`);
        pending.delete(message.id);
        clearTimeout(call.timer);
        if (message.ok) call.resolve(message.result);
        else call.reject(Object.assign(new Error(message.error.message), message.error.code ? { code: message.error.code } : {}));
        return;
      }
      case 'notification:action':
        actions.get(message.requestId)?.(message.action);
        return;
      case 'stop':
        return stop();
    }
  });
  port.onDisconnect(stop);

  /** Send a request; its id names it (a notification's buttons come back with it). */
  function call<M extends ShellMethod>(method: M, params: ShellParams<M>): { id: number; result: Promise<ShellResult<M>> } {
    const id = nextId++;
    const result = new Promise<ShellResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the menubar app did not answer ${method} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      timer.unref();
      pending.set(id, { resolve: resolve as (r: unknown) => void, reject, timer });
      port.post({ kind: 'request', id, method, params } as HostMessage).catch((err: unknown) => {
        pending.delete(id);
        clearTimeout(timer);
        reject(new Error(`could not reach the menubar app for ${method}: ${(err as Error).message}`));
      });
    });
    return { id, result };
  }
  const request = <M extends ShellMethod>(method: M, params: ShellParams<M>) => call(method, params).result;

  const notifier: Notifier = {
    async notify(notification, onAction) {
      const { id, result } = call('notify', { notification });
      actions.set(id, onAction);
      if (actions.size > LIVE_NOTIFICATIONS) actions.delete(actions.keys().next().value!);
      try {
        await result;
      } catch (err) {
        actions.delete(id);
        throw err;
      }
    },
  };

  const cipher: SecretCipher = {
    available: async () => (await request('cipher:available', {})).available,
    encrypt: async (plain) => Buffer.from((await request('cipher:encrypt', { plain })).blob, 'base64'),
    decrypt: async (blob) => (await request('cipher:decrypt', { blob: Buffer.from(blob).toString('base64') })).plain,
  };

  return {
    notifier,
    cipher,
    request,
    ready: (endpoint) => port.post({ kind: 'ready', protocol: CORE_HOST_PROTOCOL, ...endpoint }),
    failed: (message, retry) => port.post({ kind: 'failed', message, retry }),
    onStop: (listener) => void stopListeners.push(listener),
  };
}
