/**
 * The telemetry store's tables. Why they look like this:
 *
 * - Rows are appended in arrival order, which is nearly time order, so DuckDB's per-row-group zone
 *   maps (min/max per column per 122,880 rows) on `start_us` / `time_us` skip everything outside a
 *   query's window. No ART index: it would slow every append and hold memory, and the time columns
 *   already prune.
 * - `trace_parts` is a summary row per trace per flush (span count, error count, services, root). The
 *   trace lists read it instead of grouping every span: 1 M spans are about 100 k traces, and only the
 *   window's parts are aggregated. A trace whose spans arrive in several flushes has several parts;
 *   the queries sum them.
 * - Attributes, events, links and resources are JSON text: they are shown, rarely filtered on, and
 *   DuckDB's json functions can still reach into them.
 * - Levels, kinds and statuses are small integers (ranks) so `level >= error` is a plain comparison.
 * - Times are epoch microseconds in BIGINT, as in records.ts.
 */
import type { LogLevel, SpanKind, SpanStatus } from './records';

/** Bumped when a table changes shape; stored in `lookout_meta`. */
export const SCHEMA_VERSION = 1;

export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const satisfies readonly SpanKind[];
export const SPAN_STATUSES = ['unset', 'ok', 'error'] as const satisfies readonly SpanStatus[];
/** Level ranks: index + 1 (0 is never stored; a line without a level is NULL). */
export const LEVEL_RANKS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const satisfies readonly LogLevel[];

export function levelRank(level: LogLevel): number {
  return LEVEL_RANKS.indexOf(level) + 1;
}

export function levelFromRank(rank: number | null): LogLevel | null {
  return rank === null ? null : (LEVEL_RANKS[rank - 1] ?? null);
}

export const DDL = [
  `CREATE TABLE IF NOT EXISTS lookout_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS spans (
    start_us BIGINT NOT NULL,
    trace_id VARCHAR NOT NULL,
    span_id VARCHAR NOT NULL,
    parent_span_id VARCHAR,
    service VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind UTINYINT NOT NULL,
    duration_us BIGINT NOT NULL,
    status UTINYINT NOT NULL,
    status_message VARCHAR,
    attributes JSON NOT NULL,
    events JSON NOT NULL,
    links JSON NOT NULL,
    resource JSON NOT NULL,
    scope VARCHAR
  )`,
  `CREATE TABLE IF NOT EXISTS trace_parts (
    start_us BIGINT NOT NULL,
    end_us BIGINT NOT NULL,
    trace_id VARCHAR NOT NULL,
    span_count UINTEGER NOT NULL,
    error_count UINTEGER NOT NULL,
    root_service VARCHAR,
    root_name VARCHAR,
    services VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS logs (
    time_us BIGINT NOT NULL,
    service VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    level UTINYINT,
    message VARCHAR NOT NULL,
    trace_id VARCHAR,
    span_id VARCHAR,
    attributes JSON NOT NULL,
    template_id VARCHAR,
    template VARCHAR,
    duration_ms DOUBLE,
    route VARCHAR
  )`,
] as const;
