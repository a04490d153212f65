/**
 * The tail-sampling decision for one complete trace, pure.
 *
 * 1. A trace with a span whose status is error is kept (when `keepErrors`).
 * 2. A trace is *slow*, and kept, when any of its spans lasts longer than the threshold of the service
 *    that span belongs to (`slowMs.services[span.service]`, else `slowMs.default`; null = no threshold).
 *    The root span is one of them, so a slow request counts against the service that served it, and a
 *    slow `llm` call inside a fast-looking trace counts against llm's own threshold.
 * 3. Of the rest, a share `ratio` is kept, decided on the trace id alone, the way OpenTelemetry's
 *    consistent probability sampling (TraceIdRatioBased with W3C Trace Context level 2 randomness)
 *    does: the rightmost 56 bits of the trace id are a random number R, and the trace is kept when
 *    R ≥ (1 − ratio) × 2^56. Every Lookout (and every SDK sampling at a ratio ≥ ours) agrees on it.
 */
import type { SpanRecord } from '../store/records';

export interface SamplingPolicy {
  /** 0–1. */
  ratio: number;
  keepErrors: boolean;
  slowMs: { default: number | null; services: Record<string, number | null> };
}

export type Decision = { keep: true; reason: 'error' | 'slow' | 'ratio' } | { keep: false; reason: 'sampled_out' };

const TWO_56 = 2 ** 56;

/** The randomness threshold for a ratio: keep when the trace id's low 56 bits are at least this. */
export function ratioThreshold(ratio: number): bigint {
  const r = Math.min(1, Math.max(0, ratio));
  return BigInt(Math.round((1 - r) * TWO_56));
}

/** The trace id's rightmost 56 bits (14 hex characters). */
export function traceRandomness(traceId: string): bigint {
  return BigInt(`0x${traceId.slice(-14)}`);
}

export function keptByRatio(traceId: string, threshold: bigint): boolean {
  return traceRandomness(traceId) >= threshold;
}

export function slowThresholdUs(policy: SamplingPolicy, service: string): number | null {
  const ms = Object.hasOwn(policy.slowMs.services, service) ? policy.slowMs.services[service]! : policy.slowMs.default;
  return ms === null ? null : ms * 1000;
}

export function isSlowSpan(policy: SamplingPolicy, span: SpanRecord): boolean {
  const t = slowThresholdUs(policy, span.service);
  return t !== null && span.durationUs > t;
}

export function decide(policy: SamplingPolicy, traceId: string, spans: readonly SpanRecord[], threshold = ratioThreshold(policy.ratio)): Decision {
  if (policy.keepErrors && spans.some((s) => s.status === 'error')) return { keep: true, reason: 'error' };
  if (spans.some((s) => isSlowSpan(policy, s))) return { keep: true, reason: 'slow' };
  if (keptByRatio(traceId, threshold)) return { keep: true, reason: 'ratio' };
  return { keep: false, reason: 'sampled_out' };
}
