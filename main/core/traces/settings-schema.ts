/**
 * The `store` and `traces` sections of settings.json. Every field has a default, so a missing section
 * is valid; unknown keys are errors (`.strict()`), and each message names what is wrong.
 *
 * Durations are a number and a unit, units combinable: `500ms`, `2.5s`, `1m30s`, `7d` (ms, s, m, h,
 * d, w). Sizes are a number and B, KB, MB, GB or TB, 1024-based as in Prometheus' retention size.
 */
import { z } from 'zod';
import { runtimeField } from '../install/settings-schema';
import { duration, durationMs, port, size } from '../settings/units';
import type { SamplingPolicy } from './sampling-decision';

const SERVICE = /^[a-zA-Z_][a-zA-Z0-9_.-]*$/;

const positiveDuration = (example: string) => duration(example, { positive: true });

const count = (max: number) => z.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`);

/** The embedded telemetry store (`<home>/telemetry.duckdb`). */
export const storeSettingsSchema = z
  .object({
    retention: z
      .object({
        /** Spans and log records older than this are deleted. */
        maxAge: positiveDuration('7d').default('7d'),
        /** The oldest rows are deleted while the data takes more than this. */
        maxSize: size('1GB').default('1GB'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/** Slow-trace thresholds: a span longer than its service's threshold makes its trace kept. null: no threshold. */
const slowSchema = z
  .object({
    /** For services not listed below. */
    default: positiveDuration('1s').nullable().default('1s'),
    /** Per service.name, e.g. `{ "llm": "2.5s" }`. */
    services: z
      .record(z.string(), positiveDuration('2.5s').nullable())
      .default({})
      .superRefine((services, ctx) => {
        for (const name of Object.keys(services)) {
          if (!SERVICE.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'service names are letters, digits, _, . and -' });
        }
      }),
  })
  .strict()
  .prefault({});

export const tracesSettingsSchema = z
  .object({
    receiver: z
      .object({
        /** The OTLP/HTTP receiver on 127.0.0.1 (traces and logs). */
        enabled: z.boolean().default(true),
        port: port.default(4318),
        /** Requests larger than this (compressed or inflated) get 413. */
        maxBodySize: size('8MB').default('8MB'),
      })
      .strict()
      .prefault({}),
    sampling: z
      .object({
        /** Share of ordinary traces kept (0–1), decided on the trace id. */
        ratio: z.number({ message: 'must be a number' }).min(0, 'must be a ratio from 0 to 1').max(1, 'must be a ratio from 0 to 1').default(0.1),
        /** Keep every trace that has an error span. */
        keepErrors: z.boolean().default(true),
        slow: slowSchema,
        /** Quiet period after the root span before a trace is decided. */
        decisionWait: positiveDuration('2s').default('2s'),
        /** A trace is decided at the latest this long after its first span (no root seen). */
        maxWait: positiveDuration('30s').default('30s'),
        /** Traces and spans waiting at most; past that the oldest are decided early. */
        maxTraces: count(1_000_000).default(10_000),
        maxSpans: count(10_000_000).default(200_000),
      })
      .strict()
      .superRefine((s, ctx) => {
        if (durationMs(s.maxWait) < durationMs(s.decisionWait)) ctx.addIssue({ code: 'custom', path: ['maxWait'], message: `must be at least decisionWait (${s.decisionWait})` });
      })
      .prefault({}),
  })
  .strict()
  .prefault({});

/**
 * `stack.components.jaeger`: Jaeger v2 as a supervised component. Its own ports besides the UI's
 * (`port`) are here too, so everything Jaeger listens on is one object; the cross-check of ports
 * against every other listener is the settings schema's.
 */
export const jaegerComponentSchema = z
  .object({
    /** Supervise Jaeger v2 and forward kept traces to it (off by default: Lookout's own trace views need nothing installed). */
    enabled: z.boolean().default(false),
    runtime: runtimeField,
    /** Absolute path of the `jaeger` binary; when unset the usual search order applies. */
    binary: z.string().refine((p) => p.startsWith('/'), { message: 'must be an absolute path' }).optional(),
    /** memory: max `maxTraces` traces, gone on restart; badger: on disk under the home, `retention` as TTL. */
    storage: z.enum(['memory', 'badger'], { message: 'must be memory or badger' }).default('memory'),
    maxTraces: count(10_000_000).default(50_000),
    retention: positiveDuration('7d').default('7d'),
    /** UI and query API. */
    port: port.default(16686),
    queryGrpcPort: port.default(16685),
    /** Jaeger's OTLP receivers; not 4317/4318, which are Lookout's. */
    otlpGrpcPort: port.default(14317),
    otlpHttpPort: port.default(14318),
    healthPort: port.default(13133),
    metricsPort: port.default(8888),
    /** Spans waiting to be forwarded at most; more are dropped and counted. */
    forwardQueue: count(10_000_000).default(50_000),
  })
  .strict()
  .prefault({});

export type JaegerSettings = z.infer<typeof jaegerComponentSchema>;
export type StoreSettings = z.infer<typeof storeSettingsSchema>;
export type TracesSettings = z.infer<typeof tracesSettingsSchema>;

/** The sampler's policy from settings. */
export function samplingPolicy(s: TracesSettings['sampling']): SamplingPolicy {
  const services: Record<string, number | null> = {};
  for (const [name, d] of Object.entries(s.slow.services)) services[name] = d === null ? null : durationMs(d);
  return { ratio: s.ratio, keepErrors: s.keepErrors, slowMs: { default: s.slow.default === null ? null : durationMs(s.slow.default), services } };
}
