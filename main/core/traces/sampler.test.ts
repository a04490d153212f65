import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock';
import { randomHex, seededRandom, span, trace } from '../../../test/fakes/telemetry-records';
import type { SpanRecord } from '../store/records';
import { createTailSampler, type SamplerOptions } from './sampler';
import { decide, keptByRatio, ratioThreshold, type SamplingPolicy } from './sampling-decision';

const rand = seededRandom(5);
const POLICY: SamplingPolicy = { ratio: 0.1, keepErrors: true, slowMs: { default: 1000, services: { llm: 2500 } } };
const randomTraceId = () => randomBytes(16).toString('hex');

function setup(over: Partial<SamplerOptions> = {}) {
  const clock = new FakeClock();
  const kept: SpanRecord[] = [];
  const registry = new Registry();
  const sampler = createTailSampler({ clock, policy: POLICY, quietMs: 1000, maxWaitMs: 10_000, onKeep: (b) => kept.push(...b), registry, ...over });
  return { clock, kept, registry, sampler };
}

const keptTraces = (kept: SpanRecord[]) => new Set(kept.map((s) => s.traceId));

describe('tail sampling decision', () => {
  it('keeps 10 % ± 1.5 % of 10,000 normal traces with random ids, and every error and slow trace', async () => {
    const { clock, kept, sampler } = setup({ maxTraces: 20_000, maxSpans: 100_000 });
    const normal: string[] = [];
    const errors: string[] = [];
    const slow: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const id = randomTraceId();
      normal.push(id);
      sampler.add(trace(rand, { traceId: id, startUs: 1e15, durationUs: 50_000 }));
    }
    for (let i = 0; i < 1000; i++) {
      const id = randomTraceId();
      errors.push(id);
      sampler.add(trace(rand, { traceId: id, startUs: 1e15, error: true }));
    }
    for (let i = 0; i < 1000; i++) {
      const id = randomTraceId();
      slow.push(id);
      sampler.add(trace(rand, { traceId: id, startUs: 1e15, durationUs: 1_500_000 }));
    }
    await clock.advance(1_500);
    const ids = keptTraces(kept);
    const share = normal.filter((id) => ids.has(id)).length / normal.length;
    expect(share).toBeGreaterThanOrEqual(0.085);
    expect(share).toBeLessThanOrEqual(0.115);
    expect(errors.every((id) => ids.has(id))).toBe(true);
    expect(slow.every((id) => ids.has(id))).toBe(true);
    // Whole traces: every kept trace has all three spans.
    expect(kept.length).toBe(ids.size * 3);
    const st = sampler.stats();
    expect(st.keptTraces.error).toBe(1000);
    expect(st.keptTraces.slow).toBe(1000);
    expect(st.keptTraces.ratio + st.droppedTraces).toBe(10_000);
    expect(st.receivedSpans).toBe(36_000);
    expect(st.keptSpans + st.droppedSpans).toBe(36_000);
  });

  it('decides on the trace id alone, like consistent probability sampling (same id, same answer; ratio 0 and 1)', () => {
    const t10 = ratioThreshold(0.1);
    const id = randomHex(rand, 32);
    expect(keptByRatio(id, t10)).toBe(keptByRatio(id, ratioThreshold(0.1)));
    expect(keptByRatio('0'.repeat(18) + 'ffffffffffffff', t10)).toBe(true);
    expect(keptByRatio('f'.repeat(18) + '00000000000000', t10)).toBe(false);
    expect(keptByRatio('f'.repeat(18) + '00000000000000', ratioThreshold(1))).toBe(true);
    expect(keptByRatio('0'.repeat(18) + 'ffffffffffffff', ratioThreshold(0))).toBe(false);
    // A trace kept at 10 % is kept at 50 % too.
    for (let i = 0; i < 500; i++) {
      const x = randomHex(rand, 32);
      if (keptByRatio(x, t10)) expect(keptByRatio(x, ratioThreshold(0.5))).toBe(true);
    }
  });

  it('measures slowness per service: an llm span over llm’s 2.5 s is slow, a 2 s one is not, the default applies elsewhere', () => {
    const base = (svc: string, durationUs: number) => [span({ traceId: 'f'.repeat(18) + '0'.repeat(14), spanId: randomHex(rand, 16), service: 'gui', durationUs: 10_000 }), span({ traceId: 'f'.repeat(18) + '0'.repeat(14), spanId: randomHex(rand, 16), parentSpanId: 'a'.repeat(16), service: svc, durationUs })];
    const id = 'f'.repeat(18) + '0'.repeat(14);
    expect(decide(POLICY, id, base('llm', 3_000_000))).toEqual({ keep: true, reason: 'slow' });
    expect(decide(POLICY, id, base('llm', 2_000_000))).toEqual({ keep: false, reason: 'sampled_out' });
    expect(decide(POLICY, id, base('memory', 1_200_000))).toEqual({ keep: true, reason: 'slow' });
    expect(decide({ ...POLICY, slowMs: { default: null, services: {} } }, id, base('memory', 60_000_000))).toEqual({ keep: false, reason: 'sampled_out' });
    expect(decide({ ...POLICY, keepErrors: false }, id, [span({ traceId: id, spanId: 'a'.repeat(16), status: 'error' })])).toEqual({ keep: false, reason: 'sampled_out' });
  });
});

describe('tail sampler buffering', () => {
  const errorTrace = () => trace(rand, { traceId: randomTraceId(), startUs: 1e15, error: true });

  it('waits for the root and a quiet period, then decides once; late spans follow the decision', async () => {
    const { clock, kept, sampler } = setup();
    const [root, llm, memory] = errorTrace();
    sampler.add([memory!]);
    await clock.advance(5_000);
    sampler.add([llm!]);
    expect(kept).toEqual([]);
    sampler.add([root!]);
    await clock.advance(900);
    expect(kept).toEqual([]);
    await clock.advance(700);
    expect(kept.map((s) => s.spanId)).toEqual([memory!.spanId, llm!.spanId, root!.spanId]);
    const late = span({ traceId: root!.traceId, spanId: randomHex(rand, 16), parentSpanId: root!.spanId });
    sampler.add([late]);
    expect(kept.at(-1)).toBe(late);
    expect(sampler.stats().decisions.complete).toBe(1);

    // A dropped trace's late span is dropped too.
    const droppedId = 'f'.repeat(18) + '0'.repeat(14);
    sampler.add(trace(rand, { traceId: droppedId, startUs: 1e15 }));
    await clock.advance(1_600);
    const before = kept.length;
    sampler.add([span({ traceId: droppedId, spanId: randomHex(rand, 16), parentSpanId: 'a'.repeat(16), status: 'error' })]);
    expect(kept.length).toBe(before);
    expect(sampler.stats().droppedSpans).toBe(4);
    // Nothing waits, so no timer is left running.
    expect(clock.pendingTimers()).toBe(0);
  });

  it('decides a trace without a root after the max wait', async () => {
    const { clock, kept, sampler } = setup();
    const [, llm, memory] = errorTrace();
    sampler.add([llm!, memory!]);
    await clock.advance(9_000);
    expect(kept).toEqual([]);
    await clock.advance(1_500);
    expect(kept).toHaveLength(2);
    expect(sampler.stats().decisions.max_wait).toBe(1);
  });

  it('stays within max traces and max spans by deciding the oldest early, and counts it', async () => {
    const { kept, sampler, registry } = setup({ maxTraces: 5, maxSpans: 12 });
    const traces = Array.from({ length: 8 }, errorTrace);
    for (const t of traces) sampler.add(t);
    const st = sampler.stats();
    expect(st.bufferedTraces).toBeLessThanOrEqual(5);
    expect(st.bufferedSpans).toBeLessThanOrEqual(12);
    expect(st.decisions.buffer_full).toBeGreaterThanOrEqual(3);
    // The oldest were decided first, and kept whole (they had errors).
    expect(keptTraces(kept).has(traces[0]![0]!.traceId)).toBe(true);
    expect(kept.filter((s) => s.traceId === traces[0]![0]!.traceId)).toHaveLength(3);
    sampler.flush();
    expect(keptTraces(kept).size).toBe(8);
    const text = await registry.metrics();
    expect(text).toContain('lookout_traces_spans_received_total 24');
    expect(text).toContain('lookout_traces_spans_kept_total 24');
    expect(text).toMatch(/lookout_traces_decisions_total\{trigger="buffer_full"\} [3-9]/);
    expect(text).toContain('lookout_traces_traces_kept_total{reason="error"} 8');
  });

  it('counts dropped spans by reason in the registry', async () => {
    const { clock, sampler, registry } = setup({ policy: { ...POLICY, ratio: 0 } });
    sampler.add(trace(rand, { traceId: randomTraceId(), startUs: 1e15 }));
    await clock.advance(1_600);
    expect(await registry.metrics()).toContain('lookout_traces_spans_dropped_total{reason="sampled_out"} 3');
  });
});
