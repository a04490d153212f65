/**
 * The domain model shared by main, preload and renderer. Types only: common/ imports nothing.
 */

/** Stack components Lookout can supervise. */
export type ComponentId = 'prometheus' | 'alertmanager' | 'node_exporter' | 'grafana' | 'jaeger';

/** Every component id, in dependency order (dependencies first). */
export const COMPONENT_IDS = ['node_exporter', 'alertmanager', 'prometheus', 'grafana', 'jaeger'] as const satisfies readonly ComponentId[];

/**
 * Components Lookout works without: alerting needs Prometheus and Alertmanager, while node_exporter
 * (Lookout's own collectors measure the machine), Grafana (dashboards) and Jaeger (traces) add views.
 * A missing optional component is a warning, not a failure (`lookout doctor` exits 0 for it).
 */
export const OPTIONAL_COMPONENT_IDS = ['node_exporter', 'grafana', 'jaeger'] as const satisfies readonly ComponentId[];

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
  /** Pid of the running process, null when none (and for a container, whose pid lives inside the engine). */
  pid: number | null;
  /** Set when it runs as a container of Lookout's compose project (runtime "docker"): the container's name. */
  container?: string;
  /** Port it listens on (127.0.0.1). */
  port: number;
  /** Version read from the binary, null when unknown or not installed. */
  version: string | null;
  /** Absolute path of the binary in use, null when not installed. */
  binary: string | null;
  /** Why the component is not healthy, in words a user can act on; null when all is well. */
  lastError: string | null;
  /** What to do about lastError, when Lookout knows (the same advice `lookout doctor` gives); null otherwise. */
  fix: string | null;
  /** Short explanation of the current state (e.g. "restart 2 in 4 s"); null when nothing to add. */
  detail: string | null;
  /** Something about its install the user should know although it runs (a `binary` setting that could not be used); null when none. */
  warning: string | null;
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
  /** Worst state of the stack (components, settings, config) raised by the worst alert firing unsilenced; the same value as 'app:overall' and the tray. */
  overall: OverallState;
  /** Problem with the settings file, if the last edit was invalid (the previous valid settings stay in force). */
  settingsError: string | null;
  /** Problem with the last rendered config, if a tool rejected it (the previous config stays in force). */
  configError: string | null;
}

/** Sections of the popover the shell can bring into view. */
export type UiSection = 'stack' | 'machine' | 'alerts' | 'settings';

/** Worst-state summary for the tray icon. */
export type OverallState = 'ok' | 'warning' | 'critical' | 'stopped' | 'starting';

/**
 * Grafana's admin login, for the UI's "copy password" action. Lookout creates the password (random per
 * install, kept in a 0600 file); this is the only secret the API hands out, and only to a caller that
 * passed the API gate (token in browser mode, sender check in Electron).
 */
export interface GrafanaCredentials {
  user: string;
  password: string;
  /** Grafana's login page on 127.0.0.1. */
  url: string;
}

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
  /** True when this machine simply has no such source (no GPU, another OS): down, with nothing to fix. */
  unavailable?: boolean;
  /** Duration of its last run in ms, null before the first run. */
  lastDurationMs: number | null;
  /** Epoch ms of its last successful run. */
  lastSuccessAt: number | null;
}

/** What the machine is (read once): names the live counters do not carry. Unknown fields are null, never guessed. */
export interface MachineInfo {
  cpu: string | null;
  cores: number | null;
  os: string | null;
  /** GPU models; empty when none was found. */
  gpus: string[];
  /** Why something is missing (no GPU found), or null. */
  reason: string | null;
}

/** What the machine view needs on open: recent samples (oldest first), collector health and what the machine is. */
export interface MetricsSnapshot {
  samples: MetricsSample[];
  collectors: CollectorStatus[];
  /** Absent until it has been read once. */
  machine?: MachineInfo;
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

/** One edit from the settings UI: set `value` at `path` (e.g. ['stack', 'components', 'prometheus', 'port']); no value removes the field. */
export interface SettingsChange {
  path: Array<string | number>;
  value?: unknown;
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

/** How urgent an alert is; settings choose which receivers get which severity. */
export type AlertSeverity = 'critical' | 'warning' | 'info';

/**
 * A silence that covers an alert. `ack` (until the alert resolves) and `snooze` (for a chosen time)
 * are made by Lookout; `other` is any silence made elsewhere (amtool, Alertmanager's UI).
 */
export interface AlertSilence {
  id: string;
  kind: 'ack' | 'snooze' | 'other';
  /** Who made it and why, as written in the silence's comment. */
  createdBy: string;
  comment: string;
  /** Epoch ms. */
  endsAt: number;
}

/**
 * One alert in Lookout's merged list: from Alertmanager (Prometheus rules) or from Lookout's own
 * watchdog, which keeps working when Prometheus or Alertmanager is down.
 */
export interface Alert {
  /** Alertmanager's fingerprint, or `lookout:<name>:<subject>` for Lookout's own alerts. */
  id: string;
  source: 'alertmanager' | 'lookout';
  /** The alertname label (ServiceDown, LookoutWatchdogMissing, …). */
  name: string;
  severity: AlertSeverity;
  /** `suppressed`: firing but silenced (acked, snoozed) or inhibited by a related alert. */
  state: 'firing' | 'suppressed' | 'resolved';
  labels: Record<string, string>;
  summary: string;
  description: string;
  /** Where to read what to do, or null. */
  runbook: string | null;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms when it resolved; null while it fires. */
  resolvedAt: number | null;
  silences: AlertSilence[];
  /** Ids of alerts that inhibit this one (a ServiceDown silencing that job's latency alert). */
  inhibitedBy: string[];
  /** The matching Grafana view on 127.0.0.1, or null when Grafana is disabled or not running (running/unhealthy only: no link to a closed port). */
  grafanaUrl: string | null;
  /**
   * The traces of the alert's service (its `job`): Jaeger's search in the alert's window when Jaeger is
   * enabled and running (http://127.0.0.1:…, opened externally through the allowlist), else Lookout's own
   * trace view as a hash route of the UI (`#/traces?service=<job>&errors=1`, opened in place). Null or
   * absent for alerts about no service. Optional so lists made before it existed still fit the type.
   */
  tracesUrl?: string | null;
  /** Notification group: alertname, job and severity, as Alertmanager groups them. */
  group: string;
}

/**
 * What an alert source is doing, as the UI should read it: `starting` and `stopped` (the component is
 * starting, or was stopped by the user) are states, not problems, so no warning banner; only
 * `unreachable` (it runs, or should by now, and does not answer) is a warning. `unknown`: not tried yet.
 */
export type AlertSourceState = 'unknown' | 'reachable' | 'unreachable' | 'starting' | 'stopped';

/** Whether Lookout could reach an alert source at its last attempt. */
export interface AlertSourceStatus {
  /** null before the first attempt, and while the component is starting or stopped (see `state`): no answer is expected then. */
  reachable: boolean | null;
  /** Epoch ms of the last successful sync. */
  lastOkAt: number | null;
  /** Why it is unreachable; null when reachable, starting or stopped. */
  error: string | null;
  /** Absent only in payloads from older cores; read a missing one as `reachable` true/false → 'reachable'/'unreachable'. */
  state?: AlertSourceState;
}

/** Everything the alert list needs, pushed on every change ('alerts:changed'). */
export interface AlertsSnapshot {
  /** Firing and suppressed alerts, then recently resolved ones; most severe first. */
  alerts: Alert[];
  alertmanager: AlertSourceStatus;
  prometheus: AlertSourceStatus;
  /** Epoch ms when the Watchdog alert last arrived through the whole pipeline; null if never since start. */
  lastWatchdogAt: number | null;
}

/** A stretch of time an alert was firing (or pending), from Prometheus' ALERTS series. */
export interface AlertHistoryInterval {
  name: string;
  severity: AlertSeverity | null;
  /** The alert's labels without alertname, alertstate and severity. */
  labels: Record<string, string>;
  state: 'firing' | 'pending';
  /** Epoch ms. */
  from: number;
  /** Epoch ms; null when it still fires at the end of the range. */
  to: number | null;
}

/** One line of Lookout's notification log (alerts/notifications.jsonl). */
export interface NotificationLogEntry {
  /** Epoch ms. */
  at: number;
  kind: 'firing' | 'resolved' | 'summary';
  /** Notification groups it covers. */
  groups: string[];
  severity: AlertSeverity | null;
  title: string;
  body: string;
  /** Shown to the user; false when held back (quiet hours) or when the notifier failed. */
  delivered: boolean;
  /** Why it was not shown: 'quiet-hours', or the notifier's error. */
  reason: string | null;
}

export const ALERT_HISTORY_RANGES = ['1h', '6h', '24h', '7d'] as const;
export type AlertHistoryRange = (typeof ALERT_HISTORY_RANGES)[number];

/** Recent alert history: Prometheus' ALERTS series plus Lookout's own notification log. */
export interface AlertHistory {
  range: AlertHistoryRange;
  /** Epoch ms. */
  from: number;
  to: number;
  intervals: AlertHistoryInterval[];
  /** Newest first. */
  notifications: NotificationLogEntry[];
  /** Why intervals is empty or partial (Prometheus not running, query failed); null when fine. */
  prometheusError: string | null;
}

/** What ack and snooze answer: the silence made, and the list after it. */
export interface SilenceResult {
  silenceId: string;
  alerts: AlertsSnapshot;
}

/** Secrets of the alert receivers. Set and cleared through the API; never read back. */
export const SECRET_NAMES = ['slackUrl', 'smtpPassword', 'webhookToken'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/** Which secrets are set (their values never leave main). */
export type SecretsStatus = Record<SecretName, boolean>;

/** A link the popover offers (Grafana dashboards, Prometheus, Alertmanager), made and allowlisted by main. */
export interface QuickLink {
  id: string;
  label: string;
  /** http://127.0.0.1:… only. */
  url: string;
}

/** A scrape target of Prometheus: a service from settings.json or one `lookout demo` published. */
export interface ServiceView {
  /** The job name. */
  name: string;
  /** Where Prometheus scrapes it (base URL, without the metrics path). */
  url: string;
  metricsPath: string;
  /** `settings`: in settings.json; `demo`: published by `lookout demo` (demo.json), not written to settings. */
  source: 'settings' | 'demo';
  /** Prometheus' `up` for the job: true, false, or null when Prometheus cannot tell (not running, not scraped yet). */
  up: boolean | null;
  /** When `up` is null, why. */
  upError: string | null;
  /** Log files followed for it. */
  logFiles: string[];
}

export interface ServicesSnapshot {
  services: ServiceView[];
}
