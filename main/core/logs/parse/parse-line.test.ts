import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLine, type ParseContext } from './parse-line';

const fixtures = path.resolve(import.meta.dirname, '../../../../test/fixtures/logs');
const lines = (name: string) => readFileSync(path.join(fixtures, name), 'utf8').split('\n').filter(Boolean);
const READ = Date.UTC(2024, 10, 7, 12, 0, 0) * 1000;
const ctx: ParseContext = { service: 'svc', source: 'file', origin: '/var/log/svc.log', readTimeUs: READ };
const us = (iso: string) => Date.parse(iso) * 1000;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('JSON lines', () => {
  it('reads the kit schema: level name, ISO time, msg, trace and span ids, the rest as attributes', () => {
    const r = parseLine(JSON.stringify({ level: 'error', time: '2024-11-07T10:00:00.123Z', service: 'svc', pid: 7, request_id: 'r1', trace_id: TRACE, span_id: SPAN, route: '/x', msg: 'boom' }), ctx);
    expect(r).toEqual({ timeUs: us('2024-11-07T10:00:00.123Z'), service: 'svc', source: 'file', origin: '/var/log/svc.log', level: 'error', message: 'boom', traceId: TRACE, spanId: SPAN, attributes: { pid: 7, request_id: 'r1', route: '/x' } });
  });

  it("reads pino's defaults: numeric level, epoch-ms time, and keeps a different service as an attribute", () => {
    const r = parseLine('{"level":40,"time":1730973600123,"pid":1,"hostname":"h","service":"other","msg":"slow"}', ctx);
    expect(r.level).toBe('warn');
    expect(r.timeUs).toBe(1730973600123000);
    expect(r.attributes).toEqual({ pid: 1, hostname: 'h', service: 'other' });
  });

  it('takes `message`, zap epoch seconds, camelCase ids, and a traceparent field', () => {
    expect(parseLine('{"severity":"WARNING","ts":1700000000.5,"message":"m","traceId":"4BF92F3577B34DA6A3CE929D0E0E4736","spanId":"00F067AA0BA902B7"}', ctx)).toMatchObject({ level: 'warn', timeUs: 1700000000500000, message: 'm', traceId: TRACE, spanId: SPAN });
    expect(parseLine(`{"msg":"x","traceparent":"00-${TRACE}-${SPAN}-01"}`, ctx)).toMatchObject({ traceId: TRACE, spanId: SPAN, attributes: {} });
  });

  it('keeps unusable values as attributes and falls back to the read time and the whole line', () => {
    const line = '{"time":"yesterday","level":"loud","trace_id":"not-hex","a":{"b":[1,2]}}';
    const r = parseLine(line, ctx);
    expect(r).toMatchObject({ timeUs: READ, level: null, message: line, traceId: null, attributes: { time: 'yesterday', level: 'loud', trace_id: 'not-hex', a: { b: [1, 2] } } });
  });

  it('rejects an all-zero trace id (W3C: invalid)', () => {
    expect(parseLine(`{"msg":"x","trace_id":"${'0'.repeat(32)}"}`, ctx).traceId).toBeNull();
  });

  it('reads Jaeger v1 zap JSON', () => {
    const [a, b] = lines('jaeger-v1-json.txt').map((l) => parseLine(l, ctx));
    expect(a).toMatchObject({ level: 'info', timeUs: 1699999999123456, message: 'Mounting metrics handler on admin server', attributes: { caller: 'flags/service.go:119', route: '/metrics' } });
    expect(b).toMatchObject({ level: 'error', message: 'Could not start HTTP server' });
  });

  it('treats a line that only looks like JSON as plain text', () => {
    expect(parseLine('{not json}', ctx)).toMatchObject({ message: '{not json}', level: null, timeUs: READ });
  });
});

describe('logfmt lines (recorded from the real binaries where they run here)', () => {
  it('Prometheus 2.42: ts, caller, level, msg and fields', () => {
    const recs = lines('prometheus-2.42.txt').map((l) => parseLine(l, ctx));
    expect(recs[1]).toMatchObject({ level: 'info', message: 'Starting Prometheus Server', attributes: { caller: 'main.go:551', mode: 'server' } });
    expect(recs[1]!.timeUs).toBe(Date.parse(lines('prometheus-2.42.txt')[1]!.slice(3, 27)) * 1000);
    // A line without msg: the message is its fields, without the header (time, caller, level).
    expect(recs[2]!.message).toMatch(/^build_context=\(go=go1\.19/);
    expect(recs.every((r) => r.level !== null && r.timeUs !== READ)).toBe(true);
  });

  it('Alertmanager 0.25 and node_exporter 1.5', () => {
    const am = lines('alertmanager-debian.txt').map((l) => parseLine(l, ctx));
    expect(am[0]).toMatchObject({ level: 'info', message: 'Starting Alertmanager' });
    expect(am[2]!.attributes).toMatchObject({ component: 'configuration', file: 'am.yml' });
    const ne = lines('node-exporter-1.5.txt').map((l) => parseLine(l, ctx));
    expect(ne.find((r) => r.level === 'warn')?.message).toMatch(/running as root/);
  });

  it('Prometheus 3 (slog): upper-case levels and source=', () => {
    const recs = lines('prometheus-3.txt').map((l) => parseLine(l, ctx));
    expect(recs[1]).toMatchObject({ level: 'info', timeUs: us('2024-11-29T08:18:33.374Z'), message: 'Starting Prometheus Server', attributes: { source: 'main.go:689' } });
    expect(recs[2]).toMatchObject({ level: 'error', attributes: { component: 'discovery manager scrape', err: 'open /x.json: no such file' } });
  });

  it('Grafana: logger= t= with nanoseconds (kept to the microsecond) and traceID', () => {
    const recs = lines('grafana.txt').map((l) => parseLine(l, ctx));
    expect(recs[0]).toMatchObject({ level: 'info', message: 'Starting Grafana', timeUs: us('2024-02-06T17:03:14.305Z') + 957, attributes: { logger: 'settings', version: '10.3.1' } });
    expect(recs[2]).toMatchObject({ level: 'error', traceId: TRACE, message: 'Request Completed' });
  });

  it('quoted values with escapes, bare keys, and a plain sentence with one `=` stays plain', () => {
    expect(parseLine('level=warn msg="say \\"hi\\"\\n" flag', ctx)).toMatchObject({ level: 'warn', message: 'say "hi"\n', attributes: { flag: '' } });
    expect(parseLine('error=timeout while reading', ctx)).toMatchObject({ message: 'error=timeout while reading', attributes: {} });
  });
});

describe('plain lines', () => {
  it('ISO time and upper-case level at the start', () => {
    expect(parseLine('2024-11-07T10:00:00.123456Z ERROR db: connection refused', ctx)).toMatchObject({ timeUs: us('2024-11-07T10:00:00.123Z') + 456, level: 'error', message: 'db: connection refused' });
    expect(parseLine('2024-11-07 10:00:00,123 - app - WARNING - disk slow', ctx)).toMatchObject({ timeUs: new Date(2024, 10, 7, 10, 0, 0, 123).getTime() * 1000, level: 'warn' });
    expect(parseLine('2024-11-07T10:00:00+02:00 [info] started', ctx)).toMatchObject({ timeUs: us('2024-11-07T08:00:00Z'), level: 'info', message: 'started' });
  });

  it('Jaeger v2 / OpenTelemetry Collector console lines: level, caller and the JSON fields', () => {
    const recs = lines('jaeger-v2-console.txt').map((l) => parseLine(l, ctx));
    expect(recs[0]).toMatchObject({ level: 'info', timeUs: us('2024-11-07T10:00:00.123Z'), message: 'Setting up own telemetry...', attributes: { caller: 'service@v0.112.0/service.go:135' } });
    expect(recs[1]).toMatchObject({ level: 'warn', message: 'Using insecure connection', attributes: { kind: 'extension', name: 'jaeger_query' } });
    expect(recs[2]!.level).toBe('error');
  });

  it('syslog time takes the read time’s year (the previous one when it would be in the future)', () => {
    expect(parseLine('Nov  7 09:15:01 host cron[12]: ERROR job failed', ctx)).toMatchObject({ timeUs: new Date(2024, 10, 7, 9, 15, 1).getTime() * 1000, level: 'error' });
    expect(parseLine('Dec 31 23:59:59 host app: hi', ctx).timeUs).toBe(new Date(2023, 11, 31, 23, 59, 59).getTime() * 1000);
  });

  it('klog headers: level letter and MMDD', () => {
    expect(parseLine('E1107 09:00:00.123456   42 reflector.go:138] watch failed', ctx)).toMatchObject({ level: 'error', message: 'watch failed', timeUs: new Date(2024, 10, 7, 9, 0, 0).getTime() * 1000 + 123456 });
  });

  it('common log format time inside brackets; Go log time; nginx [error]', () => {
    expect(parseLine('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326', ctx).timeUs).toBe(us('2000-10-10T20:55:36Z'));
    expect(parseLine('2024/11/07 10:00:00 [error] 31#31: *1 open() failed', ctx)).toMatchObject({ level: 'error', timeUs: new Date(2024, 10, 7, 10).getTime() * 1000 });
  });

  it('a lower-case word that happens to be a level name is not a level; an unknown line keeps the read time', () => {
    expect(parseLine('error reading config, retrying', ctx)).toMatchObject({ level: null, message: 'error reading config, retrying', timeUs: READ });
    expect(parseLine('Error: ENOENT', ctx).level).toBe('error');
  });

  it('finds a trace id written into the text and a traceparent', () => {
    expect(parseLine(`GET /x done trace_id=${TRACE} span_id=${SPAN}`, ctx)).toMatchObject({ traceId: TRACE, spanId: SPAN });
    expect(parseLine(`forwarding traceparent: 00-${TRACE}-${SPAN}-01`, ctx)).toMatchObject({ traceId: TRACE, spanId: SPAN });
  });
});
