/**
 * Lookout traces itself (stack start, config apply, …) into its own store: a SpanProcessor for the
 * OpenTelemetry SDK that turns each ended span into a SpanRecord and hands it to the tail sampler, so
 * Lookout's traces are sampled, stored and forwarded exactly like a user service's, without a round
 * trip through its own HTTP receiver.
 */
import { SpanKind, SpanStatusCode, type Attributes as OtelAttributes, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { AttributeValue, Attributes, SpanRecord } from '../store/records';
import { createTracing, type Tracing } from '../telemetry/tracing';

const KINDS: Record<SpanKind, SpanRecord['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

const micros = (t: HrTime) => t[0] * 1_000_000 + Math.floor(t[1] / 1000);

function attributes(attrs: OtelAttributes | undefined, skip?: string): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (k === skip || v === undefined) continue;
    out[k] = Array.isArray(v) ? (v as unknown[]).map((x) => (x === undefined ? null : (x as AttributeValue))) : (v as AttributeValue);
  }
  return out;
}

/** An SDK span as the store's record. */
export function spanRecordOf(span: ReadableSpan): SpanRecord {
  const ctx = span.spanContext();
  const resource = span.resource.attributes;
  const service = typeof resource['service.name'] === 'string' && resource['service.name'] ? resource['service.name'] : 'unknown_service';
  const startUs = micros(span.startTime);
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    service,
    name: span.name,
    kind: KINDS[span.kind] ?? 'unspecified',
    startUs,
    durationUs: Math.max(0, micros(span.endTime) - startUs),
    status: span.status.code === SpanStatusCode.ERROR ? 'error' : span.status.code === SpanStatusCode.OK ? 'ok' : 'unset',
    statusMessage: span.status.message || null,
    attributes: attributes(span.attributes),
    events: span.events.map((e) => ({ timeUs: micros(e.time), name: e.name, attributes: attributes(e.attributes) })),
    links: span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: attributes(l.attributes) })),
    resource: attributes(resource as OtelAttributes, 'service.name'),
    scope: span.instrumentationScope.name || null,
  };
}

/** A SpanProcessor that hands every ended span to `onSpans` (the sampler's `add`). */
export function createSpanRecordProcessor(onSpans: (spans: SpanRecord[]) => void): SpanProcessor {
  let stopped = false;
  return {
    onStart: () => undefined,
    onEnd(span) {
      if (stopped) return;
      try {
        onSpans([spanRecordOf(span)]);
      } catch {
        // Tracing Lookout must never break what it traces.
      }
    },
    forceFlush: () => Promise.resolve(),
    shutdown() {
      stopped = true;
      return Promise.resolve();
    },
  };
}

/** Lookout's own tracer, recording into the pipeline (`service.name` "lookout"). */
export function createSelfTracing(onSpans: (spans: SpanRecord[]) => void, version?: string): Tracing {
  return createTracing({ service: 'lookout', ...(version ? { version } : {}), spanProcessors: [createSpanRecordProcessor(onSpans)], otlpEndpoint: null });
}
