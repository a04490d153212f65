/**
 * What the UI and the CLI see of logs in the telemetry store: search results, error groups, patterns
 * with their sparklines and latency figures, and the state of following and shipping. Types only;
 * common/ imports nothing outside common/.
 */
import type { TraceAttributes } from './traces';

/** Normalised log severity, lowest first. */
export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** One stored log line. */
export interface LogLine {
  timeUs: number;
  service: string;
  /** file, otlp, stack or lookout. */
  source: string;
  /** The file path, component id or "otlp" it was read from. */
  origin: string;
  level: LogLevelName | null;
  message: string;
  traceId: string | null;
  spanId: string | null;
  attributes: TraceAttributes;
  templateId: string | null;
  template: string | null;
  durationMs: number | null;
  route: string | null;
}

/** Which log lines to return. */
export interface LogSearchQuery {
  service?: string;
  /** Only lines at this level or above (lines without a level are left out when set). */
  minLevel?: LogLevelName;
  /** Case-insensitive substring of the message. */
  text?: string;
  /** Only lines of this trace. */
  traceId?: string;
  /** Only lines of this pattern (`LogPattern.templateId`, `LogLine.templateId`): a pattern's example lines. */
  templateId?: string;
  /** Epoch µs, inclusive. Default: one hour before `toUs`. */
  fromUs?: number;
  /** Epoch µs, exclusive. Default: now. */
  toUs?: number;
  /** At most this many lines, newest first (1–10000, default 200). */
  limit?: number;
}

export interface LogSearchResult {
  lines: LogLine[];
  fromUs: number;
  toUs: number;
}

/** Which error groups to return. */
export interface LogErrorsQuery {
  service?: string;
  /** Default error: warn includes warnings. */
  minLevel?: LogLevelName;
  fromUs?: number;
  toUs?: number;
  /** Groups, most frequent first (default 50). */
  limit?: number;
  /** Example lines per group (default 3). */
  examples?: number;
}

/**
 * Error lines grouped by their pattern. Lines the analysis has not given a template are grouped by
 * their exact message (`templateId` is then null and `template` is the message).
 */
export interface LogErrorGroup {
  templateId: string | null;
  template: string;
  count: number;
  firstSeenUs: number;
  lastSeenUs: number;
  services: string[];
  /** The trace of the newest line of the group that has one. */
  exampleTraceId: string | null;
  /** The newest messages of the group, newest first. */
  examples: string[];
}

export interface LogErrorsResult {
  groups: LogErrorGroup[];
  fromUs: number;
  toUs: number;
}

/** Which patterns to count. */
export interface LogPatternsQuery {
  service?: string;
  minLevel?: LogLevelName;
  fromUs?: number;
  toUs?: number;
  /** Buckets the window is cut into for the sparkline (1–500, default 30). */
  buckets?: number;
  /** Patterns, most frequent first (default 50). */
  limit?: number;
}

/** A pattern with its count and its counts per bucket (a sparkline). */
export interface LogPattern {
  templateId: string | null;
  template: string;
  count: number;
  /** The highest level seen in the pattern's lines, null when none had one. */
  maxLevel: LogLevelName | null;
  /** `counts[i]` lines in `[fromUs + i × bucketUs, fromUs + (i + 1) × bucketUs)`. */
  counts: number[];
}

export interface LogPatternsResult {
  patterns: LogPattern[];
  fromUs: number;
  toUs: number;
  bucketUs: number;
}

/** Which latency figures to compute. */
export interface LogLatencyQuery {
  service?: string;
  /** Group by the route a line names, or by its pattern (default route). */
  by?: 'route' | 'template';
  fromUs?: number;
  toUs?: number;
  limit?: number;
}

/** Percentiles of the durations logged under one route or pattern, in milliseconds. */
export interface LogLatencyRow {
  /** The route, or the template id when grouping by pattern. */
  key: string;
  /** The template text when grouping by pattern, else the route. */
  label: string;
  count: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LogLatencyResult {
  rows: LogLatencyRow[];
  by: 'route' | 'template';
  fromUs: number;
  toUs: number;
}

/** One followed log file. */
export interface LogFileStatus {
  path: string;
  service: string;
  source: string;
  /** Bytes read so far of the current file. */
  offset: number;
  /** Why it cannot be read now, or null. */
  problem: string | null;
}

/** One shipping target (Loki or OTLP) and how its queue stands. */
export interface LogShipStatus {
  name: string;
  type: string;
  /** ok, retrying, full (records are being dropped), failing. */
  state: string;
  message: string | null;
  queuedBytes: number;
  shipped: number;
  dropped: number;
}

/** The log pillar at a glance: what is followed and what is shipped where. */
export interface LogsStatus {
  enabled: boolean;
  files: LogFileStatus[];
  ship: LogShipStatus[];
  /** Problems worth a line in the UI (an offsets file that cannot be written, a rotation that failed). */
  problems: string[];
}
