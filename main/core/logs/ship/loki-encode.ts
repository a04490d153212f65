import type { Attributes, LogRecord } from '../../store/records';
import type { LokiTarget } from '../settings-schema';

/**
 * A Loki push request (POST /loki/api/v1/push, `Content-Type: application/json`), per Loki's HTTP API:
 *   {"streams":[{"stream":{"service":"api","level":"error","source":"file"},
 *                "values":[["<epoch ns as a string>","<line>"], ["…","…",{"trace_id":"…"}]]}]}
 * Streams are labelled only by service, level and source plus the target's static labels: a label per
 * trace id or path would make a stream per value, which Loki is not built for. Within a stream values
 * keep the queue's order, sorted by time (stable), because Loki without unordered writes (before 2.4,
 * or `unordered_writes: false`) rejects an entry older than the stream's newest; the queue sends one
 * batch at a time, so batches arrive in order too.
 */
export interface LokiPush {
  streams: { stream: Record<string, string>; values: ([string, string] | [string, string, Record<string, string>])[] }[];
}

/** The line Loki stores: the message alone (`raw`), or a JSON object with it, the trace ids and the attributes (`json`, queryable with `| json`). */
export function lokiLine(r: LogRecord, format: LokiTarget['lineFormat']): string {
  if (format === 'raw') return r.message;
  const obj: Attributes = { msg: r.message };
  if (r.traceId) obj.trace_id = r.traceId;
  if (r.spanId) obj.span_id = r.spanId;
  for (const k in r.attributes) if (!(k in obj)) obj[k] = r.attributes[k]!;
  return JSON.stringify(obj);
}

/** Nanoseconds as Loki wants them: a decimal string (µs × 1000, exact for any µs a double holds). */
const ns = (timeUs: number) => `${Math.max(0, Math.round(timeUs))}000`;

export function encodeLokiPush(records: readonly LogRecord[], target: Pick<LokiTarget, 'labels' | 'lineFormat' | 'structuredMetadata'>): LokiPush {
  const streams = new Map<string, { stream: Record<string, string>; entries: { t: number; v: LokiPush['streams'][number]['values'][number] }[] }>();
  for (const r of records) {
    const stream = { ...target.labels, service: r.service, level: r.level ?? 'unknown', source: r.source };
    const key = `${r.service}\u0000${stream.level}\u0000${r.source}`;
    let s = streams.get(key);
    if (!s) streams.set(key, (s = { stream, entries: [] }));
    const line = lokiLine(r, target.lineFormat);
    const meta: Record<string, string> = {};
    if (target.structuredMetadata) {
      if (r.traceId) meta.trace_id = r.traceId;
      if (r.spanId) meta.span_id = r.spanId;
    }
    s.entries.push({ t: r.timeUs, v: Object.keys(meta).length ? [ns(r.timeUs), line, meta] : [ns(r.timeUs), line] });
  }
  return {
    streams: [...streams.values()].map((s) => ({ stream: s.stream, values: s.entries.sort((a, b) => a.t - b.t).map((e) => e.v) })),
  };
}
