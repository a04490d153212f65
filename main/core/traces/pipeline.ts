/**
 * The traces pipeline, as one thing the core wires in:
 *
 *   OTLP/HTTP receiver ──spans──▶ tail sampler ──kept──▶ store (DuckDB) + forwarder (Jaeger, optional)
 *          └──────────logs─────────────────────────────▶ logSink (the log pipeline) or the store
 *   Lookout's own tracer (selfTracing) ──spans──▶ tail sampler
 *
 * Queries (trace lists, one trace, log search and analysis) read the store.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Tracing } from '../telemetry/tracing';
import { registerSnapshotMetric, SnapshotMetric } from '../metrics/exporter';
import type { Clock } from '../ports';
import { createForwarder, type Forwarder } from '../otlp/forwarder';
import { createOtlpReceiver, type OtlpReceiver } from '../otlp/receiver';
import type { LogRecord, SpanRecord } from '../store/records';
import type { LogQueries } from '../store/log-queries';
import { openTelemetryStore, type StoreLogger, type TelemetryStore } from '../store/telemetry-store';
import type { TraceQueries } from '../store/trace-queries';
import { createTailSampler, type TailSampler } from './sampler';
import { createSelfTracing } from './self-tracing';
import { samplingPolicy, type StoreSettings, type TracesSettings } from './settings-schema';
import { durationMs, sizeBytes } from '../settings/units';

/** An OTLP/HTTP traces URL and the most spans that may queue for it. */
export interface ForwardTarget {
  url: string;
  queueSpans: number;
}

export interface TracePipelineDeps {
  /** The store file: `<home>/telemetry.duckdb`. */
  file: string;
  clock: Clock;
  /** Lookout's /metrics registry: lookout_traces_*, lookout_otlp_*, lookout_store_* go here. */
  registry: Registry;
  logger: StoreLogger;
  settings: { store: StoreSettings; traces: TracesSettings };
  /** Where kept traces are forwarded (Jaeger's OTLP/HTTP receiver) and how many may wait; null for nowhere. */
  forwardTo: ForwardTarget | null;
  /** Where OTLP log records go (the log pipeline, which adds templates before storing); default: the store. */
  logSink?: (logs: LogRecord[]) => void;
  /** Move an unreadable store file aside and start fresh instead of failing (default true). */
  recoverUnreadableStore?: boolean;
  /** Override the receiver port (tests pass 0). */
  receiverPort?: number;
}

export interface TracePipeline {
  readonly store: TelemetryStore;
  readonly sampler: TailSampler;
  readonly traces: TraceQueries;
  readonly logs: LogQueries;
  /** Spans from inside the process (already SpanRecords), sampled like received ones. */
  addSpans(spans: SpanRecord[]): void;
  /** Log records from inside the process (tailers, Lookout's own log), straight to the store. */
  addLogs(logs: LogRecord[]): void;
  /** A tracer whose spans (service "lookout") go through this pipeline. */
  selfTracing(version?: string): Tracing;
  /** Start the receiver (when enabled); resolves with its port, null when disabled. */
  start(): Promise<number | null>;
  /** The receiver's port while it runs. */
  receiverPort(): number | null;
  /** New settings: sampling policy at once; receiver port / size or forwarding target by restart. */
  applySettings(settings: { store: StoreSettings; traces: TracesSettings }, forwardTo: ForwardTarget | null): Promise<void>;
  /** Stop receiving, decide waiting traces, hand over what is queued, close the store. */
  dispose(): Promise<void>;
}

export async function createTracePipeline(deps: TracePipelineDeps): Promise<TracePipeline> {
  const { clock, registry, logger } = deps;
  let settings = deps.settings;
  const store = await openTelemetryStore({
    file: deps.file,
    clock,
    logger,
    retention: { maxAgeUs: durationMs(settings.store.retention.maxAge) * 1000, maxSizeBytes: sizeBytes(settings.store.retention.maxSize) },
    recoverUnreadable: deps.recoverUnreadableStore ?? true,
  });
  registerStoreMetrics(registry, store, clock);

  let forwarder: Forwarder | null = null;
  const makeForwarder = (target: ForwardTarget | null) =>
    target ? createForwarder({ url: target.url, clock, registry, logger, maxQueueSpans: target.queueSpans }) : null;
  forwarder = makeForwarder(deps.forwardTo);

  const sampler = createTailSampler({
    clock,
    registry,
    policy: samplingPolicy(settings.traces.sampling),
    quietMs: durationMs(settings.traces.sampling.decisionWait),
    maxWaitMs: durationMs(settings.traces.sampling.maxWait),
    maxTraces: settings.traces.sampling.maxTraces,
    maxSpans: settings.traces.sampling.maxSpans,
    onKeep(spans) {
      store.sink.spans(spans);
      forwarder?.send(spans);
    },
  });
  const logSink = deps.logSink ?? ((logs: LogRecord[]) => store.sink.logs(logs));

  let receiver: OtlpReceiver | null = null;
  const makeReceiver = () =>
    createOtlpReceiver({
      port: deps.receiverPort ?? settings.traces.receiver.port,
      maxBodyBytes: sizeBytes(settings.traces.receiver.maxBodySize),
      onSpans: (spans) => sampler.add(spans),
      onLogs: logSink,
      nowUs: () => clock.now() * 1000,
      registry,
      logger,
    });

  const start = async (): Promise<number | null> => {
    if (!settings.traces.receiver.enabled || receiver) return receiver?.port ?? null;
    receiver = makeReceiver();
    try {
      return await receiver.start();
    } catch (err) {
      receiver = null;
      throw new Error(`OTLP receiver could not listen on 127.0.0.1:${deps.receiverPort ?? settings.traces.receiver.port} (traces.receiver.port): ${(err as Error).message}`, { cause: err });
    }
  };

  return {
    store,
    sampler,
    traces: store.traces,
    logs: store.logs,
    addSpans: (spans) => sampler.add(spans),
    addLogs: (logs) => store.sink.logs(logs),
    selfTracing: (version) => createSelfTracing((spans) => sampler.add(spans), version),
    start,
    receiverPort: () => receiver?.port ?? null,
    async applySettings(next, forwardTo) {
      const before = settings;
      settings = next;
      sampler.setPolicy(samplingPolicy(next.traces.sampling));
      const r0 = before.traces.receiver;
      const r1 = next.traces.receiver;
      if (r0.enabled !== r1.enabled || r0.port !== r1.port || r0.maxBodySize !== r1.maxBodySize) {
        await receiver?.stop();
        receiver = null;
        if (r1.enabled) await start();
      }
      if (forwardTo?.url !== deps.forwardTo?.url || forwardTo?.queueSpans !== deps.forwardTo?.queueSpans) {
        forwarder?.dispose();
        forwarder = makeForwarder(forwardTo);
        deps.forwardTo = forwardTo;
      }
    },
    async dispose() {
      await receiver?.stop();
      receiver = null;
      sampler.flush();
      sampler.dispose();
      await forwarder?.drain();
      forwarder?.dispose();
      await store.close();
    },
  };
}

/** How old the store size a scrape reports may be. */
const USED_BYTES_MAX_AGE_MS = 10_000;

/**
 * The store's size as of the last read, and a fresh read started when that one is older than `maxAgeMs`.
 * Reading it is a DuckDB query, a thread-pool round trip that queues behind the log followers' reads:
 * awaited in a scrape, it put 2–6 ms on every /metrics answer. Null until a read succeeds, and after one fails.
 */
function backgroundUsedBytes(store: Pick<TelemetryStore, 'usedBytes'>, clock: Clock, maxAgeMs = USED_BYTES_MAX_AGE_MS): () => number | null {
  let value: number | null = null;
  let readAt = -Infinity;
  let reading = false;
  const read = () => {
    reading = true;
    store.usedBytes().then(
      (bytes) => (value = bytes),
      () => (value = null),
    ).finally(() => {
      readAt = clock.now();
      reading = false;
    });
  };
  read();
  return () => {
    if (!reading && clock.now() - readAt >= maxAgeMs) read();
    return value;
  };
}

/** lookout_store_* from the store's own counters, read at scrape time (its size in the background). */
function registerStoreMetrics(registry: Registry, store: TelemetryStore, clock: Clock): void {
  new Counter({
    name: 'lookout_store_records_written_total',
    help: 'Spans and log records written to the telemetry store',
    labelNames: ['table'],
    registers: [registry],
    collect() {
      const s = store.stats();
      this.reset();
      this.inc({ table: 'spans' }, s.spans.written);
      this.inc({ table: 'logs' }, s.logs.written);
    },
  });
  new Counter({
    name: 'lookout_store_records_dropped_total',
    help: 'Records the telemetry store could not keep: buffer_full (writes fell behind), write_error, closed',
    labelNames: ['table', 'reason'],
    registers: [registry],
    collect() {
      const s = store.stats();
      this.reset();
      for (const table of ['spans', 'logs'] as const) {
        this.inc({ table, reason: 'buffer_full' }, s[table].droppedFull);
        this.inc({ table, reason: 'write_error' }, s[table].droppedWriteError);
      }
      this.inc({ table: 'any', reason: 'closed' }, s.droppedAfterClose);
    },
  });
  new Gauge({
    name: 'lookout_store_buffered_records',
    help: 'Records waiting to be written',
    labelNames: ['table'],
    registers: [registry],
    collect() {
      const s = store.stats();
      this.set({ table: 'spans' }, s.spans.pending);
      this.set({ table: 'logs' }, s.logs.pending);
    },
  });
  registerStoreSize(registry, store, clock);
}

/** lookout_store_used_bytes from the background reader: no sample at all (not a zero) until a read succeeds, or after one fails. */
export function registerStoreSize(registry: Registry, store: Pick<TelemetryStore, 'usedBytes'>, clock: Clock): void {
  const usedBytes = backgroundUsedBytes(store, clock);
  registerSnapshotMetric(
    registry,
    new SnapshotMetric('lookout_store_used_bytes', 'Bytes the telemetry store data takes (used blocks and write-ahead log), what the size limit counts', 'gauge', () => {
      const bytes = usedBytes();
      return bytes === null ? [] : [{ labels: {}, value: bytes }];
    }),
  );
}
