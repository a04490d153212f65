/**
 * What the UI and the CLI see of traces: trace lists and one trace with its spans. Types only;
 * common/ imports nothing. The log queries over the same store are in ./logs.ts.
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
