/**
 * SpanRecord / LogRecord → OTLP protobuf (ExportTraceServiceRequest / ExportLogsServiceRequest), for
 * forwarding kept traces to Jaeger and for tests. Spans are grouped back by resource (service plus
 * its other resource attributes) and scope, as an SDK would have sent them.
 */
import type { LogLevel, LogRecord, SpanRecord } from '../store/records';
import { toAnyValue, toKeyValues } from './attributes';
import { LogsRequest, TraceRequest, type PbLogsRequest, type PbSpan, type PbTraceRequest } from './proto';

const KIND_NUMBERS = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const STATUS_NUMBERS = { unset: 0, ok: 1, error: 2 } as const;
/** The lowest SeverityNumber of each level's range (logs data model). */
const SEVERITY_NUMBERS: Record<LogLevel, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

const bytes = (hex: string) => Buffer.from(hex, 'hex');
/** µs → ns as a decimal string: exact where a double of nanoseconds would not be. */
const nanos = (us: number) => (BigInt(Math.round(us)) * 1000n).toString();

function resourceKey(service: string, resource: object): string {
  return `${service}\u0000${JSON.stringify(resource)}`;
}

export function traceRequestOf(spans: readonly SpanRecord[]): PbTraceRequest {
  const resources = new Map<string, { service: string; resource: SpanRecord['resource']; scopes: Map<string, PbSpan[]> }>();
  for (const s of spans) {
    const key = resourceKey(s.service, s.resource);
    let r = resources.get(key);
    if (!r) resources.set(key, (r = { service: s.service, resource: s.resource, scopes: new Map() }));
    const scope = s.scope ?? '';
    let list = r.scopes.get(scope);
    if (!list) r.scopes.set(scope, (list = []));
    list.push({
      traceId: bytes(s.traceId),
      spanId: bytes(s.spanId),
      parentSpanId: s.parentSpanId ? bytes(s.parentSpanId) : null,
      name: s.name,
      kind: KIND_NUMBERS[s.kind],
      startTimeUnixNano: nanos(s.startUs),
      endTimeUnixNano: nanos(s.startUs + s.durationUs),
      attributes: toKeyValues(s.attributes),
      events: s.events.map((e) => ({ timeUnixNano: nanos(e.timeUs), name: e.name, attributes: toKeyValues(e.attributes) })),
      links: s.links.map((l) => ({ traceId: bytes(l.traceId), spanId: bytes(l.spanId), attributes: toKeyValues(l.attributes) })),
      status: { code: STATUS_NUMBERS[s.status], message: s.statusMessage ?? '' },
    });
  }
  return {
    resourceSpans: [...resources.values()].map((r) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: r.service } }, ...toKeyValues(r.resource)] },
      scopeSpans: [...r.scopes.entries()].map(([name, list]) => ({ scope: { name }, spans: list })),
    })),
  };
}

/** ExportTraceServiceRequest bytes for these spans. */
export function encodeSpans(spans: readonly SpanRecord[]): Uint8Array {
  return TraceRequest.encode(traceRequestOf(spans)).finish();
}

export function logsRequestOf(logs: readonly LogRecord[]): PbLogsRequest {
  const byService = new Map<string, LogRecord[]>();
  for (const l of logs) {
    let list = byService.get(l.service);
    if (!list) byService.set(l.service, (list = []));
    list.push(l);
  }
  return {
    resourceLogs: [...byService.entries()].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [
        {
          logRecords: list.map((l) => ({
            timeUnixNano: nanos(l.timeUs),
            severityNumber: l.level ? SEVERITY_NUMBERS[l.level] : 0,
            severityText: l.level ?? '',
            body: toAnyValue(l.message),
            attributes: toKeyValues(l.attributes),
            traceId: l.traceId ? bytes(l.traceId) : null,
            spanId: l.spanId ? bytes(l.spanId) : null,
          })),
        },
      ],
    })),
  };
}

export function encodeLogs(logs: readonly LogRecord[]): Uint8Array {
  return LogsRequest.encode(logsRequestOf(logs)).finish();
}
