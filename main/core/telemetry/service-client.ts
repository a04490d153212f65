import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Telemetry } from './http-service';
import { currentRequestId } from './request-context';

export interface ServiceCallOptions {
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
  /** Default 10 s; the call then fails as an IPC error. */
  timeoutMs?: number;
  /** Runs inside the timed section before sending (fault injection adds its IPC delay here). */
  beforeSend?: () => Promise<void>;
}

/**
 * Call another local service over HTTP, as one IPC hop: a CLIENT span, `traceparent` and the current
 * correlation id (X-Request-Id) sent along, and `ipc_requests_total{peer,status}` /
 * `ipc_request_duration_seconds{peer}` recorded. A call fails (status "error") when no answer arrives or
 * the answer is a 5xx; the Response is returned either way when there is one.
 */
export async function callService(telemetry: Telemetry, peer: string, url: string, opts: ServiceCallOptions = {}): Promise<Response> {
  const method = (opts.method ?? (opts.json === undefined ? 'GET' : 'POST')).toUpperCase();
  const span = telemetry.tracing.tracer.startSpan(`${method} ${peer}`, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'server.address': peer } });
  const ctx = trace.setSpan(context.active(), span);
  const headers: Record<string, string> = { ...opts.headers };
  telemetry.tracing.inject(headers, ctx);
  const requestId = currentRequestId();
  if (requestId) headers['X-Request-Id'] = requestId;
  if (opts.json !== undefined) headers['Content-Type'] = 'application/json';
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    await opts.beforeSend?.();
    const res = await context.with(ctx, () =>
      fetch(url, {
        method,
        headers,
        body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      }),
    );
    // Read the body inside the timed section: the round trip ends when the answer has arrived, not its headers.
    const body = await res.arrayBuffer();
    const failed = res.status >= 500;
    telemetry.metrics.observeIpc(peer, failed ? 'error' : 'ok', elapsed(), span.spanContext().traceId);
    span.setAttribute('http.response.status_code', res.status);
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  } catch (err) {
    telemetry.metrics.observeIpc(peer, 'error', elapsed(), span.spanContext().traceId);
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw new Error(`${peer} did not answer ${method} ${url}: ${(err as Error).message}`, { cause: err });
  } finally {
    span.end();
  }
}
