/**
 * Tail sampling: spans wait per trace until the trace is complete, then one decision
 * (sampling-decision.ts) keeps or drops the whole trace.
 *
 * Complete means: the root span (no parent) has arrived and no span of the trace has arrived for
 * `quietMs` — SDKs export the root span when it ends, which is after its children in a synchronous
 * request, and the quiet period waits for stragglers of other services. A trace whose root never
 * comes (a client span only, a lost root) is decided `maxWaitMs` after its first span.
 *
 * Late spans (of a trace already decided) follow the decision, which is remembered for
 * `rememberMs` (and at most `maxDecisions` traces); after that a late span starts a new trace
 * buffer and is decided on its own — by trace id, so the ratio part agrees.
 *
 * Memory is bounded: at most `maxTraces` traces and `maxSpans` spans wait. When a new span would go
 * past either, the oldest traces are decided early (counted with trigger="buffer_full").
 *
 * One sweep timer runs while anything waits, and none when nothing does (no idle wake-ups).
 */
import type { Registry } from 'prom-client';
import { counterIn, gaugeIn } from '../otlp/registered-metrics';
import type { Clock, Timer } from '../ports';
import type { SpanRecord } from '../store/records';
import { decide, ratioThreshold, type SamplingPolicy } from './sampling-decision';

export interface SamplerOptions {
  clock: Clock;
  policy: SamplingPolicy;
  /** Quiet period after the root span before deciding (default 2 s). */
  quietMs?: number;
  /** Decide at the latest this long after a trace's first span (default 30 s). */
  maxWaitMs?: number;
  maxTraces?: number;
  maxSpans?: number;
  /** How long decisions are remembered for late spans (default 5 min). */
  rememberMs?: number;
  maxDecisions?: number;
  /** Kept spans, in batches (to the store's sink and the forwarder). */
  onKeep(spans: SpanRecord[]): void;
  /** Counters and gauges `lookout_traces_*` are registered here when given. */
  registry?: Registry;
}

export type DecisionTrigger = 'complete' | 'max_wait' | 'buffer_full' | 'flush';

export interface SamplerStats {
  bufferedTraces: number;
  bufferedSpans: number;
  receivedSpans: number;
  keptSpans: number;
  droppedSpans: number;
  keptTraces: Record<'error' | 'slow' | 'ratio', number>;
  droppedTraces: number;
  decisions: Record<DecisionTrigger, number>;
}

export interface TailSampler {
  /** Hand over spans (from the receiver or Lookout's own tracer); never blocks, never throws. */
  add(spans: readonly SpanRecord[]): void;
  /** Decide every waiting trace now (shutdown). */
  flush(): void;
  stats(): SamplerStats;
  /** Swap the policy (settings changed); waiting traces are decided with the new one. */
  setPolicy(policy: SamplingPolicy): void;
  dispose(): void;
}

interface Pending {
  spans: SpanRecord[];
  firstMs: number;
  lastMs: number;
  rootSeen: boolean;
}

export function createTailSampler(opts: SamplerOptions): TailSampler {
  const { clock } = opts;
  const quietMs = opts.quietMs ?? 2_000;
  const maxWaitMs = opts.maxWaitMs ?? 30_000;
  const maxTraces = opts.maxTraces ?? 10_000;
  const maxSpans = opts.maxSpans ?? 200_000;
  const rememberMs = opts.rememberMs ?? 5 * 60_000;
  const maxDecisions = opts.maxDecisions ?? 100_000;
  const sweepMs = Math.max(50, Math.min(1_000, Math.floor(Math.min(quietMs, maxWaitMs) / 2)));
  let policy = opts.policy;
  let threshold = ratioThreshold(policy.ratio);

  /** Insertion order = first-seen order, so the oldest trace is the first key. */
  const pending = new Map<string, Pending>();
  /** Remembered decisions, insertion order = decision order. */
  const decided = new Map<string, { keep: boolean; atMs: number }>();
  let bufferedSpans = 0;
  let timer: Timer | null = null;
  const stats: SamplerStats = {
    bufferedTraces: 0,
    bufferedSpans: 0,
    receivedSpans: 0,
    keptSpans: 0,
    droppedSpans: 0,
    keptTraces: { error: 0, slow: 0, ratio: 0 },
    droppedTraces: 0,
    decisions: { complete: 0, max_wait: 0, buffer_full: 0, flush: 0 },
  };

  const m = {
    received: counterIn(opts.registry, { name: 'lookout_traces_spans_received_total', help: 'Spans handed to the tail sampler' }),
    kept: counterIn(opts.registry, { name: 'lookout_traces_spans_kept_total', help: 'Spans of kept traces (to the store and the forwarder)' }),
    dropped: counterIn(opts.registry, { name: 'lookout_traces_spans_dropped_total', help: 'Spans of traces the sampler dropped', labelNames: ['reason'] }),
    keptTraces: counterIn(opts.registry, { name: 'lookout_traces_traces_kept_total', help: 'Traces kept, by the rule that kept them', labelNames: ['reason'] }),
    droppedTraces: counterIn(opts.registry, { name: 'lookout_traces_traces_dropped_total', help: 'Traces the ratio left out' }),
    decisions: counterIn(opts.registry, { name: 'lookout_traces_decisions_total', help: 'Sampling decisions by what triggered them (complete, max_wait, buffer_full, flush)', labelNames: ['trigger'] }),
    bufferedSpans: gaugeIn(opts.registry, { name: 'lookout_traces_buffered_spans', help: 'Spans waiting for their trace to complete' }),
    bufferedTraces: gaugeIn(opts.registry, { name: 'lookout_traces_buffered_traces', help: 'Traces waiting to complete' }),
  };

  const updateGauges = () => {
    m.bufferedSpans.set(bufferedSpans);
    m.bufferedTraces.set(pending.size);
  };

  function remember(traceId: string, keep: boolean, now: number): void {
    decided.delete(traceId);
    decided.set(traceId, { keep, atMs: now });
    while (decided.size > maxDecisions) decided.delete(decided.keys().next().value!);
  }

  function forget(now: number): void {
    for (const [id, d] of decided) {
      if (now - d.atMs < rememberMs) break;
      decided.delete(id);
    }
  }

  /** Decide one waiting trace; kept spans are appended to `out`. */
  function decideTrace(traceId: string, p: Pending, trigger: DecisionTrigger, now: number, out: SpanRecord[]): void {
    pending.delete(traceId);
    bufferedSpans -= p.spans.length;
    const d = decide(policy, traceId, p.spans, threshold);
    stats.decisions[trigger]++;
    m.decisions.inc({ trigger });
    remember(traceId, d.keep, now);
    if (d.keep) {
      stats.keptTraces[d.reason]++;
      m.keptTraces.inc({ reason: d.reason });
      stats.keptSpans += p.spans.length;
      m.kept.inc(p.spans.length);
      for (const s of p.spans) out.push(s);
    } else {
      stats.droppedTraces++;
      m.droppedTraces.inc();
      stats.droppedSpans += p.spans.length;
      m.dropped.inc({ reason: 'sampled_out' }, p.spans.length);
    }
  }

  function emit(out: SpanRecord[]): void {
    if (out.length > 0) opts.onKeep(out);
  }

  function sweep(): void {
    timer = null;
    const now = clock.now();
    const out: SpanRecord[] = [];
    for (const [id, p] of pending) {
      if (now - p.firstMs >= maxWaitMs) decideTrace(id, p, 'max_wait', now, out);
      else if (p.rootSeen && now - p.lastMs >= quietMs) decideTrace(id, p, 'complete', now, out);
    }
    forget(now);
    updateGauges();
    emit(out);
    schedule();
  }

  function schedule(): void {
    if (timer === null && pending.size > 0) timer = clock.setTimeout(sweep, sweepMs);
  }

  return {
    add(spans) {
      if (spans.length === 0) return;
      const now = clock.now();
      const late: SpanRecord[] = [];
      const early: SpanRecord[] = [];
      stats.receivedSpans += spans.length;
      m.received.inc(spans.length);
      for (const s of spans) {
        const known = decided.get(s.traceId);
        if (known) {
          if (known.keep) {
            late.push(s);
            stats.keptSpans++;
            m.kept.inc();
          } else {
            stats.droppedSpans++;
            m.dropped.inc({ reason: 'sampled_out' });
          }
          continue;
        }
        let p = pending.get(s.traceId);
        if (!p) {
          // Make room first: the oldest traces are decided early rather than the buffer growing.
          while (pending.size >= maxTraces || (bufferedSpans >= maxSpans && pending.size > 0)) {
            const [oldId, old] = pending.entries().next().value!;
            decideTrace(oldId, old, 'buffer_full', now, early);
          }
          p = { spans: [], firstMs: now, lastMs: now, rootSeen: false };
          pending.set(s.traceId, p);
        } else if (bufferedSpans >= maxSpans) {
          decideTrace(s.traceId, p, 'buffer_full', now, early);
          // This span is now a late span of a decided trace.
          if (decided.get(s.traceId)?.keep) {
            late.push(s);
            stats.keptSpans++;
            m.kept.inc();
          } else {
            stats.droppedSpans++;
            m.dropped.inc({ reason: 'sampled_out' });
          }
          continue;
        }
        p.spans.push(s);
        p.lastMs = now;
        if (s.parentSpanId === null) p.rootSeen = true;
        bufferedSpans++;
      }
      updateGauges();
      emit(early.concat(late));
      schedule();
    },
    flush() {
      const now = clock.now();
      const out: SpanRecord[] = [];
      for (const [id, p] of pending) decideTrace(id, p, 'flush', now, out);
      updateGauges();
      emit(out);
    },
    stats: () => ({ ...stats, keptTraces: { ...stats.keptTraces }, decisions: { ...stats.decisions }, bufferedTraces: pending.size, bufferedSpans }),
    setPolicy(next) {
      policy = next;
      threshold = ratioThreshold(next.ratio);
    },
    dispose() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
