/**
 * The records Lookout's telemetry store keeps: spans (from the OTLP receiver and Lookout's own tracer)
 * and log records (from followed log files, the OTLP receiver, the stack's and Lookout's own logs).
 * Every producer (receiver, tailer, parsers) emits these, and the store, the sampler, the shippers and
 * the analysis consume them, so they are the one vocabulary of the traces and logs pillars.
 *
 * Times are epoch microseconds as plain numbers: OTLP's nanoseconds do not fit a double exactly, while
 * microseconds do (2^53 µs is about 285 years), and microseconds are what Jaeger and DuckDB's
 * TIMESTAMP use, so no precision a user could see is lost.
 */

/** An OTLP attribute value with its structure kept (arrays and key-value lists nest). */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export type SpanStatus = 'unset' | 'ok' | 'error';

export interface SpanEvent {
  timeUs: number;
  name: string;
  attributes: Attributes;
}

/** A link from a span to a span of another (or the same) trace. */
export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface SpanRecord {
  /** 32 lowercase hex characters, never all zeros. */
  traceId: string;
  /** 16 lowercase hex characters, never all zeros. */
  spanId: string;
  /** null for a root span. */
  parentSpanId: string | null;
  /** The resource's `service.name` ("unknown_service" when it has none, as the OpenTelemetry spec says). */
  service: string;
  name: string;
  kind: SpanKind;
  startUs: number;
  durationUs: number;
  status: SpanStatus;
  /** The status message, null when empty. */
  statusMessage: string | null;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  /** Resource attributes other than service.name. */
  resource: Attributes;
  /** Instrumentation scope name, null when unset. */
  scope: string | null;
}

/** Where a log record came from. */
export type LogSource =
  /** a service's log file declared in settings (services[].logs) or published by `lookout demo` */
  | 'file'
  /** an OTLP/HTTP logs request to the receiver */
  | 'otlp'
  /** a stack component's own log (Prometheus, Alertmanager, node_exporter, Grafana, Jaeger) */
  | 'stack'
  /** Lookout's own log */
  | 'lookout';

/** Normalised severity: what every format's level (pino names, logfmt, syslog words, OTLP numbers) maps to. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const satisfies readonly LogLevel[];

export interface LogRecord {
  timeUs: number;
  /** The service (or component, or "lookout") the line belongs to. */
  service: string;
  source: LogSource;
  /** What exactly it was read from: the file's path, the component id, or "otlp". */
  origin: string;
  /** null when the line says nothing about its level. */
  level: LogLevel | null;
  message: string;
  /** 32 lowercase hex characters, or null. */
  traceId: string | null;
  /** 16 lowercase hex characters, or null. */
  spanId: string | null;
  /** Every other structured field of the line (JSON or logfmt keys, OTLP attributes). */
  attributes: Attributes;
  /**
   * Filled by the log analysis (main/core/logs) before a record is stored; producers leave them out.
   * The pattern the message belongs to (variables masked) and its stable id.
   */
  templateId?: string | null;
  template?: string | null;
  /** A duration the line logs (`duration_ms`, `took 12ms`, …), in milliseconds; for latency per pattern or route. */
  durationMs?: number | null;
  /** The route or operation the duration belongs to, when the line names one. */
  route?: string | null;
}

/** Where producers hand their records; the store implements it (batched, off the hot path). */
export interface TelemetrySink {
  spans(batch: SpanRecord[]): void;
  logs(batch: LogRecord[]): void;
}
