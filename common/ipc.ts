/**
 * The one contract between the UI and main. Every call is `'area:verb': { req; res }` with a single
 * request object, so the same map drives Electron IPC, the HTTP API and the renderer's typed client.
 * Main declares its handler table with `satisfies Handlers`, so a missing handler fails to compile.
 */
import type {
  AlertHistory,
  AlertHistoryRange,
  AlertSeverity,
  AlertsSnapshot,
  AppInfo,
  ComponentId,
  GrafanaCredentials,
  HistoryRange,
  MetricsHistory,
  MetricsSample,
  MetricsSnapshot,
  OverallState,
  QuickLink,
  SecretName,
  SecretsStatus,
  ServicesSnapshot,
  SettingsChange,
  SettingsUpdateResult,
  SettingsView,
  SilenceResult,
  StackSnapshot,
  UiSection,
} from './model';
import type { BackupList, BackupSummary, CheckResult, RemoteWriteStatusReport, RestoreSummary } from './backup';
import type { InstallComponentId, InstallProgress, InstallStatus, InstallStartResult } from './install';
import type { LogErrorsQuery, LogErrorsResult, LogLatencyQuery, LogLatencyResult, LogLine, LogPatternsQuery, LogPatternsResult, LogSearchQuery, LogSearchResult, LogsStatus } from './logs';
import type { TraceDetail, TraceList, TraceListQuery } from './traces';

/** Request/response pairs for calls from the UI (or the CLI) to main. */
export interface InvokeMap {
  'app:info': { req: Record<string, never>; res: AppInfo };
  'stack:get': { req: Record<string, never>; res: StackSnapshot };
  /** Start the given components in dependency order; all enabled ones when omitted. */
  'stack:start': { req: { components?: ComponentId[] }; res: StackSnapshot };
  /** Stop the given components, dependents first; all when omitted. */
  'stack:stop': { req: { components?: ComponentId[] }; res: StackSnapshot };
  /** Stop then start the given components (clears a crash loop like Start does). */
  'stack:restart': { req: { components: ComponentId[] }; res: StackSnapshot };
  /** The live ring buffer (last 15 minutes at the UI interval) and collector health. */
  'metrics:get': { req: Record<string, never>; res: MetricsSnapshot };
  /** Grafana's admin login (the password Lookout created), for the UI's copy button. POST so nothing caches or prefetches it. */
  'grafana:credentials': { req: Record<string, never>; res: GrafanaCredentials };
  'settings:get': { req: Record<string, never>; res: SettingsView };
  /** The quick links for the popover, made by main's link builders. */
  'links:get': { req: Record<string, never>; res: { links: QuickLink[] } };
  /** Apply edits: validated as a whole document; written to settings.json only when valid. */
  'settings:update': { req: { changes: SettingsChange[] }; res: SettingsUpdateResult };
  /** Longer history of the same sample keys, from Prometheus range queries (empty with a reason when it is not running). */
  'metrics:history': { req: { range: HistoryRange }; res: MetricsHistory };
  /**
   * The UI's own round trip to main. The UI calls this periodically and reports how long its previous
   * call took (its own clock, both ends of the trip), which main records in lookout_app_ipc_roundtrip_seconds.
   */
  'metrics:ping': { req: { roundTripSeconds?: number }; res: { at: number } };
  /** Lookout's merged alert list: Alertmanager's alerts and Lookout's own watchdog alerts. */
  'alerts:get': { req: Record<string, never>; res: AlertsSnapshot };
  /** Alert history from Prometheus' ALERTS series plus the notification log (default range 24h). */
  'alerts:history': { req: { range?: AlertHistoryRange }; res: AlertHistory };
  /** Silence an alert until it resolves (`by` and `comment` go into the silence's comment). */
  'alerts:ack': { req: { id: string; comment?: string; by?: string }; res: SilenceResult };
  /** Silence an alert for `duration` (a Prometheus duration such as 30m or 2h). */
  'alerts:snooze': { req: { id: string; duration: string; comment?: string; by?: string }; res: SilenceResult };
  /** Undo an ack or snooze (or end any Alertmanager silence) by its id. */
  'silences:delete': { req: { id: string }; res: AlertsSnapshot };
  /** Send a test alert of a severity through Alertmanager; answers which channels are enabled for it. */
  'alerts:test': { req: { severity: AlertSeverity }; res: { channels: Array<'desktop' | 'slack' | 'email' | 'webhook'> } };
  /** Which receiver secrets are set; values are never returned. */
  'secrets:get': { req: Record<string, never>; res: SecretsStatus };
  /** Store a receiver secret (0600 file; safeStorage in the app) and re-apply the configs. */
  'secrets:set': { req: { name: SecretName; value: string }; res: SecretsStatus };
  'secrets:clear': { req: { name: SecretName }; res: SecretsStatus };
  /** Every scrape target (settings.json and `lookout demo`) with Prometheus' up for it. */
  'services:list': { req: Record<string, never>; res: ServicesSnapshot };
  /** Traces in the telemetry store: error traces first, then newest; the last hour by default. */
  'traces:list': { req: TraceListQuery; res: TraceList };
  /** One trace with all its spans; null when the store has none of it. */
  'traces:get': { req: { traceId: string }; res: { trace: TraceDetail | null } };
  /** Log lines from the store, newest first, filtered by service, level, text and trace. */
  'logs:search': { req: LogSearchQuery; res: LogSearchResult };
  /** Error lines grouped by pattern, with counts, first and last seen, services and an example trace. */
  'logs:errors': { req: LogErrorsQuery; res: LogErrorsResult };
  /** Patterns with counts and counts per bucket (sparklines). */
  'logs:patterns': { req: LogPatternsQuery; res: LogPatternsResult };
  /** Percentiles of logged durations per route or pattern. */
  'logs:latency': { req: LogLatencyQuery; res: LogLatencyResult };
  /** What is followed and what is shipped where. */
  'logs:status': { req: Record<string, never>; res: LogsStatus };
  /** What is installed, by which source, what is missing, newer versions, and the installers and runtimes found. */
  'install:status': { req: Record<string, never>; res: InstallStatus };
  /** Install components (the missing enabled ones when omitted); answers once under way, progress comes as install:progress. */
  /** `source: 'docker'`: run them as containers instead (runtime "docker" in settings), pulling their images. */
  'install:start': { req: { components?: InstallComponentId[]; source?: 'auto' | 'brew' | 'release' | 'docker' }; res: InstallStartResult };
  /** Cancel installs under way (all when omitted); nothing half-installed is left behind. */
  'install:cancel': { req: { components?: InstallComponentId[] }; res: InstallStatus };
  /** The backups in the backups dir, newest first, and when the next scheduled one runs. */
  'backup:list': { req: Record<string, never>; res: BackupList };
  /** Make a backup now (the TSDB snapshot, settings, configs, Grafana's database, the telemetry store; secrets only with a passphrase). */
  'backup:create': { req: { includeSecrets?: boolean; passphrase?: string }; res: BackupSummary };
  /** Verify a backup and put it in place; a failed restore puts the previous state back (the error says so). */
  'backup:restore': { req: { id: string; passphrase?: string }; res: RestoreSummary };
  'backup:prune': { req: { keep?: number }; res: { kept: string[]; deleted: string[] } };
  /** Each remote-write target as Prometheus reports it. */
  'remoteWrite:status': { req: Record<string, never>; res: RemoteWriteStatusReport };
  /** Whether the stack's endpoints refuse requests without the stack credential. */
  'lockdown:status': { req: Record<string, never>; res: { enabled: boolean; checks: CheckResult[] } };
  /** The stack's login for Prometheus' and Alertmanager's own pages (lock-down on); POST so nothing caches it. */
  'stack:credentials': { req: Record<string, never>; res: { user: string; password: string } };
}

/** Events pushed from main to the UI. */
export interface EventMap {
  'stack:changed': StackSnapshot;
  /** What the menubar icon shows: the stack's overall state, raised by unsilenced firing alerts. */
  'app:overall': OverallState;
  /** One live reading per UI interval. */
  'metrics:sample': MetricsSample;
  /** The settings in force changed (saved from the UI, edited by hand, or rejected). */
  'settings:changed': SettingsView;
  /** The shell asks the UI to bring a section into view (tray menu → Preferences…). */
  'app:focus': UiSection;
  /** The alert list changed (new, resolved, silenced, a source became (un)reachable). */
  'alerts:changed': AlertsSnapshot;
  /** Lines just stored, newest last, at most one batch a second (the Logs view's live tail). */
  'logs:tail': { lines: LogLine[] };
  /** One step of an install (a progress bar); `done` and `failed` are final. */
  'install:progress': InstallProgress;
}

export type Channel = keyof InvokeMap;
export type EventName = keyof EventMap;

/** Every pushed event, typed over EventMap so that a new event cannot be left out of a transport. */
const EVENTS: { [E in EventName]: true } = {
  'stack:changed': true,
  'app:overall': true,
  'metrics:sample': true,
  'app:focus': true,
  'settings:changed': true,
  'alerts:changed': true,
  'logs:tail': true,
  'install:progress': true,
};
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];
export type Req<C extends Channel> = InvokeMap[C]['req'];
export type Res<C extends Channel> = InvokeMap[C]['res'];

/** How a channel travels over HTTP. */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** With `{param}` segments filled from the request (common/route-table.ts matches them on the server). */
  path: string;
  /** A status other than 2xx whose body is still the channel's result (a refusal with reasons). */
  refusedStatus?: number;
}

/** HTTP binding of each channel: the browser-mode API and the CLI use these. */
export const HTTP_ROUTES = {
  'app:info': { method: 'GET', path: '/api/v1/info' },
  'stack:get': { method: 'GET', path: '/api/v1/stack' },
  'stack:start': { method: 'POST', path: '/api/v1/stack/start' },
  'stack:stop': { method: 'POST', path: '/api/v1/stack/stop' },
  'stack:restart': { method: 'POST', path: '/api/v1/stack/restart' },
  'metrics:get': { method: 'GET', path: '/api/v1/metrics/live' },
  'grafana:credentials': { method: 'POST', path: '/api/v1/grafana/credentials' },
  'metrics:history': { method: 'GET', path: '/api/v1/metrics/history' },
  'metrics:ping': { method: 'POST', path: '/api/v1/metrics/ping' },
  'settings:get': { method: 'GET', path: '/api/v1/settings' },
  'links:get': { method: 'GET', path: '/api/v1/links' },
  // A document the schema refuses answers 422 with the result (its issues), not an error envelope.
  'settings:update': { method: 'POST', path: '/api/v1/settings', refusedStatus: 422 },
  'alerts:get': { method: 'GET', path: '/api/v1/alerts' },
  'alerts:history': { method: 'GET', path: '/api/v1/alerts/history' },
  'alerts:ack': { method: 'POST', path: '/api/v1/alerts/ack' },
  'alerts:snooze': { method: 'POST', path: '/api/v1/alerts/snooze' },
  'silences:delete': { method: 'DELETE', path: '/api/v1/silences/{id}' },
  'alerts:test': { method: 'POST', path: '/api/v1/alerts/test' },
  'secrets:get': { method: 'GET', path: '/api/v1/secrets' },
  'secrets:set': { method: 'POST', path: '/api/v1/secrets/{name}' },
  'secrets:clear': { method: 'DELETE', path: '/api/v1/secrets/{name}' },
  'services:list': { method: 'GET', path: '/api/v1/services' },
  'traces:list': { method: 'GET', path: '/api/v1/traces' },
  'traces:get': { method: 'GET', path: '/api/v1/traces/{traceId}' },
  'logs:search': { method: 'GET', path: '/api/v1/logs' },
  'logs:errors': { method: 'GET', path: '/api/v1/logs/errors' },
  'logs:patterns': { method: 'GET', path: '/api/v1/logs/patterns' },
  'logs:latency': { method: 'GET', path: '/api/v1/logs/latency' },
  'logs:status': { method: 'GET', path: '/api/v1/logs/status' },
  'install:status': { method: 'GET', path: '/api/v1/install' },
  'install:start': { method: 'POST', path: '/api/v1/install' },
  'install:cancel': { method: 'POST', path: '/api/v1/install/cancel' },
  'backup:list': { method: 'GET', path: '/api/v1/backups' },
  'backup:create': { method: 'POST', path: '/api/v1/backups' },
  'backup:restore': { method: 'POST', path: '/api/v1/backups/{id}/restore' },
  'backup:prune': { method: 'POST', path: '/api/v1/backups/prune' },
  'remoteWrite:status': { method: 'GET', path: '/api/v1/remote-write' },
  'lockdown:status': { method: 'GET', path: '/api/v1/lockdown' },
  'stack:credentials': { method: 'POST', path: '/api/v1/stack/credentials' },
} as const satisfies { [C in Channel]: HttpRoute };

/** Every channel, for code that builds the `api` object generically (preload, HTTP client). */
export const CHANNELS = Object.keys(HTTP_ROUTES) as Channel[];

/**
 * Fill a route's `{param}` segments from the request: `/api/v1/silences/{id}` with `{ id: 'x' }` gives
 * `/api/v1/silences/x` and the request without `id` (what goes in the query or body).
 */
export function fillPath(template: string, req: Record<string, unknown>): { path: string; rest: Record<string, unknown> } {
  const rest = { ...req };
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(String(value ?? ''));
  });
  return { path, rest };
}

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
