import { context, defaultTextMapGetter, defaultTextMapSetter, type Context, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, SamplingDecision, TracerProvider, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { installContextManager } from './request-context';

/** W3C trace context headers (lower case, as node:http hands them over). */
export type TraceCarrier = Record<string, string | string[] | undefined>;

/** A service's tracer plus W3C `traceparent` propagation for outgoing HTTP and IPC calls. */
export interface Tracing {
  tracer: Tracer;
  /** Write `traceparent` (and `tracestate`) of `ctx` into headers or an IPC envelope. */
  inject(carrier: Record<string, string>, ctx?: Context): void;
  /** The remote parent named by incoming headers (or the active context when there is none). */
  extract(carrier: TraceCarrier, ctx?: Context): Context;
  /** Flush and stop the span processors. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  service: string;
  version?: string;
  /** Extra processors (tests pass a SimpleSpanProcessor over an InMemorySpanExporter). */
  spanProcessors?: SpanProcessor[];
  /**
   * OTLP/HTTP traces endpoint (e.g. a local Jaeger's http://127.0.0.1:4318/v1/traces). Default:
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces; none → spans are
   * created (so logs carry trace ids) but not exported.
   */
  otlpEndpoint?: string | null;
}

const propagator = new W3CTraceContextPropagator();

/**
 * A span started with this attribute set to true is not recorded: it still has a trace id for the log
 * line, and calls made under it carry an unsampled `traceparent`, so they are not recorded either.
 */
export const UNRECORDED_ATTRIBUTE = 'lookout.unrecorded';

const parentBased = new ParentBasedSampler({ root: new AlwaysOnSampler() });
const sampler: Sampler = {
  shouldSample: (ctx, traceId, name, kind, attributes, links) =>
    attributes[UNRECORDED_ATTRIBUTE] === true ? { decision: SamplingDecision.NOT_RECORD } : parentBased.shouldSample(ctx, traceId, name, kind, attributes, links),
  toString: () => `Unrecorded(${UNRECORDED_ATTRIBUTE}) else ${parentBased.toString()}`,
};

function otlpEndpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`;
  return null;
}

/**
 * Tracing for one service. The provider is not registered globally on purpose: several services (or
 * Lookout and a test) can live in one process, each with its own tracer, while sharing the one
 * context manager that makes spans follow `await`.
 */
export function createTracing(opts: TracingOptions): Tracing {
  installContextManager();
  const processors = [...(opts.spanProcessors ?? [])];
  const endpoint = opts.otlpEndpoint === undefined ? otlpEndpointFromEnv() : opts.otlpEndpoint;
  if (endpoint) processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: endpoint }) }));
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.service, ...(opts.version ? { 'service.version': opts.version } : {}) }),
    spanProcessors: processors,
    sampler,
  });
  return {
    tracer: provider.getTracer('lookout-telemetry-kit'),
    inject(carrier, ctx = context.active()) {
      propagator.inject(ctx, carrier, defaultTextMapSetter);
    },
    extract(carrier, ctx = context.active()) {
      return propagator.extract(ctx, carrier, defaultTextMapGetter);
    },
    shutdown: () => provider.shutdown(),
  };
}
