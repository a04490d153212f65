/**
 * Decoded OTLP requests → SpanRecord / LogRecord. A record that cannot be stored as such (a trace or
 * span id of the wrong length or all zeros, a span without a start time) is rejected on its own, with
 * a reason; the rest of the request is kept (OTLP's partial success, see receiver.ts).
 */
import type { LogLevel, LogRecord, SpanKind, SpanRecord, SpanStatus } from '../store/records';
import { capString, keyValues, anyValue, type AttributeLimits, type Cuts } from './attributes';
import { nanosToMicros, type PbKeyValue, type PbLogsRequest, type PbTraceRequest } from './proto';

export interface Converted<T> {
  records: T[];
  rejected: number;
  /** The first few distinct reasons, for the response's error message. */
  reasons: string[];
  /** Values cut by the attribute caps. */
  truncated: number;
}

const KINDS: SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: SpanStatus[] = ['unset', 'ok', 'error'];
const MAX_REASONS = 5;

/** Per-record errors found before decoding (JSON ids that are not hex), keyed `r.s.i`. */
export type PreErrors = Map<string, string>;

function hexId(bytes: Uint8Array | null | undefined, size: number, what: string, optional: boolean): { id: string | null } | { error: string } {
  if (!bytes || bytes.length === 0) return optional ? { id: null } : { error: `${what} is missing` };
  if (bytes.length !== size) return { error: `${what} has ${bytes.length} bytes, expected ${size}` };
  if (bytes.every((b) => b === 0)) return { error: `${what} is all zeros` };
  return { id: Buffer.from(bytes).toString('hex') };
}

/** service.name of a resource, "unknown_service" when it has none (OpenTelemetry resource semantic conventions). */
export function serviceName(attrs: PbKeyValue[] | null | undefined): string {
  const kv = attrs?.find((a) => a.key === 'service.name');
  const v = kv?.value?.stringValue;
  return typeof v === 'string' && v.length > 0 ? v.slice(0, 256) : 'unknown_service';
}

function addReason(out: Converted<unknown>, reason: string): void {
  out.rejected++;
  if (out.reasons.length < MAX_REASONS && !out.reasons.includes(reason)) out.reasons.push(reason);
}

export function spansFromRequest(req: PbTraceRequest, limits: AttributeLimits, pre?: PreErrors): Converted<SpanRecord> {
  const out: Converted<SpanRecord> = { records: [], rejected: 0, reasons: [], truncated: 0 };
  const cuts: Cuts = { truncated: 0 };
  (req.resourceSpans ?? []).forEach((rs, r) => {
    const service = serviceName(rs.resource?.attributes);
    const resource = keyValues(rs.resource?.attributes, limits, cuts, 0, 'service.name');
    (rs.scopeSpans ?? []).forEach((ss, s) => {
      const scope = ss.scope?.name ? capString(ss.scope.name, 256, cuts) : null;
      (ss.spans ?? []).forEach((sp, i) => {
        const preError = pre?.get(`${r}.${s}.${i}`);
        if (preError) return addReason(out, preError);
        const traceId = hexId(sp.traceId, 16, 'traceId', false);
        if ('error' in traceId) return addReason(out, traceId.error);
        const spanId = hexId(sp.spanId, 8, 'spanId', false);
        if ('error' in spanId) return addReason(out, spanId.error);
        const parent = hexId(sp.parentSpanId, 8, 'parentSpanId', true);
        if ('error' in parent) return addReason(out, parent.error);
        const startUs = nanosToMicros(sp.startTimeUnixNano);
        if (startUs <= 0) return addReason(out, 'startTimeUnixNano is missing');
        const endUs = nanosToMicros(sp.endTimeUnixNano);
        const links = [];
        for (const l of (sp.links ?? []).slice(0, limits.maxLinks)) {
          const lt = hexId(l.traceId, 16, 'link traceId', false);
          const ls = hexId(l.spanId, 8, 'link spanId', false);
          if ('error' in lt || 'error' in ls) {
            cuts.truncated++;
            continue;
          }
          links.push({ traceId: lt.id!, spanId: ls.id!, attributes: keyValues(l.attributes, limits, cuts) });
        }
        if ((sp.events?.length ?? 0) > limits.maxEvents || (sp.links?.length ?? 0) > limits.maxLinks) cuts.truncated++;
        out.records.push({
          traceId: traceId.id!,
          spanId: spanId.id!,
          parentSpanId: parent.id,
          service,
          name: capString(sp.name ?? '', 1024, cuts),
          kind: KINDS[sp.kind ?? 0] ?? 'unspecified',
          startUs,
          durationUs: Math.max(0, endUs - startUs),
          status: STATUSES[sp.status?.code ?? 0] ?? 'unset',
          statusMessage: sp.status?.message ? capString(sp.status.message, limits.maxValueChars, cuts) : null,
          attributes: keyValues(sp.attributes, limits, cuts),
          events: (sp.events ?? []).slice(0, limits.maxEvents).map((e) => ({
            timeUs: nanosToMicros(e.timeUnixNano),
            name: capString(e.name ?? '', 1024, cuts),
            attributes: keyValues(e.attributes, limits, cuts),
          })),
          links,
          resource,
          scope,
        });
      });
    });
  });
  out.truncated = cuts.truncated;
  return out;
}

/** OTLP SeverityNumber ranges (logs data model): 1–4 TRACE … 21–24 FATAL. */
export function levelFromSeverity(n: number | null | undefined, text: string | null | undefined): LogLevel | null {
  if (n && n >= 1 && n <= 24) return (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)[Math.floor((n - 1) / 4)]!;
  const t = (text ?? '').toLowerCase();
  if (!t) return null;
  if (t.startsWith('trace')) return 'trace';
  if (t.startsWith('debug')) return 'debug';
  if (t.startsWith('info') || t === 'notice') return 'info';
  if (t.startsWith('warn')) return 'warn';
  if (t.startsWith('err')) return 'error';
  if (t.startsWith('fatal') || t === 'critical' || t === 'crit' || t === 'emerg' || t === 'alert') return 'fatal';
  return null;
}

export function logsFromRequest(req: PbLogsRequest, limits: AttributeLimits, nowUs: number, pre?: PreErrors): Converted<LogRecord> {
  const out: Converted<LogRecord> = { records: [], rejected: 0, reasons: [], truncated: 0 };
  const cuts: Cuts = { truncated: 0 };
  (req.resourceLogs ?? []).forEach((rl, r) => {
    const service = serviceName(rl.resource?.attributes);
    (rl.scopeLogs ?? []).forEach((sl, s) => {
      (sl.logRecords ?? []).forEach((lr, i) => {
        const preError = pre?.get(`${r}.${s}.${i}`);
        if (preError) return addReason(out, preError);
        const traceId = hexId(lr.traceId, 16, 'traceId', true);
        if ('error' in traceId) return addReason(out, traceId.error);
        const spanId = hexId(lr.spanId, 8, 'spanId', true);
        if ('error' in spanId) return addReason(out, spanId.error);
        // The data model: time when the event happened, else when it was observed, else now.
        const timeUs = nanosToMicros(lr.timeUnixNano) || nanosToMicros(lr.observedTimeUnixNano) || nowUs;
        const body = anyValue(lr.body, limits, cuts, 0, limits.maxBodyChars);
        const attributes = keyValues(lr.attributes, limits, cuts);
        if (lr.eventName) attributes['event.name'] = capString(lr.eventName, 256, cuts);
        out.records.push({
          timeUs,
          service,
          source: 'otlp',
          origin: 'otlp',
          level: levelFromSeverity(lr.severityNumber, lr.severityText),
          message: typeof body === 'string' ? body : body === null ? '' : capString(JSON.stringify(body), limits.maxBodyChars, cuts),
          traceId: traceId.id,
          spanId: spanId.id,
          attributes,
        });
      });
    });
  });
  out.truncated = cuts.truncated;
  return out;
}
