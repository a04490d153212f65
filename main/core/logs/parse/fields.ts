import type { AttributeValue, Attributes, LogLevel } from '../../store/records';
import { normalizeLevel } from './level';
import { parseTimeValue } from './time';
import { normalizeSpanId, normalizeTraceId, parseTraceparent } from './trace-ids';

/**
 * Which structured keys mean time, level, message and trace context, across the formats Lookout reads:
 * the kit's pino schema (main/core/telemetry/log-schema.ts: `time`, `level`, `msg`, `trace_id`, `span_id`),
 * pino's defaults (`time` epoch ms, numeric `level`), zap (`ts` epoch seconds, `msg`), slog (`time`,
 * `level`, `msg`), go-kit (`ts`, `level`, `msg`), Grafana (`t`, `level`/`lvl`), OpenTelemetry-style
 * camelCase ids (`traceId`, Jaeger's and Grafana's `traceID`) and a W3C `traceparent` field.
 */
const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp', 't'];
const LEVEL_KEYS = ['level', 'lvl', 'severity', 'log.level', 'levelname'];
const MESSAGE_KEYS = ['msg', 'message'];
const TRACE_KEYS = ['trace_id', 'traceId', 'traceID', 'trace.id', 'traceid'];
const SPAN_KEYS = ['span_id', 'spanId', 'spanID', 'span.id', 'spanid'];

/** What a structured line says about itself; anything it does not say is null. */
export interface Fields {
  timeUs: number | null;
  level: LogLevel | null;
  message: string | null;
  traceId: string | null;
  spanId: string | null;
  attributes: Attributes;
}

function first(obj: Record<string, unknown>, keys: string[]): string | undefined {
  for (const k of keys) if (obj[k] !== undefined) return k;
  return undefined;
}

/**
 * Split a structured line's fields into the record's own parts and the rest (attributes). A field is
 * only taken out when its value was usable: a `time` that is not a time stays an attribute, so nothing
 * the line said is lost. `service` is dropped when it repeats the record's service.
 */
export function splitFields(obj: Record<string, AttributeValue>, service: string): Fields {
  const used = new Set<string>();
  const take = <T>(keys: string[], read: (v: unknown) => T | null): T | null => {
    const k = first(obj, keys);
    if (k === undefined) return null;
    const v = read(obj[k]);
    if (v !== null) used.add(k);
    return v;
  };
  const timeUs = take(TIME_KEYS, parseTimeValue);
  const level = take(LEVEL_KEYS, normalizeLevel);
  const message = take(MESSAGE_KEYS, (v) => (typeof v === 'string' ? v : v === null || typeof v === 'object' ? null : String(v)));
  let traceId = take(TRACE_KEYS, normalizeTraceId);
  let spanId = take(SPAN_KEYS, normalizeSpanId);
  if (traceId === null && obj.traceparent !== undefined) {
    const tp = parseTraceparent(obj.traceparent);
    if (tp) {
      traceId = tp.traceId;
      spanId ??= tp.spanId;
    }
  }
  if (obj.service === service) used.add('service');
  const attributes: Attributes = {};
  for (const k in obj) if (!used.has(k)) attributes[k] = obj[k]!;
  return { timeUs, level, message, traceId, spanId, attributes };
}
