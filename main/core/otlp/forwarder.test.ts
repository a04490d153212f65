import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, until } from '../../../test/fakes/fake-clock';
import { startOtlpStandIn, type OtlpStandIn } from '../../../test/fakes/otlp-receiver-stand-in';
import { randomHex, seededRandom, trace } from '../../../test/fakes/telemetry-records';
import { createForwarder, type Forwarder, type ForwarderOptions } from './forwarder';

const rand = seededRandom(99);
let jaeger: OtlpStandIn;
let clock: FakeClock;
let forwarder: Forwarder | null = null;

beforeEach(async () => {
  jaeger = await startOtlpStandIn();
  clock = new FakeClock();
});
afterEach(async () => {
  forwarder?.dispose();
  await jaeger.close();
});

const start = (over: Partial<ForwarderOptions> = {}) => (forwarder = createForwarder({ url: jaeger.url, clock, ...over }));
const spansOf = (n: number) => Array.from({ length: n }, () => trace(rand, { traceId: randomHex(rand, 32), startUs: 1_700_000_000_000_000 + Math.floor(rand() * 1e6), error: rand() < 0.5 })).flat();

describe('forwarding kept traces to Jaeger’s OTLP receiver (stand-in)', () => {
  it('delivers the spans with their ids, parents, attributes and services, batched', async () => {
    const registry = new Registry();
    const f = start({ maxBatchSpans: 4, registry });
    const sent = spansOf(3);
    f.send(sent);
    await clock.advance(0);
    await until(() => jaeger.requests.length >= 2, 'the first full batches');
    await clock.advance(1000);
    await until(() => jaeger.spans().length === 9, 'all 9 spans');
    expect(jaeger.requests.map((r) => r.resourceSpans!.flatMap((rs) => rs.scopeSpans!.flatMap((s) => s.spans!)).length)).toEqual([4, 4, 1]);
    const got = jaeger.spans();
    expect([...got].sort((a, b) => a.spanId.localeCompare(b.spanId))).toEqual([...sent].sort((a, b) => a.spanId.localeCompare(b.spanId)));
    for (const s of got.filter((x) => x.parentSpanId)) expect(got.some((p) => p.spanId === s.parentSpanId && p.traceId === s.traceId)).toBe(true);
    expect(f.stats()).toMatchObject({ sent: 9, queued: 0, retries: 0 });
    expect(await registry.metrics()).toContain('lookout_traces_forwarded_spans_total 9');
  });

  it('retries 503 with backoff (honouring Retry-After) and loses nothing', async () => {
    jaeger.failNext(2, 503);
    const f = start({ initialBackoffMs: 500 });
    const sent = spansOf(2);
    f.send(sent);
    await clock.advance(1000);
    await until(() => jaeger.requests.length === 1, 'first attempt');
    expect(f.stats().retries).toBe(1);
    await clock.advance(999); // Retry-After: 1 s outweighs the 500 ms backoff
    expect(jaeger.requests.length).toBe(1);
    await clock.advance(1);
    await until(() => jaeger.requests.length === 2, 'second attempt');
    await clock.advance(1000); // backoff doubled to 1 s, Retry-After 1 s
    await until(() => jaeger.requests.length === 3, 'third attempt');
    await until(() => f.stats().sent === 6, 'delivered');
    expect(jaeger.spans()).toHaveLength(6);
    expect(f.stats()).toMatchObject({ retries: 2, queued: 0, droppedRejected: 0 });
  });

  it('retries when nothing answers (endpoint down) and keeps the spans queued', async () => {
    await jaeger.close();
    const f = start({ initialBackoffMs: 200 });
    f.send(spansOf(1));
    await clock.advance(1000);
    await until(() => f.stats().retries === 1, 'a failed attempt');
    expect(f.stats()).toMatchObject({ queued: 3, sent: 0 });
    expect(f.stats().lastError).toBeTruthy();
  });

  it('drops a batch the endpoint refuses (400) and counts it; drops what exceeds the queue', async () => {
    jaeger.failNext(1, 400);
    const registry = new Registry();
    const f = start({ maxQueueSpans: 4, registry });
    f.send(spansOf(2));
    expect(f.stats()).toMatchObject({ queued: 4, droppedQueueFull: 2 });
    await clock.advance(1000);
    await until(() => f.stats().droppedRejected === 4, 'refused batch');
    expect(f.stats().retries).toBe(0);
    const text = await registry.metrics();
    expect(text).toContain('lookout_traces_forward_dropped_spans_total{reason="queue_full"} 2');
    expect(text).toContain('lookout_traces_forward_dropped_spans_total{reason="rejected"} 4');
  });
});
