/**
 * What the UI and the CLI see of traces and of the log queries over the same store: trace lists, one
 * trace with its spans, log search results, error groups, patterns and latency figures. Types only;
 * common/ imports nothing.
 *
 * Times are epoch microseconds (`…Us`) as the store keeps them, durations microseconds unless the
 * name says otherwise (`…Ms` for the durations logged by services).
 */

/** An attribute value with its structure kept (OTLP arrays and key-value lists nest). */
export type TraceAttributeValue = string | number | boolean | null | TraceAttributeValue[] | { [key: string]: TraceAttributeValue };

export type TraceAttributes = Record<string, TraceAttributeValue>;

/** OTLP span kinds, lower case. */
export type TraceSpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** OTLP status codes, lower case. */
export type TraceSpanStatus = 'unset' | 'ok' | 'error';

/** One trace in a list: enough to draw a row and decide whether to open it. */
export interface TraceSummary {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** Service of the root span; null when the root span was never received. */
  rootService: string | null;
  /** Name of the root span; null when the root span was never received. */
  rootName: string | null;
  /** Earliest span start, epoch µs. */
  startUs: number;
  /** Latest span end minus earliest span start, µs. */
  durationUs: number;
  spanCount: number;
  /** Spans whose status is error. */
  errorCount: number;
  /** Every service with a span in the trace, sorted. */
  services: string[];
}

/** A time-stamped event inside a span. */
export interface TraceSpanEvent {
  timeUs: number;
  name: string;
  attributes: TraceAttributes;
}

/** A link from a span to a span of another (or the same) trace. */
export interface TraceSpanLink {
  traceId: string;
  spanId: string;
  attributes: TraceAttributes;
}

/** One span of a trace, for the waterfall and its detail pane. */
export interface TraceSpan {
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** null for a root span. */
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: TraceSpanKind;
  startUs: number;
  durationUs: number;
  status: TraceSpanStatus;
  statusMessage: string | null;
  attributes: TraceAttributes;
  events: TraceSpanEvent[];
  links: TraceSpanLink[];
  /** Resource attributes other than service.name. */
  resource: TraceAttributes;
  /** Instrumentation scope name. */
  scope: string | null;
}

/** One trace with all its stored spans, ordered by start time. */
export interface TraceDetail {
  summary: TraceSummary;
  spans: TraceSpan[];
}

/** Which traces to list. Every field is optional; the defaults are the store's (last hour, 50). */
export interface TraceListQuery {
  /** Only traces with at least one span of this service. */
  service?: string;
  /** Only traces with at least one error span. */
  errorsOnly?: boolean;
  /** Window start, epoch µs (inclusive). Default: one hour before `toUs`. */
  fromUs?: number;
  /** Window end, epoch µs (exclusive). Default: now. */
  toUs?: number;
  /** At most this many traces (1–1000, default 50). */
  limit?: number;
}

/** A trace list: error traces first, then newest first. */
export interface TraceList {
  traces: TraceSummary[];
  /** The window that was searched, epoch µs. */
  fromUs: number;
  toUs: number;
}

/** Normalised log severity, lowest first. */
export type TraceLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** One stored log line. */
export interface LogLine {
  timeUs: number;
  service: string;
  /** file, otlp, stack or lookout. */
  source: string;
  /** The file path, component id or "otlp" it was read from. */
  origin: string;
  level: TraceLogLevel | null;
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
  minLevel?: TraceLogLevel;
  /** Case-insensitive substring of the message. */
  text?: string;
  /** Only lines of this trace. */
  traceId?: string;
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
  minLevel?: TraceLogLevel;
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
  minLevel?: TraceLogLevel;
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
  maxLevel: TraceLogLevel | null;
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
