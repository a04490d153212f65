/**
 * The contract between the menubar app's shell (Electron's main process) and its core host (the core and
 * its HTTP listener, run as an Electron utilityProcess: main/core-host). The UI's calls do not travel here:
 * the shell is a client of the core's HTTP API and event stream like the browser and the CLI
 * (common/http-client.ts). This channel carries only the handshake and what only Electron's main process
 * can do for the core: native notifications and safeStorage encryption.
 *
 * Both ends validate every message they receive (parseHostMessage, parseShellMessage): a message that
 * does not fit is dropped and logged, never acted on. Messages are plain JSON (bytes as base64), so they
 * cross a utilityProcess' parentPort (structured clone) and a child_process.fork channel (JSON) alike.
 */
import type { AlertSeverity } from './model';

/** Bumped when a message changes shape; the shell refuses a core host that announces another one. */
export const CORE_HOST_PROTOCOL = 1;

/** What a notification's buttons do (Electron shows them; node-notifier cannot). */
export type NotificationAction = 'ack' | 'snooze';
export const NOTIFICATION_ACTIONS: readonly NotificationAction[] = ['ack', 'snooze'];

/** One desktop notification as the core's policy decided it. */
export interface DesktopNotification {
  /** Stable per notification, e.g. `firing:ServiceDown|llm|critical:1700000000000`. */
  id: string;
  kind: 'firing' | 'resolved' | 'summary';
  /** Most severe alert it covers; null for a summary of mixed changes. */
  severity: AlertSeverity | null;
  title: string;
  body: string;
  /** Where a click goes: a 127.0.0.1 Grafana URL; null means "open Lookout's popover". */
  url: string | null;
  /** Buttons to offer; empty for resolved and summary notifications. */
  actions: NotificationAction[];
}

/** Requests the core host makes of the shell: `method: { params; result }`. */
export interface ShellRequestMap {
  /** Show a native notification; answered once it is handed to the OS. Its buttons come back as `notification:action`. */
  notify: { params: { notification: DesktopNotification }; result: Record<string, never> };
  /** Whether safeStorage can encrypt here (false without a keychain). */
  'cipher:available': { params: Record<string, never>; result: { available: boolean } };
  /** Encrypt a secret with safeStorage; the blob is base64. */
  'cipher:encrypt': { params: { plain: string }; result: { blob: string } };
  'cipher:decrypt': { params: { blob: string }; result: { plain: string } };
}
export type ShellMethod = keyof ShellRequestMap;
export type ShellParams<M extends ShellMethod> = ShellRequestMap[M]['params'];
export type ShellResult<M extends ShellMethod> = ShellRequestMap[M]['result'];

/** Where the core host's API answers; the shell builds its HTTP client from it. */
export interface CoreEndpoint {
  url: string;
  token: string;
  pid: number;
}

/** Core host → shell. */
export type HostMessage =
  /** The core is initialised and its listener is up (sent once per process). */
  | ({ kind: 'ready'; protocol: number } & CoreEndpoint)
  /**
   * Starting failed; the process exits next. The message is for the tray and the log; `retry: false`
   * says another try cannot help (another Lookout already runs for this home).
   */
  | { kind: 'failed'; message: string; retry: boolean }
  | { [M in ShellMethod]: { kind: 'request'; id: number; method: M; params: ShellParams<M> } }[ShellMethod];

/** Shell → core host. */
export type ShellMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: { message: string; code?: string } }
  /** A button of the notification the request `requestId` showed was pressed. */
  | { kind: 'notification:action'; requestId: number; action: NotificationAction }
  /** Stop in order (the core's dispose, the listener closed, serve.json removed), then exit 0. */
  | { kind: 'stop' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = 100_000): v is string => typeof v === 'string' && v.length <= max;
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const hasOnly = (o: Obj, keys: string[]) => Object.keys(o).every((k) => keys.includes(k));
const SEVERITIES = new Set<unknown>(['critical', 'warning', 'info']);
const KINDS = new Set<unknown>(['firing', 'resolved', 'summary']);

function isNotification(v: unknown): v is DesktopNotification {
  if (!isObj(v) || !hasOnly(v, ['id', 'kind', 'severity', 'title', 'body', 'url', 'actions'])) return false;
  return (
    isStr(v.id, 1_000) &&
    KINDS.has(v.kind) &&
    (v.severity === null || SEVERITIES.has(v.severity)) &&
    isStr(v.title, 1_000) &&
    isStr(v.body, 10_000) &&
    (v.url === null || isStr(v.url, 4_000)) &&
    Array.isArray(v.actions) &&
    v.actions.every((a) => NOTIFICATION_ACTIONS.includes(a as NotificationAction))
  );
}

const PARAMS: { [M in ShellMethod]: (p: Obj) => boolean } = {
  notify: (p) => hasOnly(p, ['notification']) && isNotification(p.notification),
  'cipher:available': (p) => hasOnly(p, []),
  'cipher:encrypt': (p) => hasOnly(p, ['plain']) && isStr(p.plain),
  'cipher:decrypt': (p) => hasOnly(p, ['blob']) && isStr(p.blob, 200_000),
};

/** A message from the core host, or null when it is not one (the caller logs and drops it). */
export function parseHostMessage(raw: unknown): HostMessage | null {
  if (!isObj(raw)) return null;
  switch (raw.kind) {
    case 'ready':
      return typeof raw.protocol === 'number' && isStr(raw.url, 200) && /^http:\/\/127\.0\.0\.1:\d+$/.test(raw.url) && isStr(raw.token, 200) && raw.token.length > 0 && isId(raw.pid)
        ? { kind: 'ready', protocol: raw.protocol, url: raw.url, token: raw.token, pid: raw.pid }
        : null;
    case 'failed':
      return isStr(raw.message, 10_000) && typeof raw.retry === 'boolean' ? { kind: 'failed', message: raw.message, retry: raw.retry } : null;
    case 'request': {
      const method = raw.method as ShellMethod;
      if (!isId(raw.id) || typeof method !== 'string' || !Object.hasOwn(PARAMS, method) || !isObj(raw.params) || !PARAMS[method](raw.params)) return null;
      return { kind: 'request', id: raw.id, method, params: raw.params } as HostMessage;
    }
    default:
      return null;
  }
}

/** A message from the shell, or null when it is not one. */
export function parseShellMessage(raw: unknown): ShellMessage | null {
  if (!isObj(raw)) return null;
  switch (raw.kind) {
    case 'response':
      if (!isId(raw.id)) return null;
      if (raw.ok === true) return { kind: 'response', id: raw.id, ok: true, result: raw.result };
      if (raw.ok === false && isObj(raw.error) && isStr(raw.error.message, 10_000) && (raw.error.code === undefined || isStr(raw.error.code, 100))) {
        const { message, code } = raw.error;
        return { kind: 'response', id: raw.id, ok: false, error: code === undefined ? { message } : { message, code } };
      }
      return null;
    case 'notification:action':
      return isId(raw.requestId) && NOTIFICATION_ACTIONS.includes(raw.action as NotificationAction)
        ? { kind: 'notification:action', requestId: raw.requestId, action: raw.action as NotificationAction }
        : null;
    case 'stop':
      return { kind: 'stop' };
    default:
      return null;
  }
}

/** A one-line description of a message that was dropped, for the log (never its content: it may hold a secret). */
export function describeDropped(raw: unknown): string {
  if (!isObj(raw)) return `a ${raw === null ? 'null' : typeof raw} instead of a message object`;
  return `a message of kind ${JSON.stringify(String(raw.kind)).slice(0, 60)}${typeof raw.method === 'string' ? ` (method ${JSON.stringify(raw.method).slice(0, 60)})` : ''} that does not fit the contract`;
}
