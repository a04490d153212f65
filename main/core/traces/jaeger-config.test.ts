/**
 * Jaeger v2 cannot run here, so its rendered config is checked against a schema written from Jaeger's
 * documented configuration (jaegertracing/jaeger v2.20: cmd/jaeger/config.yaml, config-badger.yaml,
 * internal/all-in-one.yaml, the config structs named in jaeger-config.ts) and the OpenTelemetry
 * Collector's config rules (every component in a pipeline or in service.extensions must be defined;
 * every defined extension must be listed to run).
 */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_JAEGER_PORTS, JAEGER_COMPONENT, jaegerConfigObject, renderJaegerConfig, type JaegerConfigOptions } from './jaeger-config';

/** host:port on loopback only. */
const loopback = z.string().regex(/^127\.0\.0\.1:\d{1,5}$/, 'must listen on 127.0.0.1:<port>');
/** Go duration (time.ParseDuration), as badger's ttl.spans and maintenance_interval take. */
const goDuration = z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);

const memoryBackend = z.object({ memory: z.object({ max_traces: z.number().int().positive() }).strict() }).strict();
const badgerBackend = z
  .object({
    badger: z
      .object({
        directories: z.object({ keys: z.string().startsWith('/'), values: z.string().startsWith('/') }).strict(),
        ephemeral: z.literal(false),
        ttl: z.object({ spans: goDuration }).strict(),
        maintenance_interval: goDuration.optional(),
        consistency: z.boolean().optional(),
        metrics_update_interval: goDuration.optional(),
      })
      .strict(),
  })
  .strict();

const jaegerV2Config = z
  .object({
    service: z
      .object({
        extensions: z.array(z.string()),
        pipelines: z.object({ traces: z.object({ receivers: z.array(z.string()).min(1), processors: z.array(z.string()), exporters: z.array(z.string()).min(1) }).strict() }).strict(),
        telemetry: z
          .object({
            resource: z.record(z.string(), z.string()).optional(),
            metrics: z
              .object({
                level: z.enum(['none', 'basic', 'normal', 'detailed']),
                readers: z.array(z.object({ pull: z.object({ exporter: z.object({ prometheus: z.object({ host: z.literal('127.0.0.1'), port: z.number().int() }).strict() }).strict() }).strict() }).strict()),
              })
              .strict(),
            logs: z.object({ level: z.enum(['debug', 'info', 'warn', 'error']) }).strict(),
          })
          .strict(),
      })
      .strict(),
    extensions: z
      .object({
        healthcheckv2: z.object({ use_v2: z.literal(true), http: z.object({ endpoint: loopback }).strict() }).strict(),
        jaeger_query: z
          .object({
            storage: z.object({ traces: z.string(), traces_archive: z.string().optional() }).strict(),
            http: z.object({ endpoint: loopback }).strict(),
            grpc: z.object({ endpoint: loopback }).strict(),
          })
          .strict(),
        jaeger_storage: z.object({ backends: z.record(z.string(), z.union([memoryBackend, badgerBackend])) }).strict(),
      })
      .strict(),
    receivers: z.object({ otlp: z.object({ protocols: z.object({ grpc: z.object({ endpoint: loopback }).strict(), http: z.object({ endpoint: loopback }).strict() }).strict() }).strict() }).strict(),
    processors: z.object({ batch: z.object({}).strict() }).strict(),
    exporters: z.object({ jaeger_storage_exporter: z.object({ trace_storage: z.string() }).strict() }).strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const defined = (section: Record<string, unknown>, names: string[], where: string) => {
      for (const n of names) if (!(n in section)) ctx.addIssue({ code: 'custom', message: `${where} names ${n}, which is not defined` });
    };
    defined(c.extensions, c.service.extensions, 'service.extensions');
    for (const e of Object.keys(c.extensions)) if (!c.service.extensions.includes(e)) ctx.addIssue({ code: 'custom', message: `extension ${e} is defined but not enabled` });
    defined(c.receivers, c.service.pipelines.traces.receivers, 'pipeline receivers');
    defined(c.processors, c.service.pipelines.traces.processors, 'pipeline processors');
    defined(c.exporters, c.service.pipelines.traces.exporters, 'pipeline exporters');
    const backends = c.extensions.jaeger_storage.backends;
    defined(backends, [c.extensions.jaeger_query.storage.traces], 'jaeger_query.storage.traces');
    defined(backends, [c.exporters.jaeger_storage_exporter.trace_storage], 'jaeger_storage_exporter.trace_storage');
  });

const base: JaegerConfigOptions = { home: '/Users/me/Library/Application Support/Lookout', storage: { kind: 'memory', maxTraces: 50_000 }, ports: DEFAULT_JAEGER_PORTS };

/** Every host:port string anywhere in the config. */
function endpoints(o: unknown, out: string[] = []): string[] {
  if (typeof o === 'string' && /:\d+$/.test(o)) out.push(o);
  else if (o && typeof o === 'object') for (const v of Object.values(o)) endpoints(v, out);
  return out;
}

describe('Jaeger v2 config', () => {
  it('renders YAML that parses back to a config matching the documented schema (memory storage)', () => {
    const parsed = parse(renderJaegerConfig(base)) as unknown;
    expect(parsed).toEqual(jaegerConfigObject(base));
    const r = jaegerV2Config.safeParse(parsed);
    expect(r.success ? [] : r.error.issues).toEqual([]);
    expect((parsed as { extensions: { jaeger_storage: unknown } }).extensions.jaeger_storage).toEqual({ backends: { lookout_store: { memory: { max_traces: 50_000 } } } });
  });

  it('puts badger data under the Lookout home, persistent, with the retention as TTL', () => {
    const cfg = jaegerConfigObject({ ...base, storage: { kind: 'badger', ttl: '168h' } });
    const r = jaegerV2Config.safeParse(cfg);
    expect(r.success ? [] : r.error.issues).toEqual([]);
    expect((cfg as { extensions: { jaeger_storage: { backends: Record<string, unknown> } } }).extensions.jaeger_storage.backends.lookout_store).toEqual({
      badger: {
        directories: { keys: `${base.home}/jaeger/badger/keys`, values: `${base.home}/jaeger/badger/values` },
        ephemeral: false,
        ttl: { spans: '168h' },
        maintenance_interval: '5m',
      },
    });
  });

  it('binds every endpoint to 127.0.0.1 on the configured ports, none on Lookout’s own 4317/4318', () => {
    const ports = { ui: 26686, queryGrpc: 26685, otlpGrpc: 24317, otlpHttp: 24318, health: 23133, metrics: 28888 };
    const cfg = jaegerConfigObject({ ...base, ports });
    const eps = endpoints(cfg);
    expect(eps.sort()).toEqual(['127.0.0.1:23133', '127.0.0.1:24317', '127.0.0.1:24318', '127.0.0.1:26685', '127.0.0.1:26686'].sort());
    const prom = (cfg as { service: { telemetry: { metrics: { readers: { pull: { exporter: { prometheus: { host: string; port: number } } } }[] } } } }).service.telemetry.metrics.readers[0]!.pull.exporter.prometheus;
    expect(prom).toEqual({ host: '127.0.0.1', port: 28888 });
    const defaults = endpoints(jaegerConfigObject(base));
    expect(defaults.some((e) => e.endsWith(':4317') || e.endsWith(':4318'))).toBe(false);
  });

  it('the schema refuses what Jaeger would refuse or what would leave loopback', () => {
    const cfg = jaegerConfigObject(base) as { receivers: { otlp: { protocols: { http: { endpoint: string } } } }; exporters: { jaeger_storage_exporter: { trace_storage: string } } };
    const wide = structuredClone(cfg);
    wide.receivers.otlp.protocols.http.endpoint = '0.0.0.0:4318';
    expect(jaegerV2Config.safeParse(wide).success).toBe(false);
    const dangling = structuredClone(cfg);
    dangling.exporters.jaeger_storage_exporter.trace_storage = 'nope';
    expect(jaegerV2Config.safeParse(dangling).success).toBe(false);
  });

  it('gives the catalog its command line, readiness URL, UI and forwarding URLs and the release archive name', () => {
    expect(JAEGER_COMPONENT.args('/h/jaeger/config.yaml')).toEqual(['--config', '/h/jaeger/config.yaml']);
    expect(JAEGER_COMPONENT.readinessUrl(DEFAULT_JAEGER_PORTS)).toBe('http://127.0.0.1:13133/status');
    expect(JAEGER_COMPONENT.otlpHttpTracesUrl(DEFAULT_JAEGER_PORTS)).toBe('http://127.0.0.1:14318/v1/traces');
    expect(JAEGER_COMPONENT.traceUrl(DEFAULT_JAEGER_PORTS, 'ab'.repeat(16))).toBe(`http://127.0.0.1:16686/trace/${'ab'.repeat(16)}`);
    expect(JAEGER_COMPONENT.releaseArchive('2.20.0', 'darwin-arm64')).toBe('jaeger-2.20.0-darwin-arm64.tar.gz');
  });
});
