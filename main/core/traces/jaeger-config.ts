/**
 * Jaeger v2's configuration, rendered from settings. Jaeger v2 is an OpenTelemetry Collector build, so
 * its file is a collector config: extensions, receivers, processors, exporters, and `service` wiring
 * them into pipelines. Facts used here, and where they come from (jaegertracing/jaeger, v2.20):
 *
 * - `jaeger_storage.backends.<name>` holds `memory: { max_traces }` or `badger: { directories: { keys,
 *   values }, ephemeral, ttl: { spans }, maintenance_interval }` (cmd/jaeger/config.yaml,
 *   config-badger.yaml; internal/storage/v2/memory/config.go; internal/storage/v1/badger/config.go).
 *   Badger's defaults are `ephemeral: true` and directories beside the executable, so both are always
 *   set: data under the Lookout home, kept across restarts.
 * - `jaeger_query.storage.traces` names the backend; `http.endpoint` / `grpc.endpoint` default to
 *   `:16686` / `:16685` — every interface — so they are always set to 127.0.0.1
 *   (cmd/jaeger/internal/extension/jaegerquery/internal/flags.go, ports/ports.go).
 * - `healthcheckv2: { use_v2: true, http: { endpoint } }`, readiness at `GET /status`, default port
 *   13133 (cmd/jaeger/internal/all-in-one.yaml, docker-compose/kafka/docker-compose.yml).
 * - `receivers.otlp.protocols.{grpc,http}.endpoint`; Lookout's own receiver holds 4317/4318, so
 *   Jaeger's are other ports and Lookout forwards to the HTTP one.
 * - `exporters.jaeger_storage_exporter.trace_storage` names the backend; `processors.batch`.
 * - `service.telemetry.metrics.readers[].pull.exporter.prometheus.{host,port}` (8888 in the examples,
 *   which bind 0.0.0.0: here 127.0.0.1) and `service.telemetry.logs.level`.
 */
import path from 'node:path';
import { stringify } from 'yaml';

export interface JaegerConfigOptions {
  /** The Lookout home; badger data goes to `<home>/jaeger/badger`. */
  home: string;
  storage: { kind: 'memory'; maxTraces: number } | { kind: 'badger'; ttl: string };
  ports: JaegerPorts;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface JaegerPorts {
  /** Jaeger UI and query API (default 16686). */
  ui: number;
  /** Query gRPC API (default 16685). */
  queryGrpc: number;
  /** OTLP/gRPC receiver (default 14317: 4317 is Lookout's). */
  otlpGrpc: number;
  /** OTLP/HTTP receiver Lookout forwards to (default 14318: 4318 is Lookout's). */
  otlpHttp: number;
  /** healthcheckv2 (default 13133). */
  health: number;
  /** The collector's own Prometheus metrics (default 8888). */
  metrics: number;
}

export const DEFAULT_JAEGER_PORTS: JaegerPorts = { ui: 16686, queryGrpc: 16685, otlpGrpc: 14317, otlpHttp: 14318, health: 13133, metrics: 8888 };

const BACKEND = 'lookout_store';
const at = (port: number) => `127.0.0.1:${port}`;

/** Where badger keeps its keys and values. */
export function jaegerDataDirs(home: string): { keys: string; values: string } {
  const base = path.join(home, 'jaeger', 'badger');
  return { keys: path.join(base, 'keys'), values: path.join(base, 'values') };
}

/** The config as an object (what the YAML says), for tests and for `lookout config render`. */
export function jaegerConfigObject(opts: JaegerConfigOptions): Record<string, unknown> {
  const { ports } = opts;
  const backend =
    opts.storage.kind === 'memory'
      ? { memory: { max_traces: opts.storage.maxTraces } }
      : { badger: { directories: jaegerDataDirs(opts.home), ephemeral: false, ttl: { spans: opts.storage.ttl }, maintenance_interval: '5m' } };
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        metrics: { level: 'basic', readers: [{ pull: { exporter: { prometheus: { host: '127.0.0.1', port: ports.metrics } } } }] },
        logs: { level: opts.logLevel ?? 'info' },
      },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: at(ports.health) } },
      jaeger_query: {
        storage: { traces: BACKEND },
        http: { endpoint: at(ports.ui) },
        grpc: { endpoint: at(ports.queryGrpc) },
      },
      jaeger_storage: { backends: { [BACKEND]: backend } },
    },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: at(ports.otlpGrpc) }, http: { endpoint: at(ports.otlpHttp) } } },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: BACKEND } },
  };
}

/** The YAML file Jaeger is started with (`jaeger --config <file>`). */
export function renderJaegerConfig(opts: JaegerConfigOptions): string {
  return `# Rendered by Lookout from settings.traces.jaeger; edits are overwritten.\n${stringify(jaegerConfigObject(opts))}`;
}

/**
 * What the stack catalog needs to supervise Jaeger v2:
 * - one binary, `jaeger` (the release archive `jaeger-<version>-darwin-arm64.tar.gz` on GitHub holds
 *   `jaeger-<version>-darwin-arm64/jaeger`; there is no Homebrew formula for v2), started as
 *   `jaeger --config <file>` (OpenTelemetry Collector command line; without --config it would run its
 *   embedded all-in-one config, which binds every interface);
 * - ready when `GET http://127.0.0.1:<health>/status` answers 200 (healthcheckv2);
 * - data under `<home>/jaeger/badger` with badger storage, none with memory storage;
 * - the UI at http://127.0.0.1:<ui>/, traces at /trace/<traceId>, search at /search?service=<name>.
 */
export const JAEGER_COMPONENT = {
  id: 'jaeger',
  binaries: ['jaeger'],
  args: (configFile: string) => ['--config', configFile],
  readinessUrl: (ports: JaegerPorts) => `http://127.0.0.1:${ports.health}/status`,
  uiUrl: (ports: JaegerPorts) => `http://127.0.0.1:${ports.ui}/`,
  traceUrl: (ports: JaegerPorts, traceId: string) => `http://127.0.0.1:${ports.ui}/trace/${traceId}`,
  otlpHttpTracesUrl: (ports: JaegerPorts) => `http://127.0.0.1:${ports.otlpHttp}/v1/traces`,
  releaseArchive: (version: string, platform: 'darwin-arm64' | 'darwin-amd64' | 'linux-amd64' | 'linux-arm64') => `jaeger-${version}-${platform}.tar.gz`,
} as const;
