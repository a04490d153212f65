import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { currentRequestId } from './request-context';

/**
 * The one JSON log schema of Lookout and every service instrumented with this kit:
 *
 *   {"level":"info","time":"2025-01-01T12:00:00.000Z","service":"llm","pid":123,
 *    "request_id":"…","trace_id":"…","span_id":"…", …fields, "msg":"…"}
 *
 * `level` is the name, not pino's number, so the file reads the same in `jq`, Loki or a terminal.
 * `request_id`, `trace_id` and `span_id` are added to every line written while a request or span is
 * active (they come from the OpenTelemetry context, so they follow `await` without being passed around).
 */
export function serviceLogOptions(service: string, level = 'info'): LoggerOptions {
  return {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: correlationFields,
  };
}

/** request_id, trace_id and span_id of the active context (an empty object outside a request or span). */
export function correlationFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const requestId = currentRequestId();
  if (requestId) fields.request_id = requestId;
  const span = trace.getActiveSpan();
  if (span) {
    const sc = span.spanContext();
    if (isSpanContextValid(sc)) {
      fields.trace_id = sc.traceId;
      fields.span_id = sc.spanId;
    }
  }
  return fields;
}

export interface ServiceLoggerOptions {
  service: string;
  /** pino level name; default `info` (or LOG_LEVEL). */
  level?: string;
  /** A file to append to; default stdout. */
  file?: string;
  /** Any other pino destination (tests pass a stream they read back). */
  destination?: DestinationStream;
}

/**
 * A pino logger writing the kit's schema. Files are written synchronously: a reference service may be
 * told to crash, and its last line ("crash injected") must reach the file before the process exits.
 */
export function createServiceLogger(opts: ServiceLoggerOptions): Logger {
  const destination = opts.destination ?? (opts.file ? pino.destination({ dest: opts.file, mkdir: true, sync: true }) : pino.destination({ dest: 1, sync: true }));
  return pino(serviceLogOptions(opts.service, opts.level ?? process.env.LOG_LEVEL ?? 'info'), destination);
}
