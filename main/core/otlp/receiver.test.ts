import { gzipSync } from 'node:zlib';
import { context, trace as otelTrace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { post } from '../../../test/fakes/http-post';
import { logLine, randomHex, seededRandom, trace } from '../../../test/fakes/telemetry-records';
import type { LogRecord, SpanRecord } from '../store/records';
import { TRUNCATED_MARK } from './attributes';
import { encodeLogs, encodeSpans, traceRequestOf } from './encode';
import { LogsResponse, TraceRequest, TraceResponse } from './proto';
import { createOtlpReceiver, type OtlpReceiver } from './receiver';

const rand = seededRandom(11);
let receiver: OtlpReceiver;
let port: number;
let spans: SpanRecord[];
let logs: LogRecord[];
let registry: Registry;
const PB = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };

beforeEach(async () => {
  spans = [];
  logs = [];
  registry = new Registry();
  receiver = createOtlpReceiver({ port: 0, maxBodyBytes: 1024 * 1024, onSpans: (b) => spans.push(...b), onLogs: (b) => logs.push(...b), nowUs: () => 1_700_000_000_000_000, registry });
  port = await receiver.start();
});
afterEach(() => receiver.stop());

const sample = () => trace(rand, { traceId: randomHex(rand, 32), startUs: 1_700_000_000_123_456, error: true }).map((s, i) => ({ ...s, attributes: { ...s.attributes, i, ok: true, ratio: 0.5, tags: ['a', 'b'], nested: { k: 'v' } }, resource: { 'service.version': '1.2.3' }, scope: 'kit', events: i === 0 ? [{ timeUs: s.startUs + 10, name: 'retry', attributes: { attempt: 2 } }] : [] }));

describe('OTLP/HTTP receiver: accepted requests', () => {
  it('decodes protobuf spans into SpanRecords, exactly, and answers an empty ExportTraceServiceResponse', async () => {
    const sent = sample();
    const a = await post(port, '/v1/traces', encodeSpans(sent), PB);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/x-protobuf');
    expect(TraceResponse.toObject(TraceResponse.decode(a.body))).toEqual({});
    expect(spans).toEqual(sent);
  });

  it('accepts gzip', async () => {
    const sent = sample();
    const a = await post(port, '/v1/traces', gzipSync(encodeSpans(sent)), { ...PB, 'content-encoding': 'gzip' });
    expect(a.status).toBe(200);
    expect(spans).toEqual(sent);
  });

  it('decodes OTLP/JSON: hex ids, integer enums, int64 as strings, answering in JSON', async () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'llm' } }] },
          scopeSpans: [
            {
              scope: { name: 'manual' },
              spans: [
                {
                  traceId: '5B8EFFF798038103D269B633813FC60C',
                  spanId: 'EEE19B7EC3C1B174',
                  parentSpanId: 'EEE19B7EC3C1B173',
                  name: 'generate',
                  kind: 3,
                  startTimeUnixNano: '1544712660000000000',
                  endTimeUnixNano: '1544712661000000000',
                  attributes: [{ key: 'tokens', value: { intValue: '9007199254740993' } }, { key: 'model', value: { stringValue: 'small' } }],
                  status: { code: 2, message: 'overloaded' },
                  someFutureField: { ignored: true },
                },
              ],
            },
          ],
        },
      ],
    };
    const a = await post(port, '/v1/traces', JSON.stringify(body), JSON_CT);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/json');
    expect(JSON.parse(a.body.toString())).toEqual({});
    expect(spans).toEqual([
      {
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        parentSpanId: 'eee19b7ec3c1b173',
        service: 'llm',
        name: 'generate',
        kind: 'client',
        startUs: 1544712660000000,
        durationUs: 1_000_000,
        status: 'error',
        statusMessage: 'overloaded',
        attributes: { tokens: '9007199254740993', model: 'small' },
        events: [],
        links: [],
        resource: {},
        scope: 'manual',
      },
    ]);
  });

  it('takes what the OpenTelemetry SDK’s own OTLP/HTTP exporter sends, parents intact', async () => {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'gui' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` }) })],
    });
    const tracer = provider.getTracer('test');
    const root = tracer.startSpan('GET /chat');
    const child = tracer.startSpan('llm call', {}, otelTrace.setSpan(context.active(), root));
    child.end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();
    expect(spans.map((s) => s.name).sort()).toEqual(['GET /chat', 'llm call']);
    const r = spans.find((s) => s.name === 'GET /chat')!;
    const c = spans.find((s) => s.name === 'llm call')!;
    expect(r).toMatchObject({ service: 'gui', parentSpanId: null, traceId: root.spanContext().traceId, spanId: root.spanContext().spanId });
    expect(c).toMatchObject({ parentSpanId: r.spanId, traceId: r.traceId });
  });

  it('decodes protobuf and JSON logs with levels, trace ids and service', async () => {
    const tid = randomHex(rand, 32);
    const sent = [logLine({ timeUs: 1_700_000_000_000_001, message: 'boom', level: 'error', traceId: tid, spanId: randomHex(rand, 16), service: 'memory', attributes: { code: 7 } })];
    const a = await post(port, '/v1/logs', encodeLogs(sent), PB);
    expect(a.status).toBe(200);
    expect(LogsResponse.toObject(LogsResponse.decode(a.body))).toEqual({});
    expect(logs).toEqual([{ ...sent[0], source: 'otlp', origin: 'otlp' }]);

    const json = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ observedTimeUnixNano: '1700000000000002000', severityNumber: 13, body: { kvlistValue: { values: [{ key: 'msg', value: { stringValue: 'slow' } }] } } }] }] }] };
    expect((await post(port, '/v1/logs', JSON.stringify(json), JSON_CT)).status).toBe(200);
    expect(logs[1]).toMatchObject({ service: 'unknown_service', level: 'warn', timeUs: 1_700_000_000_000_002, message: '{"msg":"slow"}', traceId: null });
  });
});

describe('OTLP/HTTP receiver: partial success and caps', () => {
  it('keeps the good spans, rejects the bad ones and says how many and why', async () => {
    const good = sample();
    const req = traceRequestOf(good);
    const bad = { ...req.resourceSpans![0]!.scopeSpans![0]!.spans![0]!, traceId: Buffer.alloc(16), spanId: Buffer.from('ab', 'hex') };
    req.resourceSpans![0]!.scopeSpans![0]!.spans!.push(bad, { ...bad, traceId: Buffer.alloc(15, 1) });
    const a = await post(port, '/v1/traces', TraceRequest.encode(req).finish(), PB);
    expect(a.status).toBe(200);
    const res = TraceResponse.toObject(TraceResponse.decode(a.body), { longs: Number });
    expect(res).toEqual({ partialSuccess: { rejectedSpans: 2, errorMessage: 'traceId is all zeros; traceId has 15 bytes, expected 16' } });
    expect(spans).toEqual(good);
    expect(await registry.getSingleMetricAsString('lookout_otlp_records_total')).toContain('lookout_otlp_records_total{signal="traces",result="rejected"} 2');
  });

  it('answers 400 and stores nothing when every span is bad (JSON ids that are not hex, wrong lengths)', async () => {
    const json = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz', spanId: 'eee19b7ec3c1b174', startTimeUnixNano: '1' }, { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'ee', startTimeUnixNano: '1000' }] }] }] };
    const a = await post(port, '/v1/traces', JSON.stringify(json), JSON_CT);
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body.toString())).toEqual({ code: 3, message: 'every record was rejected: traceId is not a hex string; spanId has 1 bytes, expected 8' });
    expect(spans).toEqual([]);
  });

  it('cuts huge attribute values to the cap and warns with 0 rejected', async () => {
    const [s] = sample();
    const huge = { ...s!, attributes: { prompt: 'x'.repeat(600_000) } };
    const a = await post(port, '/v1/traces', encodeSpans([huge]), PB);
    expect(a.status).toBe(200);
    expect(TraceResponse.toObject(TraceResponse.decode(a.body), { longs: Number })).toEqual({ partialSuccess: { rejectedSpans: 0, errorMessage: "1 attribute values were cut to the receiver's limits" } });
    expect(spans[0]!.attributes.prompt).toBe('x'.repeat(8192) + TRUNCATED_MARK);
  });
});

describe('OTLP/HTTP receiver: refused requests', () => {
  const ok = () => encodeSpans(sample());

  it('415 for another content type or encoding, 404 for another path, 405 for GET', async () => {
    const wrongType = await post(port, '/v1/traces', ok(), { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(JSON.parse(wrongType.body.toString()).message).toContain('text/plain');
    expect((await post(port, '/v1/traces', ok(), { ...PB, 'content-encoding': 'br' })).status).toBe(415);
    expect((await post(port, '/v1/metrics', ok(), PB)).status).toBe(404);
    const get = await post(port, '/v1/traces', '', PB, 'GET');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(spans).toEqual([]);
  });

  it('421 for a Host that is not loopback (DNS rebinding) and 403 for a foreign Origin', async () => {
    const rebind = await post(port, '/v1/traces', ok(), { ...PB, host: `evil.example:${port}` });
    expect(rebind.status).toBe(421);
    expect(rebind.body.length).toBeGreaterThan(0);
    expect((await post(port, '/v1/traces', ok(), { ...PB, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(port, '/v1/traces', ok(), { ...PB, host: `localhost:${port}`, origin: `http://localhost:3000` })).status).toBe(200);
  });

  it('413 past the body cap: by Content-Length, by a chunked body, and by what gzip inflates to', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 1);
    const declared = await post(port, '/v1/traces', big, PB);
    expect(declared.status).toBe(413);
    const chunked = await post(port, '/v1/traces', big, { ...PB, 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    const bomb = await post(port, '/v1/traces', gzipSync(Buffer.alloc(5 * 1024 * 1024)), { ...PB, 'content-encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    expect(spans).toEqual([]);
  });

  it('400 with a reason for truncated protobuf, broken gzip and malformed JSON', async () => {
    const body = ok();
    const cut = await post(port, '/v1/traces', body.subarray(0, body.length - 7), PB);
    expect(cut.status).toBe(400);
    expect(cut.headers['content-type']).toBe('application/x-protobuf');
    expect((await post(port, '/v1/traces', Buffer.from('not gzip'), { ...PB, 'content-encoding': 'gzip' })).status).toBe(400);
    const json = await post(port, '/v1/traces', '{"resourceSpans": [', JSON_CT);
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body.toString()).message).toMatch(/not valid JSON/);
    const shape = await post(port, '/v1/traces', '{"resourceSpans": 5}', JSON_CT);
    expect(JSON.parse(shape.body.toString()).message).toContain('resourceSpans: array expected');
    expect(spans).toEqual([]);
  });
});
