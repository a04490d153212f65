import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';

/**
 * Request durations of services on the same machine: 5 ms (a cache hit over loopback) to 10 s (a slow
 * local model). Beyond 10 s only +Inf grows, which is all an alert needs.
 */
export const HTTP_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** IPC between local processes is faster than HTTP: start at 0.5 ms so a healthy socket is not all in one bucket. */
export const IPC_DURATION_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export { UNMATCHED_ROUTE } from '../../../common/route-table';

/** Status label of a request whose client went away before the answer (nginx's convention). */
export const CLIENT_CLOSED_STATUS = 499;

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The method label: the known HTTP methods, everything else `OTHER` (a client can send any token). */
export function methodLabel(method: string | undefined): string {
  const upper = (method ?? '').toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : 'OTHER';
}

/**
 * prom-client's default metrics include three gauges named `*_total` (nodejs_active_handles_total,
 * …requests_total, …resources_total), which `promtool check metrics` rejects: `_total` is for counters.
 * Their per-type siblings (nodejs_active_handles{type}) carry the same numbers, so those three are dropped.
 */
const NON_COUNTER_TOTALS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** prom-client's process and Node.js metrics, minus the gauges promtool flags. */
export function collectProcessMetrics(registry: Registry, prefix = '', options: { eventLoopMonitoringPrecision?: number } = {}): void {
  collectDefaultMetrics({ register: registry, prefix, ...options });
  for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(`${prefix}${name}`);
}

/** Outcome label of an IPC call. */
export type IpcStatus = 'ok' | 'error';

/** The standard metrics of a service instrumented with the kit (names in docs/metrics.md). */
export interface ServiceMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  httpInFlight: Gauge;
  ipcRequests: Counter<'peer' | 'status'>;
  ipcDuration: Histogram<'peer'>;
  /** Count and time one finished HTTP request; its trace id becomes the bucket's exemplar. */
  observeHttp(labels: { method: string; route: string; status: number }, seconds: number, traceId?: string): void;
  /** Count and time one call to another local service; its trace id becomes the bucket's exemplar. */
  observeIpc(peer: string, status: IpcStatus, seconds: number, traceId?: string): void;
  /**
   * Start a peer's IPC series at 0 (ok and error), so increase() and rate() also see its first call and
   * its first error; a series that appears with value 1 counts as no increase.
   */
  declarePeer(peer: string): void;
  /**
   * A /metrics response: OpenMetrics (with exemplars) when the scraper's Accept header asks for it, as
   * Prometheus does, else the classic text format (what promtool and curl read).
   */
  render(accept?: string): Promise<{ contentType: string; body: string }>;
}

export interface ServiceMetricsOptions {
  /** Registry to add to (default: a new one, so two services in one process never share series). */
  registry?: Registry;
  /** prom-client's process_* and nodejs_* metrics (default true). */
  defaultMetrics?: boolean;
}

/** Create the kit's HTTP and IPC metrics (and, by default, the process metrics) in one registry. */
export function createServiceMetrics(opts: ServiceMetricsOptions = {}): ServiceMetrics {
  const registry = opts.registry ?? new Registry();
  if (opts.defaultMetrics ?? true) collectProcessMetrics(registry);
  const registers = [registry];
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to the end of its response, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [...HTTP_DURATION_BUCKETS],
    // Each bucket keeps the trace id of its latest request, so a latency spike links to a trace.
    enableExemplars: true,
    // Registered below: prom-client refuses exemplars in a classic registry at construction only.
    registers: [],
  });
  const httpInFlight = new Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests received and not yet answered.', registers });
  const ipcRequests = new Counter({
    name: 'ipc_requests_total',
    help: 'Calls to other local services (Unix socket or loopback HTTP), by peer and outcome.',
    labelNames: ['peer', 'status'] as const,
    registers,
  });
  const ipcDuration = new Histogram({
    name: 'ipc_request_duration_seconds',
    help: 'Round trip of calls to other local services, by peer.',
    labelNames: ['peer'] as const,
    buckets: [...IPC_DURATION_BUCKETS],
    enableExemplars: true,
    registers: [],
  });
  registry.registerMetric(httpDuration);
  registry.registerMetric(ipcDuration);
  // Exemplars exist only in OpenMetrics. A second registry renders it (when the first scrape asks) from
  // the very same metrics, so the two formats can never disagree on a value.
  let openMetrics: Registry | null = null;
  // prom-client types exemplar labels with the metric's own label names; OpenMetrics allows any (trace_id here).
  const exemplar = (traceId: string | undefined) => (traceId ? { trace_id: traceId } : {}) as never;
  return {
    registry,
    httpRequests,
    httpDuration,
    httpInFlight,
    ipcRequests,
    ipcDuration,
    observeHttp(labels, seconds, traceId) {
      const l = { method: labels.method, route: labels.route, status: String(labels.status) };
      httpRequests.inc(l);
      httpDuration.observe({ labels: l, value: seconds, exemplarLabels: exemplar(traceId) });
    },
    observeIpc(peer, status, seconds, traceId) {
      ipcRequests.inc({ peer, status });
      ipcDuration.observe({ labels: { peer }, value: seconds, exemplarLabels: exemplar(traceId) });
    },
    declarePeer(peer) {
      for (const status of ['ok', 'error'] as const) ipcRequests.inc({ peer, status }, 0);
      ipcDuration.zero({ peer });
    },
    async render(accept) {
      if (!accept?.includes('application/openmetrics-text')) return { contentType: registry.contentType, body: await registry.metrics() };
      if (!openMetrics) {
        openMetrics = new Registry();
        openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
      }
      // Metrics registered since the last OpenMetrics scrape (a peer declared late) join it now.
      // Each metric joins as an object that delegates to it (its values are the metric's own): rendering
      // OpenMetrics renames counters in place (http_requests_total → http_requests), and on a view that
      // renaming cannot reach the classic registry's metric.
      const known = new Set(openMetrics.getMetricsAsArray().map((m) => Object.getPrototypeOf(m) as unknown));
      for (const m of registry.getMetricsAsArray()) if (!known.has(m)) openMetrics.registerMetric(Object.create(m) as Metric);
      return { contentType: openMetrics.contentType, body: await openMetrics.metrics() };
    },
  };
}
