/**
 * A stand-in for an OTLP/HTTP logs receiver (the Collector, Jaeger v2 or Loki 3 cannot run here):
 * `POST /v1/logs` with `Content-Type: application/json`, the OTLP JSON encoding of
 * ExportLogsServiceRequest (opentelemetry-proto, logs/v1): resourceLogs[].resource.attributes,
 * scopeLogs[].logRecords[] with timeUnixNano as a decimal string, severityNumber 0–24, body as an
 * AnyValue, traceId (32 hex) and spanId (16 hex) as hex strings. A malformed request gets 400, as the
 * spec asks; a good one 200 with an empty ExportLogsServiceResponse. `mode` fails on command like the
 * Loki stand-in.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StandInMode } from './loki-stand-in';

export interface OtlpLogRecord {
  service: string;
  timeUnixNano: string;
  severityNumber?: number;
  severityText?: string;
  body: string;
  traceId?: string;
  spanId?: string;
  attributes: Record<string, unknown>;
}

export interface OtlpLogsStandIn {
  url: string;
  records: OtlpLogRecord[];
  requests: { headers: http.IncomingHttpHeaders; status: number }[];
  mode: StandInMode;
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string; doubleValue?: number; boolValue?: boolean; arrayValue?: { values: AnyValue[] }; kvlistValue?: { values: { key: string; value: AnyValue }[] } };

function value(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) {
    if (!/^-?\d+$/.test(v.intValue)) throw new Error(`intValue must be a decimal string, got ${v.intValue}`);
    return Number(v.intValue);
  }
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return v.arrayValue.values.map(value);
  if (v.kvlistValue) return Object.fromEntries(v.kvlistValue.values.map((kv) => [kv.key, value(kv.value)]));
  return null;
}

function parse(body: unknown): OtlpLogRecord[] {
  const out: OtlpLogRecord[] = [];
  const rl = (body as { resourceLogs?: unknown }).resourceLogs;
  if (!Array.isArray(rl)) throw new Error('resourceLogs must be an array');
  for (const r of rl as { resource?: { attributes?: { key: string; value: AnyValue }[] }; scopeLogs?: unknown }[]) {
    const attrs = Object.fromEntries((r.resource?.attributes ?? []).map((kv) => [kv.key, value(kv.value)]));
    if (!Array.isArray(r.scopeLogs)) throw new Error('scopeLogs must be an array');
    for (const s of r.scopeLogs as { logRecords?: unknown }[]) {
      if (!Array.isArray(s.logRecords)) throw new Error('logRecords must be an array');
      for (const lr of s.logRecords as Record<string, unknown>[]) {
        if (typeof lr.timeUnixNano !== 'string' || !/^\d+$/.test(lr.timeUnixNano)) throw new Error(`timeUnixNano must be a decimal string, got ${JSON.stringify(lr.timeUnixNano)}`);
        if (lr.severityNumber !== undefined && (typeof lr.severityNumber !== 'number' || lr.severityNumber < 0 || lr.severityNumber > 24)) throw new Error('severityNumber must be 0–24');
        if (lr.traceId !== undefined && !/^[0-9a-f]{32}$/.test(String(lr.traceId))) throw new Error(`traceId must be 32 hex characters, got ${String(lr.traceId)}`);
        if (lr.spanId !== undefined && !/^[0-9a-f]{16}$/.test(String(lr.spanId))) throw new Error(`spanId must be 16 hex characters, got ${String(lr.spanId)}`);
        out.push({
          service: String(attrs['service.name'] ?? ''),
          timeUnixNano: lr.timeUnixNano,
          severityNumber: lr.severityNumber as number | undefined,
          severityText: lr.severityText as string | undefined,
          body: String(value((lr.body ?? {}) as AnyValue)),
          traceId: lr.traceId as string | undefined,
          spanId: lr.spanId as string | undefined,
          attributes: Object.fromEntries(((lr.attributes ?? []) as { key: string; value: AnyValue }[]).map((kv) => [kv.key, value(kv.value)])),
        });
      }
    }
  }
  return out;
}

export async function startOtlpLogsStandIn(): Promise<OtlpLogsStandIn> {
  const records: OtlpLogRecord[] = [];
  const requests: OtlpLogsStandIn['requests'] = [];
  const state = { mode: 'up' as StandInMode };
  const server = http.createServer((req, res) => {
    if (state.mode === 'down') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, text: string, type = 'text/plain') => {
        requests.push({ headers: req.headers, status });
        res.writeHead(status, { 'content-type': type }).end(text);
      };
      if (typeof state.mode === 'object') return answer(state.mode.status, state.mode.body ?? `stand-in answering ${state.mode.status}`);
      if (req.method !== 'POST' || req.url !== '/v1/logs') return answer(404, 'not found');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return answer(415, 'stand-in accepts only application/json');
      try {
        records.push(...parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      } catch (err) {
        return answer(400, (err as Error).message);
      }
      answer(200, '{}', 'application/json');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/logs`,
    records,
    requests,
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
