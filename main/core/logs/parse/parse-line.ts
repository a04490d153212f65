import type { AttributeValue, Attributes, LogLevel, LogRecord, LogSource } from '../../store/records';
import { splitFields } from './fields';
import { looksLikeLogfmt, parseLogfmt } from './logfmt';
import { parsePlainHead } from './plain';
import { normalizeSpanId, normalizeTraceId, parseTraceparent } from './trace-ids';

/** Who a line belongs to and when it was read (the fallback time). */
export interface ParseContext {
  service: string;
  source: LogSource;
  origin: string;
  readTimeUs: number;
}

/** The logfmt keys that are the line's header (time, level, where it was logged), not its message. */
const LOGFMT_HEADER = new Set(['ts', 'time', 't', 'timestamp', 'level', 'lvl', 'caller', 'source', 'logger']);
const TRACE_IN_TEXT = /\btrace[_.-]?id[=:"\s]+"?([0-9a-fA-F]{32})\b/i;
const SPAN_IN_TEXT = /\bspan[_.-]?id[=:"\s]+"?([0-9a-fA-F]{16})\b/i;
const TRACEPARENT_IN_TEXT = /\b(00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})\b/;
const CALLER = /^[\w@./-]+:\d+$/;

function record(ctx: ParseContext, timeUs: number | null, level: LogLevel | null, message: string, traceId: string | null, spanId: string | null, attributes: Attributes): LogRecord {
  return { timeUs: timeUs ?? ctx.readTimeUs, service: ctx.service, source: ctx.source, origin: ctx.origin, level, message, traceId, spanId, attributes };
}

function parseJson(line: string, ctx: ParseContext): LogRecord | null {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return null;
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const f = splitFields(obj as Record<string, AttributeValue>, ctx.service);
  // Without a message field the whole line is the message, so a reader sees what was written.
  return record(ctx, f.timeUs, f.level, f.message ?? line, f.traceId, f.spanId, f.attributes);
}

/** A logfmt line's message: `msg`, or else its pairs other than the header ones (Prometheus logs some lines with no msg). */
function logfmtRecord(pairs: Record<string, string>, ctx: ParseContext, lineTimeUs: number | null, lineLevel: LogLevel | null): LogRecord {
  const f = splitFields(pairs, ctx.service);
  let message = f.message;
  if (message === null) {
    const parts: string[] = [];
    for (const k in f.attributes) if (!LOGFMT_HEADER.has(k)) parts.push(`${k}=${String(f.attributes[k])}`);
    message = parts.join(' ');
  }
  return record(ctx, f.timeUs ?? lineTimeUs, f.level ?? lineLevel, message, f.traceId, f.spanId, f.attributes);
}

/** zap's console encoder (OpenTelemetry Collector, Jaeger v2): `<time>\t<level>\t<caller>\t<message>\t{json fields}`. */
function tabbedFields(rest: string, attributes: Attributes): string {
  const parts = rest.split('\t');
  if (parts.length > 1 && CALLER.test(parts[0]!)) attributes.caller = parts.shift()!;
  const last = parts[parts.length - 1]!;
  if (parts.length > 1 && last.charCodeAt(0) === 123) {
    try {
      const extra = JSON.parse(last) as unknown;
      if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
        Object.assign(attributes, extra);
        parts.pop();
      }
    } catch {
      // not JSON after all: it stays part of the message
    }
  }
  return parts.join('\t');
}

function parsePlain(line: string, ctx: ParseContext): LogRecord {
  const head = parsePlainHead(line, ctx.readTimeUs);
  if (head.rest !== line && looksLikeLogfmt(head.rest)) {
    const pairs = parseLogfmt(head.rest);
    if (pairs) return logfmtRecord(pairs, ctx, head.timeUs, head.level);
  }
  const attributes: Attributes = {};
  const message = head.rest.indexOf('\t') !== -1 && head.level !== null ? tabbedFields(head.rest, attributes) : head.rest;
  let traceId: string | null = null;
  let spanId: string | null = null;
  if (line.indexOf('race') !== -1) {
    const tp = TRACEPARENT_IN_TEXT.exec(line);
    const parsed = tp ? parseTraceparent(tp[1]) : null;
    traceId = parsed?.traceId ?? normalizeTraceId(TRACE_IN_TEXT.exec(line)?.[1]);
    spanId = parsed?.spanId ?? (traceId ? normalizeSpanId(SPAN_IN_TEXT.exec(line)?.[1]) : null);
  }
  return record(ctx, head.timeUs, head.level, message, traceId, spanId, attributes);
}

/**
 * One line to one LogRecord: JSON (an object on one line), logfmt, or plain text with its time and
 * level detected at the start. Never throws: a line no format fits is a plain record with the read time.
 */
export function parseLine(line: string, ctx: ParseContext): LogRecord {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  const c = line.charCodeAt(i);
  if (c === 123 && line.charCodeAt(line.length - 1) === 125) {
    const r = parseJson(line, ctx);
    if (r) return r;
  }
  if (((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) && looksLikeLogfmt(line, i)) {
    const pairs = parseLogfmt(line, i);
    if (pairs) return logfmtRecord(pairs, ctx, null, null);
  }
  return parsePlain(i ? line.slice(i) : line, ctx);
}
