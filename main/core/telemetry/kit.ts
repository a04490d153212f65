/**
 * The instrumentation kit: what a local Node service needs to be watched by Lookout (metrics,
 * JSON logs with correlation and trace ids, traces, an instrumented HTTP server, IPC). The reference
 * services are built on it, and README.md shows how to use it in your own service.
 */
import type { Logger } from 'pino';
import type { Telemetry } from './http-service';
import { createServiceLogger } from './log-schema';
import { createServiceMetrics, type ServiceMetricsOptions } from './service-metrics';
import { createTracing, type TracingOptions } from './tracing';

export { createHttpService, HttpError, route, type BeforeHook, type Handler, type HttpService, type Reply, type RequestContext, type Telemetry } from './http-service';
export { createIpcClient, createIpcServer, IpcError, type IpcClient, type IpcServer } from './ipc-socket';
export { correlationFields, createServiceLogger, serviceLogOptions } from './log-schema';
export { currentRequestId, REQUEST_ID_HEADER } from './request-context';
export { callService } from './service-client';
export { createServiceMetrics, HTTP_DURATION_BUCKETS, IPC_DURATION_BUCKETS, UNMATCHED_ROUTE, type ServiceMetrics } from './service-metrics';
export { createTracing, type Tracing } from './tracing';

export interface TelemetryOptions {
  /** The service's name: `service` on every log line, `service.name` on its spans. */
  service: string;
  /** A logger of your own (it should use serviceLogOptions to keep the schema); default: createServiceLogger. */
  logger?: Logger;
  /** Where the default logger writes (default stdout). */
  logFile?: string;
  metrics?: ServiceMetricsOptions;
  tracing?: Omit<TracingOptions, 'service'>;
}

/** Everything at once: logger, metrics registry and tracer for one service. */
export function createTelemetry(opts: TelemetryOptions): Telemetry & { shutdown(): Promise<void> } {
  const tracing = createTracing({ service: opts.service, ...opts.tracing });
  const logger = opts.logger ?? createServiceLogger({ service: opts.service, file: opts.logFile });
  return { service: opts.service, logger, metrics: createServiceMetrics(opts.metrics), tracing, shutdown: () => tracing.shutdown() };
}
