import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, until } from '../../../test/fakes/fake-clock';
import { post } from '../../../test/fakes/http-post';
import { startOtlpStandIn, type OtlpStandIn } from '../../../test/fakes/otlp-receiver-stand-in';
import { logLine, randomHex, seededRandom, trace } from '../../../test/fakes/telemetry-records';
import { encodeLogs, encodeSpans } from '../otlp/encode';
import { createTracePipeline, registerStoreSize, type TracePipeline } from './pipeline';
import { storeSettingsSchema, tracesSettingsSchema } from './settings-schema';

const rand = seededRandom(31);
let dir: string;
let jaeger: OtlpStandIn;
let pipeline: TracePipeline | null;
let clock: FakeClock;
let registry: Registry;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-pipeline-'));
  jaeger = await startOtlpStandIn();
  clock = new FakeClock();
  registry = new Registry();
});
afterEach(async () => {
  await pipeline?.dispose();
  pipeline = null;
  await jaeger.close();
  await rm(dir, { recursive: true, force: true });
});

const PB = { 'content-type': 'application/x-protobuf' };
const settings = (traces: unknown = {}) => ({ store: storeSettingsSchema.parse({}), traces: tracesSettingsSchema.parse(traces) });

describe('trace pipeline: receiver → sampler → store + Jaeger (stand-in)', () => {
  it('keeps error traces whole in the store and forwards them; drops sampled-out ones; stores OTLP logs and Lookout’s own spans', async () => {
    pipeline = await createTracePipeline({ file: path.join(dir, 'telemetry.duckdb'), clock, registry, logger: pino({ level: 'silent' }), settings: settings({ sampling: { ratio: 0 } }), forwardTo: { url: jaeger.url, queueSpans: 1000 }, receiverPort: 0 });
    const port = (await pipeline.start())!;
    const now = clock.now() * 1000;
    const bad = trace(rand, { traceId: randomHex(rand, 32), startUs: now - 1_000_000, error: true });
    const ok = trace(rand, { traceId: randomHex(rand, 32), startUs: now - 1_000_000 });
    expect((await post(port, '/v1/traces', encodeSpans([...bad, ...ok]), PB)).status).toBe(200);
    expect((await post(port, '/v1/logs', encodeLogs([logLine({ timeUs: now - 500, message: 'boom', level: 'error', traceId: bad[0]!.traceId })]), PB)).status).toBe(200);
    const self = pipeline.selfTracing();
    self.tracer.startSpan('stack start').end();

    await clock.advance(2_600); // decision wait (2 s) + a sweep
    pipeline.store.flush();
    const list = await pipeline.traces.listTraces();
    expect(list.traces.map((t) => t.traceId).sort()).toEqual([bad[0]!.traceId].sort());
    const detail = await pipeline.traces.getTrace(bad[0]!.traceId);
    expect(detail!.spans.map((s) => s.spanId).sort()).toEqual(bad.map((s) => s.spanId).sort());
    expect(await pipeline.traces.getTrace(ok[0]!.traceId)).toBeNull();
    expect((await pipeline.logs.logErrors()).groups[0]).toMatchObject({ template: 'boom', exampleTraceId: bad[0]!.traceId });

    await clock.advance(1_000); // forwarder flush interval
    await until(() => jaeger.spans().length === 3, 'forwarded spans');
    expect(jaeger.spans().map((s) => s.spanId).sort()).toEqual(bad.map((s) => s.spanId).sort());

    const text = await registry.metrics();
    expect(text).toContain('lookout_traces_spans_received_total 7');
    expect(text).toContain('lookout_traces_spans_dropped_total{reason="sampled_out"} 4');
    expect(text).toContain('lookout_store_records_written_total{table="spans"} 3');
    expect(text).toContain('lookout_traces_forwarded_spans_total 3');
    expect(text).toMatch(/lookout_store_used_bytes \d+/);
    expect(text).toContain('lookout_otlp_requests_total{signal="traces",code="200"} 1');
  });

  it('Lookout’s own error spans are kept; a settings change restarts the receiver on its new port and keeps counting', async () => {
    pipeline = await createTracePipeline({ file: path.join(dir, 'telemetry.duckdb'), clock, registry, logger: pino({ level: 'silent' }), settings: settings(), forwardTo: null, receiverPort: 0 });
    await pipeline.start();
    const self = pipeline.selfTracing('0.1.0');
    const span = self.tracer.startSpan('config apply');
    span.setStatus({ code: 2, message: 'promtool failed' });
    span.end();
    await clock.advance(2_600);
    pipeline.store.flush();
    // The SDK stamps real time while the sampler runs on the fake clock: search all of it.
    const [t] = (await pipeline.traces.listTraces({ errorsOnly: true, fromUs: 0, toUs: (Date.now() + 60_000) * 1000 })).traces;
    expect(t).toMatchObject({ rootService: 'lookout', rootName: 'config apply', errorCount: 1 });

    await pipeline.applySettings(settings({ receiver: { maxBodySize: '1MB' } }), null);
    const port = pipeline.receiverPort()!;
    expect((await post(port, '/v1/traces', Buffer.alloc(2 * 1024 * 1024), PB)).status).toBe(413);
    expect(await registry.metrics()).toContain('lookout_otlp_requests_total{signal="traces",code="413"} 1');
  });

  it('a store file that cannot be opened is moved aside and the pipeline starts fresh', async () => {
    const file = path.join(dir, 'telemetry.duckdb');
    await (await import('node:fs/promises')).writeFile(file, 'not a database');
    pipeline = await createTracePipeline({ file, clock, registry, logger: pino({ level: 'silent' }), settings: settings(), forwardTo: null, receiverPort: 0 });
    expect(pipeline.store.stats().movedAsideTo).toContain('.corrupt-');
  });
});

describe('lookout_store_used_bytes', () => {
  /** A store whose size reads resolve only when the test says so, counting the reads. */
  function slowStore() {
    const pending: Array<{ resolve: (n: number) => void; reject: (e: Error) => void }> = [];
    return { pending, usedBytes: () => new Promise<number>((resolve, reject) => pending.push({ resolve, reject })) };
  }
  const settle = () => new Promise((r) => setImmediate(r));
  /** The sample line of a scrape, or null when the series is absent. */
  const sample = async (registry: Registry) => /^lookout_store_used_bytes (.+)$/m.exec(await registry.metrics())?.[1] ?? null;

  it('a scrape answers from the last read and never waits for one; a read older than 10 s starts the next', async () => {
    const store = slowStore();
    const registry = new Registry();
    registerStoreSize(registry, store, clock);
    expect(store.pending).toHaveLength(1);
    // The first read is still running: no sample (not a zero), and no second read piles up.
    expect(await sample(registry)).toBeNull();
    expect(store.pending).toHaveLength(1);
    store.pending[0]!.resolve(4096);
    await settle();
    expect(await sample(registry)).toBe('4096');
    await clock.advance(9_999);
    expect(await sample(registry)).toBe('4096');
    expect(store.pending).toHaveLength(1);
    await clock.advance(1);
    // Stale: the scrape still gets the old figure at once, and a new read is under way.
    expect(await sample(registry)).toBe('4096');
    expect(store.pending).toHaveLength(2);
    store.pending[1]!.resolve(8192);
    await settle();
    expect(await sample(registry)).toBe('8192');
  });

  it('a failed read makes the series absent, not zero', async () => {
    const store = slowStore();
    const registry = new Registry();
    registerStoreSize(registry, store, clock);
    store.pending[0]!.resolve(4096);
    await settle();
    await clock.advance(10_000);
    expect(await sample(registry)).toBe('4096');
    store.pending[1]!.reject(new Error('store closed'));
    await settle();
    expect(await sample(registry)).toBeNull();
    expect(await registry.metrics()).toContain('# TYPE lookout_store_used_bytes gauge');
  });
});
