/**
 * The domain model shared by main, preload and renderer. Types only: common/ imports nothing.
 */

/** Stack components Lookout can supervise. Later components (jaeger, loki) join this union. */
export type ComponentId = 'prometheus' | 'alertmanager' | 'node_exporter' | 'grafana';

/** Every component id, in dependency order (dependencies first). */
export const COMPONENT_IDS = ['node_exporter', 'alertmanager', 'prometheus', 'grafana'] as const satisfies readonly ComponentId[];

/**
 * Supervisor states. The transition diagram lives in main/core/stack/supervisor.ts.
 * - `not-installed`: no binary found; `start` looks again.
 * - `failed`: crash loop, port conflict or invalid config; nothing respawns until the user acts.
 */
export type ComponentState = 'not-installed' | 'stopped' | 'starting' | 'running' | 'unhealthy' | 'stopping' | 'failed';

/** How the last process of a component ended. */
export interface ExitRecord {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** Signal name (SIGTERM, SIGKILL, ...) or null. */
  signal: string | null;
  /** True when Lookout asked it to stop; false for a crash. */
  expected: boolean;
  /** True when SIGTERM was not enough and Lookout sent SIGKILL. */
  forced: boolean;
  /** Epoch milliseconds. */
  at: number;
}

/** One component as the UI and the API see it. */
export interface ComponentStatus {
  id: ComponentId;
  /** Human name, e.g. "Prometheus". */
  name: string;
  state: ComponentState;
  /** Pid of the running process, null when none. */
  pid: number | null;
  /** Port it listens on (127.0.0.1). */
  port: number;
  /** Version read from the binary, null when unknown or not installed. */
  version: string | null;
  /** Absolute path of the binary in use, null when not installed. */
  binary: string | null;
  /** Why the component is not healthy, in words a user can act on; null when all is well. */
  lastError: string | null;
  /** Short explanation of the current state (e.g. "restart 2 in 4 s"); null when nothing to add. */
  detail: string | null;
  /** Epoch ms when the current state was entered. */
  since: number;
  /** Unexpected exits since the user last started it. */
  restarts: number;
  /** True when this process was found running and adopted rather than spawned by this instance. */
  adopted: boolean;
  lastExit: ExitRecord | null;
  /** URL of the component's own web UI on 127.0.0.1. */
  url: string;
}

/** Everything the stack view needs, pushed on every change. */
export interface StackSnapshot {
  components: ComponentStatus[];
  /** Worst-state summary of this snapshot (what the tray icon shows). */
  overall: OverallState;
  /** Problem with the settings file, if the last edit was invalid (the previous valid settings stay in force). */
  settingsError: string | null;
  /** Problem with the last rendered config, if a tool rejected it (the previous config stays in force). */
  configError: string | null;
}

/** Worst-state summary for the tray icon. */
export type OverallState = 'ok' | 'warning' | 'critical' | 'stopped' | 'starting';

/** Facts about the running Lookout instance. */
export interface AppInfo {
  version: string;
  /** 'electron' for the menubar app, 'serve' for browser mode. */
  mode: 'electron' | 'serve';
  home: string;
  platform: string;
}

/**
 * One live reading of the machine and the watched services, pushed to the UI at the UI interval and
 * kept in a ring buffer for sparklines. Keys are stable dotted names (see METRIC_KEYS); a key that
 * could not be read is absent, never 0.
 */
export interface MetricsSample {
  /** Epoch ms. */
  at: number;
  values: Partial<Record<MetricKey, number>> & Record<string, number>;
}

/** Well-known sample keys. Per-target keys follow the pattern `ipc.<target>.latency_seconds`. */
export const METRIC_KEYS = [
  'cpu.usage_ratio',
  'cpu.load1',
  'memory.used_bytes',
  'memory.total_bytes',
  'memory.pressure_ratio',
  'swap.used_bytes',
  'gpu.utilization_ratio',
  'gpu.memory_used_bytes',
  'disk.used_ratio',
  'net.rx_bytes_per_second',
  'net.tx_bytes_per_second',
  'lookout.cpu_ratio',
  'lookout.rss_bytes',
  'lookout.event_loop_lag_seconds',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** Health of one collector: a collector that cannot read its source says why instead of reporting zeros. */
export interface CollectorStatus {
  id: string;
  up: boolean;
  /** Why it is down (tool missing, timeout, unparsable output…); null when up. */
  reason: string | null;
  /** Duration of its last run in ms, null before the first run. */
  lastDurationMs: number | null;
  /** Epoch ms of its last successful run. */
  lastSuccessAt: number | null;
}

/** What the machine view needs on open: recent samples (oldest first) and collector health. */
export interface MetricsSnapshot {
  samples: MetricsSample[];
  collectors: CollectorStatus[];
}

/** Ranges the machine view can show beyond the live ring buffer. */
export const HISTORY_RANGES = ['1h', '24h'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

/** Samples from Prometheus for a range; `error` says why there are none (Prometheus stopped, query failed). */
export interface MetricsHistory {
  range: HistoryRange;
  samples: MetricsSample[];
  error: string | null;
}

/**
 * The settings as JSON: the shape of main/core/settings/schema.ts with every default filled in. Kept
 * as plain JSON here so common/ stays free of zod; the UI reads fields by path.
 */
export type SettingsDocument = { [key: string]: unknown };

/** One edit from the settings UI: set `value` at `path` (e.g. ['stack', 'components', 'prometheus', 'port']). */
export interface SettingsChange {
  path: Array<string | number>;
  value: unknown;
}

/** A validation problem, with the dotted path of the field it belongs beside (`services[0].url`). */
export interface FieldIssue {
  path: string;
  message: string;
}

export interface SettingsView {
  settings: SettingsDocument;
  /** Why the file on disk is not in force, or null. */
  error: string | null;
  /** Absolute path of settings.json. */
  file: string;
}

/** Saved and applied, or rejected with an issue per field (nothing written). */
export type SettingsUpdateResult = { ok: true; settings: SettingsDocument } | { ok: false; issues: FieldIssue[] };
