import type { AttributeValue, LogLevel, LogRecord } from '../../store/records';

/**
 * An OTLP/HTTP ExportLogsServiceRequest in the OTLP JSON encoding (`Content-Type: application/json`),
 * which every OTLP/HTTP receiver must accept: 64-bit integers as decimal strings, trace and span ids as
 * hex (not base64, unlike the protobuf JSON mapping), enum values as numbers. JSON rather than protobuf
 * keeps a protobuf dependency out; the Collector, Jaeger v2, Loki 3 and Grafana Cloud take both.
 * One ResourceLogs per service (`service.name`), one ScopeLogs (`lookout`).
 */

/** OpenTelemetry severity numbers: the first of each range (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21). */
const SEVERITY: Record<LogLevel, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | Record<string, never>;
interface KeyValue {
  key: string;
  value: AnyValue;
}

function anyValue(v: AttributeValue): AnyValue {
  if (v === null) return {};
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: anyValue(x) })) } };
}

export function encodeOtlpLogs(records: readonly LogRecord[], observedUs: number): unknown {
  const byService = new Map<string, LogRecord[]>();
  for (const r of records) {
    const list = byService.get(r.service);
    if (list) list.push(r);
    else byService.set(r.service, [r]);
  }
  return {
    resourceLogs: [...byService].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [
        {
          scope: { name: 'lookout' },
          logRecords: list.map((r) => ({
            timeUnixNano: `${Math.max(0, Math.round(r.timeUs))}000`,
            observedTimeUnixNano: `${Math.round(observedUs)}000`,
            ...(r.level ? { severityNumber: SEVERITY[r.level], severityText: r.level.toUpperCase() } : {}),
            body: { stringValue: r.message },
            attributes: [
              { key: 'log.source', value: { stringValue: r.source } },
              { key: 'log.origin', value: { stringValue: r.origin } },
              ...Object.entries(r.attributes).map(([key, v]) => ({ key, value: anyValue(v) })),
            ],
            ...(r.traceId ? { traceId: r.traceId } : {}),
            ...(r.spanId ? { spanId: r.spanId } : {}),
          })),
        },
      ],
    })),
  };
}
