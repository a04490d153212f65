/**
 * Records → DuckDB data chunks → appender. Column by column (one native call per chunk column, not one
 * per value): measured about 20 % faster than appending value by value, and the appender is the
 * fastest way into DuckDB short of its own file readers.
 */
import { BIGINT, DOUBLE, DuckDBDataChunk, UINTEGER, UTINYINT, VARCHAR, type DuckDBAppender, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { LogRecord, SpanRecord } from './records';
import { levelRank, SPAN_KINDS, SPAN_STATUSES } from './schema';

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const CHUNK_ROWS = 2048;

const SPAN_TYPES: DuckDBType[] = [BIGINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, UTINYINT, BIGINT, UTINYINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR];
const PART_TYPES: DuckDBType[] = [BIGINT, BIGINT, VARCHAR, UINTEGER, UINTEGER, VARCHAR, VARCHAR, VARCHAR];
const LOG_TYPES: DuckDBType[] = [BIGINT, VARCHAR, VARCHAR, VARCHAR, UTINYINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, DOUBLE, VARCHAR];

const big = (n: number): bigint => BigInt(Math.round(n));

function appendColumns(appender: DuckDBAppender, types: DuckDBType[], rows: number, column: (c: number, from: number, to: number) => DuckDBValue[]): void {
  for (let from = 0; from < rows; from += CHUNK_ROWS) {
    const to = Math.min(rows, from + CHUNK_ROWS);
    const chunk = DuckDBDataChunk.create(types, to - from);
    chunk.setColumns(types.map((_, c) => column(c, from, to)));
    appender.appendDataChunk(chunk);
  }
}

/** Append spans in the column order of the `spans` table. */
export function appendSpans(appender: DuckDBAppender, spans: readonly SpanRecord[]): void {
  appendColumns(appender, SPAN_TYPES, spans.length, (c, from, to) => {
    const out: DuckDBValue[] = new Array(to - from);
    for (let i = from; i < to; i++) {
      const s = spans[i]!;
      out[i - from] = spanColumn(s, c);
    }
    return out;
  });
}

function spanColumn(s: SpanRecord, c: number): DuckDBValue {
  switch (c) {
    case 0: return big(s.startUs);
    case 1: return s.traceId;
    case 2: return s.spanId;
    case 3: return s.parentSpanId;
    case 4: return s.service;
    case 5: return s.name;
    case 6: return Math.max(0, SPAN_KINDS.indexOf(s.kind));
    case 7: return big(Math.max(0, s.durationUs));
    case 8: return Math.max(0, SPAN_STATUSES.indexOf(s.status));
    case 9: return s.statusMessage;
    case 10: return JSON.stringify(s.attributes);
    case 11: return JSON.stringify(s.events);
    case 12: return JSON.stringify(s.links);
    case 13: return JSON.stringify(s.resource);
    default: return s.scope;
  }
}

/** One `trace_parts` row: what a batch holds of one trace. */
export interface TracePart {
  traceId: string;
  startUs: number;
  endUs: number;
  spanCount: number;
  errorCount: number;
  rootService: string | null;
  rootName: string | null;
  services: Set<string>;
}

/** Summarise a batch per trace (see schema.ts for why the store keeps these). */
export function traceParts(spans: readonly SpanRecord[]): TracePart[] {
  const parts = new Map<string, TracePart>();
  for (const s of spans) {
    let p = parts.get(s.traceId);
    if (!p) {
      p = { traceId: s.traceId, startUs: s.startUs, endUs: s.startUs + s.durationUs, spanCount: 0, errorCount: 0, rootService: null, rootName: null, services: new Set() };
      parts.set(s.traceId, p);
    }
    p.startUs = Math.min(p.startUs, s.startUs);
    p.endUs = Math.max(p.endUs, s.startUs + s.durationUs);
    p.spanCount++;
    if (s.status === 'error') p.errorCount++;
    if (s.parentSpanId === null) {
      p.rootService = s.service;
      p.rootName = s.name;
    }
    p.services.add(s.service);
  }
  return [...parts.values()];
}

/** Services are kept as `,a,b,` so "involves service S" is `contains(services, ',S,')`. */
export function encodeServices(services: Iterable<string>): string {
  return `,${[...services].sort().join(',')},`;
}

export function decodeServices(encoded: string): string[] {
  return [...new Set(encoded.split(',').filter(Boolean))].sort();
}

export function appendTraceParts(appender: DuckDBAppender, parts: readonly TracePart[]): void {
  appendColumns(appender, PART_TYPES, parts.length, (c, from, to) => {
    const out: DuckDBValue[] = new Array(to - from);
    for (let i = from; i < to; i++) {
      const p = parts[i]!;
      out[i - from] =
        c === 0 ? big(p.startUs)
        : c === 1 ? big(p.endUs)
        : c === 2 ? p.traceId
        : c === 3 ? p.spanCount
        : c === 4 ? p.errorCount
        : c === 5 ? p.rootService
        : c === 6 ? p.rootName
        : encodeServices(p.services);
    }
    return out;
  });
}

/** Append log records in the column order of the `logs` table. */
export function appendLogs(appender: DuckDBAppender, logs: readonly LogRecord[]): void {
  appendColumns(appender, LOG_TYPES, logs.length, (c, from, to) => {
    const out: DuckDBValue[] = new Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = logColumn(logs[i]!, c);
    return out;
  });
}

function logColumn(l: LogRecord, c: number): DuckDBValue {
  switch (c) {
    case 0: return big(l.timeUs);
    case 1: return l.service;
    case 2: return l.source;
    case 3: return l.origin;
    case 4: return l.level === null ? null : levelRank(l.level);
    case 5: return l.message;
    case 6: return l.traceId;
    case 7: return l.spanId;
    case 8: return JSON.stringify(l.attributes);
    case 9: return l.templateId ?? null;
    case 10: return l.template ?? null;
    case 11: return l.durationMs ?? null;
    default: return l.route ?? null;
  }
}
