import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpService, HttpError, PROBE_USER_AGENT, route, type HttpService, type Telemetry } from './http-service';
import { serviceLogOptions } from './log-schema';
import { callService } from './service-client';
import { createServiceMetrics, HTTP_DURATION_BUCKETS } from './service-metrics';
import { createTracing } from './tracing';

/** A pino destination that keeps every line, parsed. */
function memoryLog() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, stream };
}

function telemetryFor(service: string) {
  const log = memoryLog();
  const spans = new InMemorySpanExporter();
  const telemetry: Telemetry = {
    service,
    logger: pino(serviceLogOptions(service, 'debug'), log.stream),
    metrics: createServiceMetrics({ defaultMetrics: false }),
    tracing: createTracing({ service, spanProcessors: [new SimpleSpanProcessor({ exporter: spans })], otlpEndpoint: null }),
  };
  return { telemetry, log, spans };
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

describe('createHttpService', () => {
  const backend = telemetryFor('backend');
  const front = telemetryFor('front');
  let backendSvc: HttpService;
  let frontSvc: HttpService;
  let backendUrl = '';
  let frontUrl = '';

  beforeAll(async () => {
    backendSvc = createHttpService({
      telemetry: backend.telemetry,
      routes: [
        route('GET', '/items/{id}', (ctx) => {
          ctx.log.info({ item: ctx.params.id }, 'looking up item');
          if (ctx.params.id === 'missing') throw new HttpError(404, 'no such item', 'not_found');
          return { json: { id: ctx.params.id } };
        }),
        route('POST', '/echo', async (ctx) => ({ status: 201, json: await ctx.json() })),
        route('GET', '/boom', () => {
          throw new Error('secret internals');
        }),
        route('GET', '/slow', async () => {
          await new Promise((r) => setTimeout(r, 60));
          return { body: 'ok' };
        }),
      ],
    });
    backendUrl = (await backendSvc.listen()).url;
    frontSvc = createHttpService({
      telemetry: front.telemetry,
      routes: [
        route('GET', '/proxy/{id}', async (ctx) => {
          const res = await callService(front.telemetry, 'backend', `${backendUrl}/items/${ctx.params.id}`);
          return { status: res.status, json: await res.json() };
        }),
      ],
    });
    frontUrl = (await frontSvc.listen()).url;
  });
  afterAll(async () => {
    await frontSvc.close();
    await backendSvc.close();
  });

  it('listens on 127.0.0.1 only', () => {
    const addr = backendSvc.server.address();
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1');
  });

  it('returns the caller\'s X-Request-Id and puts it on every log line of the request', async () => {
    const res = await fetch(`${backendUrl}/items/7`, { headers: { 'X-Request-Id': 'req-abc.123' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-abc.123');
    const mine = backend.log.lines.filter((l) => l.request_id === 'req-abc.123');
    expect(mine.map((l) => l.msg)).toEqual(['looking up item', 'request completed']);
    for (const l of mine) {
      expect(l).toMatchObject({ level: 'info', service: 'backend' });
      expect(typeof l.time).toBe('string');
      expect(Number.isNaN(Date.parse(l.time as string))).toBe(false);
      expect(l.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(l.span_id).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(mine[1]).toMatchObject({ method: 'GET', route: '/items/{id}', path: '/items/7', status: 200 });
  });

  it('creates a correlation id when none (or an unsafe one) is sent', async () => {
    const none = await fetch(`${backendUrl}/items/1`);
    const generated = none.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await fetch(`${backendUrl}/items/1`, { headers: { 'X-Request-Id': 'a"b\\c{}' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(backend.log.lines.some((l) => l.request_id === generated && l.msg === 'request completed')).toBe(true);
  });

  it('continues the caller\'s trace: log lines inside the request carry its trace id', async () => {
    const res = await fetch(`${backendUrl}/items/9`, { headers: { traceparent: PARENT, 'X-Request-Id': 'traced-1' } });
    expect(res.status).toBe(200);
    const lines = backend.log.lines.filter((l) => l.request_id === 'traced-1');
    expect(lines.length).toBe(2);
    for (const l of lines) expect(l.trace_id).toBe(TRACE_ID);
    const span = backend.spans.getFinishedSpans().find((s) => s.spanContext().traceId === TRACE_ID);
    expect(span?.name).toBe('GET /items/{id}');
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('propagates trace and correlation id through an outgoing call, and counts it as IPC', async () => {
    const res = await fetch(`${frontUrl}/proxy/5`, { headers: { traceparent: PARENT, 'X-Request-Id': 'hop-1' } });
    expect(await res.json()).toEqual({ id: '5' });
    const backLines = backend.log.lines.filter((l) => l.request_id === 'hop-1');
    expect(backLines.map((l) => l.msg)).toEqual(['looking up item', 'request completed']);
    for (const l of backLines) expect(l.trace_id).toBe(TRACE_ID);
    const ipc = await front.telemetry.metrics.registry.getSingleMetricAsString('ipc_requests_total');
    expect(ipc).toContain('ipc_requests_total{peer="backend",status="ok"} 1');
  });

  it('counts requests by method, route template and status; unknown paths as route="unmatched"', async () => {
    const m = backend.telemetry.metrics;
    m.httpRequests.reset();
    m.httpDuration.reset();
    for (let i = 0; i < 3; i++) await fetch(`${backendUrl}/items/${1000 + i}`);
    await fetch(`${backendUrl}/items/missing`);
    await fetch(`${backendUrl}/nope/${Math.random()}`);
    await fetch(`${backendUrl}/items/1`, { method: 'PUT' });
    const boom = await fetch(`${backendUrl}/boom`);
    expect(await boom.json()).toEqual({ error: { message: 'internal error', code: 'internal' } });
    const text = await m.registry.getSingleMetricAsString('http_requests_total');
    expect(text).toContain('http_requests_total{method="GET",route="/items/{id}",status="200"} 3');
    expect(text).toContain('http_requests_total{method="GET",route="/items/{id}",status="404"} 1');
    expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('http_requests_total{method="PUT",route="/items/{id}",status="405"} 1');
    expect(text).toContain('http_requests_total{method="GET",route="/boom",status="500"} 1');
    expect(text).not.toMatch(/route="\/items\/\d/);
    // The 500's details stay in the log.
    expect(backend.log.lines.some((l) => l.msg === 'request failed' && JSON.stringify(l).includes('secret internals'))).toBe(true);
  });

  it('puts durations in the 5 ms … 10 s buckets', async () => {
    const m = backend.telemetry.metrics;
    m.httpDuration.reset();
    await fetch(`${backendUrl}/slow`);
    const hist = await m.registry.getSingleMetricAsString('http_request_duration_seconds');
    const bucket = (le: string) => Number(new RegExp(`_bucket\\{le="${le.replace('+', '\\+')}",method="GET",route="/slow",status="200"\\} (\\d+)`).exec(hist)?.[1]);
    expect(bucket('0.05')).toBe(0);
    expect(bucket('0.1')).toBe(1);
    expect(bucket('+Inf')).toBe(1);
    expect(HTTP_DURATION_BUCKETS[0]).toBe(0.005);
    expect(HTTP_DURATION_BUCKETS.at(-1)).toBe(10);
  });

  it('tracks requests in flight', async () => {
    const gauge = () => backend.telemetry.metrics.registry.getSingleMetricAsString('http_requests_in_flight');
    const pending = fetch(`${backendUrl}/slow`);
    await new Promise((r) => setTimeout(r, 20));
    expect(await gauge()).toContain('http_requests_in_flight 1');
    await pending;
    expect(await gauge()).toContain('http_requests_in_flight 0');
  });

  it('rejects bad JSON with 400 and echoes good JSON', async () => {
    const bad = await fetch(`${backendUrl}/echo`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { message: 'request body is not valid JSON', code: 'bad_json' } });
    const good = await fetch(`${backendUrl}/echo`, { method: 'POST', body: '{"a":1}' });
    expect(good.status).toBe(201);
    expect(await good.json()).toEqual({ a: 1 });
  });

  it('serves /metrics in the text format and logs scrapes at debug only', async () => {
    const res = await fetch(`${backendUrl}/metrics`, { headers: { 'X-Request-Id': 'scrape-1' } });
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('# TYPE http_requests_total counter');
    const line = backend.log.lines.find((l) => l.request_id === 'scrape-1');
    expect(line).toMatchObject({ level: 'debug', route: '/metrics' });
  });

  it('leaves no span for scrapes and Lookout\'s probes, nor for the calls they make, but counts them', async () => {
    const traced = (trace: string) => [...front.spans.getFinishedSpans(), ...backend.spans.getFinishedSpans()].filter((s) => s.spanContext().traceId === trace);
    const traceOf = (id: string) => String(front.log.lines.find((l) => l.request_id === id && l.msg === 'request completed')?.trace_id);
    const probe = await fetch(`${frontUrl}/proxy/9`, { headers: { 'User-Agent': PROBE_USER_AGENT, 'X-Request-Id': 'probe-1' } });
    expect(probe.status).toBe(200);
    const plain = await fetch(`${frontUrl}/proxy/9`, { headers: { 'X-Request-Id': 'plain-1' } });
    expect(plain.status).toBe(200);
    await fetch(`${backendUrl}/metrics`, { headers: { 'X-Request-Id': 'scrape-2' } });
    // The probe's line is there (at debug) with a trace id, but nothing of that trace was recorded, on
    // either side of the call; the same request without the probe's User-Agent was recorded on both.
    expect(front.log.lines.find((l) => l.request_id === 'probe-1' && l.msg === 'request completed')).toMatchObject({ level: 'debug' });
    expect(traceOf('probe-1')).toMatch(/^[0-9a-f]{32}$/);
    expect(traced(traceOf('probe-1'))).toEqual([]);
    expect(traced(traceOf('plain-1')).map((s) => s.name).sort()).toEqual(['GET /items/{id}', 'GET /proxy/{id}', 'GET backend']);
    const scrapeTrace = String(backend.log.lines.find((l) => l.request_id === 'scrape-2')?.trace_id);
    expect(backend.spans.getFinishedSpans().some((s) => s.spanContext().traceId === scrapeTrace)).toBe(false);
    const proxied = await front.telemetry.metrics.registry.getSingleMetricAsString('http_requests_total');
    expect(proxied).toMatch(/http_requests_total\{method="GET",route="\/proxy\/\{id\}",status="200"\} [2-9]/);
  });
});
