/**
 * The one contract between the UI and main. Every call is `'area:verb': { req; res }` with a single
 * request object, so the same map drives Electron IPC, the HTTP API and the renderer's typed client.
 * Main declares its handler table with `satisfies Handlers`, so a missing handler fails to compile.
 */
import type { AppInfo, ComponentId, HistoryRange, MetricsHistory, MetricsSample, MetricsSnapshot, OverallState, SettingsChange, SettingsUpdateResult, SettingsView, StackSnapshot } from './model';

/** Request/response pairs for calls from the UI (or the CLI) to main. */
export interface InvokeMap {
  'app:info': { req: Record<string, never>; res: AppInfo };
  'stack:get': { req: Record<string, never>; res: StackSnapshot };
  /** Start the given components in dependency order; all enabled ones when omitted. */
  'stack:start': { req: { components?: ComponentId[] }; res: StackSnapshot };
  /** Stop the given components, dependents first; all when omitted. */
  'stack:stop': { req: { components?: ComponentId[] }; res: StackSnapshot };
  /** The live ring buffer (last 15 minutes at the UI interval) and collector health. */
  'metrics:get': { req: Record<string, never>; res: MetricsSnapshot };
  'settings:get': { req: Record<string, never>; res: SettingsView };
  /** Apply edits: validated as a whole document; written to settings.json only when valid. */
  'settings:update': { req: { changes: SettingsChange[] }; res: SettingsUpdateResult };
  /** Longer history of the same sample keys, from Prometheus range queries (empty with a reason when it is not running). */
  'metrics:history': { req: { range: HistoryRange }; res: MetricsHistory };
}

/** Events pushed from main to the UI. */
export interface EventMap {
  'stack:changed': StackSnapshot;
  'app:overall': OverallState;
  /** One live reading per UI interval. */
  'metrics:sample': MetricsSample;
}

export type Channel = keyof InvokeMap;
export type EventName = keyof EventMap;
export type Req<C extends Channel> = InvokeMap[C]['req'];
export type Res<C extends Channel> = InvokeMap[C]['res'];

/** HTTP binding of each channel: the browser-mode API and the CLI use these. */
export const HTTP_ROUTES = {
  'app:info': { method: 'GET', path: '/api/v1/info' },
  'stack:get': { method: 'GET', path: '/api/v1/stack' },
  'stack:start': { method: 'POST', path: '/api/v1/stack/start' },
  'stack:stop': { method: 'POST', path: '/api/v1/stack/stop' },
  'metrics:get': { method: 'GET', path: '/api/v1/metrics/live' },
  'metrics:history': { method: 'GET', path: '/api/v1/metrics/history' },
  'settings:get': { method: 'GET', path: '/api/v1/settings' },
  'settings:update': { method: 'POST', path: '/api/v1/settings' },
} as const satisfies { [C in Channel]: { method: 'GET' | 'POST' | 'DELETE'; path: string } };

/** Every channel, for code that builds the `api` object generically (preload, HTTP client). */
export const CHANNELS = Object.keys(HTTP_ROUTES) as Channel[];

/** Server-sent events stream of EventMap entries (browser mode). */
export const EVENTS_PATH = '/api/v1/events';

/** Errors cross a transport as this envelope and are rebuilt as `Error` on the other side. */
export interface ErrorEnvelope {
  error: { message: string; code?: string };
}

/** Turns 'stack:start' into api.stack.start(req). */
type Area<C extends string> = C extends `${infer A}:${string}` ? A : never;
type Verb<C extends string, A extends string> = C extends `${A}:${infer V}` ? V : never;

/** The typed object the renderer calls: `api.stack.start({})`, never a channel string. */
export type Api = {
  [A in Area<Channel>]: {
    [V in Verb<Channel, A>]: (req?: Req<`${A}:${V}` & Channel>) => Promise<Res<`${A}:${V}` & Channel>>;
  };
} & {
  /** Subscribe to a pushed event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

/** Name of the object the preload exposes on `window`. */
export const API_GLOBAL = 'lookout';

/** Electron IPC channel names (prefixed so they cannot collide with Electron's own). */
export const ipcInvokeChannel = (c: Channel): string => `lookout:${c}`;
export const ipcEventChannel = (e: EventName): string => `lookout:event:${e}`;

/** Build the nested `api` object from a generic invoke and subscribe, shared by preload and HTTP client. */
export function buildApi(
  invoke: (channel: Channel, req: unknown) => Promise<unknown>,
  on: (event: EventName, listener: (payload: unknown) => void) => () => void,
): Api {
  const api: Record<string, unknown> = { on };
  for (const channel of CHANNELS) {
    const [area, verb] = channel.split(':') as [string, string];
    const group = (api[area] ??= {}) as Record<string, unknown>;
    group[verb] = (req?: unknown) => invoke(channel, req ?? {});
  }
  return api as Api;
}
