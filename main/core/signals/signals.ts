/**
 * Traces and logs, the two signals beside metrics, wired as one part of the core:
 *
 *   OTLP receiver ─spans─▶ tail sampler ─kept─▶ telemetry store ◀─logs─ log analysis ◀─ log ingest (files)
 *        └────────────logs──────────────────────────────────────────────▲        ◀─ OTLP logs
 *   Lookout's own tracer (stack start, config apply) ─▶ tail sampler
 *
 * Every log record passes the analysis (pattern, logged duration, new error patterns) before the store.
 * The store is one DuckDB file in the home; the handlers here answer the traces:* and logs:* channels.
 */
import { copyFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ComponentId } from '../../../common/model';
import type { LogErrorGroup, LogLine, LogPattern, LogsStatus } from '../../../common/logs';
import type { Handlers } from '../api';
import { jaegerForwardTarget } from '../jaeger/component';
import { createLogIngest, type LogIngest, type LogIngestSettings } from '../logs/ingest';
import type { Paths } from '../paths';
import type { Clock, Timer } from '../ports';
import type { DemoFile } from '../settings/demo-targets';
import type { Settings } from '../settings/schema';
import type { LogRecord, SpanRecord } from '../store/records';
import type { Tracing } from '../telemetry/tracing';
import { createTracePipeline, type TracePipeline } from '../traces/pipeline';
import { createLogAnalysis, type LogAnalysis } from './log-analysis';
import { createOffsetFilter } from './offset-filter';

/** The live tail sends at most this many lines a second: enough to read, never a flood. */
const TAIL_LINES = 200;
const TAIL_EVERY_MS = 1_000;
const SAVE_STATE_EVERY_MS = 60_000;
/** Rows waiting in the store's log buffer beyond which they are written at once (its cap is 200,000). */
const BACKLOG_ROWS = 50_000;
/** The store's file name inside a backup. */
const STORE_FILE = 'telemetry.duckdb';

export interface SignalsDeps {
  paths: Paths;
  clock: Clock;
  registry: Registry;
  logger: Logger;
  version: string;
  settings(): Settings;
  demo(): DemoFile | null;
  /** Enabled components: their logs are followed. */
  components(): ComponentId[];
  /** New lines for the Logs view's live tail. */
  onTail(lines: LogLine[]): void;
  /** Tests pass 0 (a free port). */
  receiverPort?: number;
}

type SignalHandlers = Pick<Handlers, 'traces:list' | 'traces:get' | 'logs:search' | 'logs:errors' | 'logs:patterns' | 'logs:latency' | 'logs:status'>;

export interface Signals {
  readonly handlers: SignalHandlers;
  /** Open the store, start the receiver and the followers. */
  start(): Promise<void>;
  /** Spans from inside Lookout (its own tracer); sampled like received ones. */
  tracing(): Tracing | null;
  applySettings(): Promise<void>;
  /** The OTLP receiver's port while it runs. */
  receiverPort(): number | null;
  /** Copy the telemetry store into `dir` for a backup; the file names written. */
  backupStore(dir: string): Promise<string[]>;
  /** Replace the telemetry store with a backup's copy: close it, put the file in place, open it again. */
  restoreStore(dir: string, files: string[]): Promise<void>;
  dispose(): Promise<void>;
}

export function createSignals(deps: SignalsDeps): Signals {
  const { logger, clock } = deps;
  let pipeline: TracePipeline | null = null;
  let ingest: LogIngest | null = null;
  let analysis: LogAnalysis | null = null;
  let tracing: Tracing | null = null;
  let tail: LogLine[] = [];
  let tailTimer: Timer | null = null;
  let saveTimer: Timer | null = null;
  const offsets = createOffsetFilter();

  const ready = (): TracePipeline => {
    if (!pipeline) throw new Error('the telemetry store is not open yet');
    return pipeline;
  };

  function pipelineSettings(s: Settings) {
    return { store: s.store, traces: s.traces };
  }

  function ingestSettings(): LogIngestSettings {
    const s = deps.settings();
    return { logs: s.logs, services: s.services, demo: deps.demo(), components: deps.components() };
  }

  /** Every log record, whatever its source, goes through here on its way to the store. */
  function store(records: LogRecord[]): void {
    if (!pipeline || !analysis) return;
    const fresh = offsets.keep(records);
    if (!fresh.length) return;
    analysis.annotate(fresh);
    pipeline.addLogs(fresh);
    // Backpressure: a backlog (a big file followed from its start) is written here and now rather than
    // queued past the store's buffer, where it would be dropped; the follower waits meanwhile.
    if (pipeline.store.stats().logs.pending > BACKLOG_ROWS) pipeline.store.flush();
    for (const r of fresh.slice(-TAIL_LINES)) tail.push(lineOf(r));
    if (tail.length > TAIL_LINES) tail = tail.slice(-TAIL_LINES);
    tailTimer ??= clock.setTimeout(flushTail, TAIL_EVERY_MS);
  }

  function flushTail(): void {
    tailTimer = null;
    const lines = tail;
    tail = [];
    if (lines.length) deps.onTail(lines);
  }

  function scheduleSave(): void {
    saveTimer = clock.setTimeout(() => {
      analysis?.save().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'saving the log analysis state failed'));
      scheduleSave();
    }, SAVE_STATE_EVERY_MS);
  }

  /** Merge groups whose templates have since merged (the store keeps the id a line got when stored). */
  function resolveGroups<T extends { templateId: string | null; template: string; count: number }>(groups: T[], merge: (into: T, from: T) => void): T[] {
    const byId = new Map<string, T>();
    const out: T[] = [];
    for (const g of groups) {
      const resolved = g.templateId ? analysis?.resolve(g.templateId) : null;
      const key = resolved?.templateId ?? g.templateId ?? `message:${g.template}`;
      const into = byId.get(key);
      if (into) merge(into, g);
      else {
        const copy = { ...g, ...(resolved ? { templateId: resolved.templateId, template: resolved.template } : {}) };
        byId.set(key, copy);
        out.push(copy);
      }
    }
    return out.sort((a, b) => b.count - a.count);
  }

  const handlers: SignalHandlers = {
    'traces:list': (req) => ready().traces.listTraces(req),
    'traces:get': async (req) => ({ trace: await ready().traces.getTrace(req.traceId) }),
    // A pattern's lines: logs:patterns merges groups whose templates merged since, so ask for every id they were stored with.
    'logs:search': (req) => ready().logs.searchLogs(req.templateId ? { ...req, templateIds: analysis?.idsOf(req.templateId) } : req),
    'logs:errors': async (req) => {
      const result = await ready().logs.logErrors(req);
      return {
        ...result,
        groups: resolveGroups<LogErrorGroup>(result.groups, (into, g) => {
          into.count += g.count;
          into.firstSeenUs = Math.min(into.firstSeenUs, g.firstSeenUs);
          into.lastSeenUs = Math.max(into.lastSeenUs, g.lastSeenUs);
          into.services = [...new Set([...into.services, ...g.services])].sort();
          into.exampleTraceId ??= g.exampleTraceId;
          into.examples = [...into.examples, ...g.examples].slice(0, Math.max(into.examples.length, g.examples.length));
        }),
      };
    },
    'logs:patterns': async (req) => {
      const result = await ready().logs.logPatterns(req);
      return {
        ...result,
        patterns: resolveGroups<LogPattern>(result.patterns, (into, p) => {
          into.count += p.count;
          into.counts = into.counts.map((n, i) => n + (p.counts[i] ?? 0));
        }),
      };
    },
    'logs:latency': (req) => ready().logs.logLatency(req),
    'logs:status': async () => logsStatus(ingest),
  };

  return {
    handlers,
    async start() {
      const settings = deps.settings();
      pipeline = await createTracePipeline({
        file: deps.paths.telemetryStore,
        clock,
        registry: deps.registry,
        logger,
        settings: pipelineSettings(settings),
        forwardTo: jaegerForwardTarget(settings),
        logSink: store,
        receiverPort: deps.receiverPort,
      });
      analysis = await createLogAnalysis({ stateFile: deps.paths.logAnalysisState, registry: deps.registry, logger });
      // Lines stored before a crash are read again (at-least-once); the store knows how far each file got.
      offsets.seed(await pipeline.logs.storedOffsets());
      tracing = pipeline.selfTracing(deps.version);
      ingest = createLogIngest({
        paths: deps.paths,
        clock,
        registry: deps.registry,
        logger,
        settings: ingestSettings(),
        sink: { logs: store, spans: (spans: SpanRecord[]) => pipeline?.addSpans(spans), flush: async () => pipeline?.store.flush() },
      });
      await ingest.start();
      scheduleSave();
      try {
        await pipeline.start();
      } catch (err) {
        // The store and the log views work without the receiver; say why it is not listening.
        logger.error({ err: (err as Error).message }, 'OTLP receiver not started');
      }
    },
    tracing: () => tracing,
    async backupStore(dir) {
      await ready().store.backupTo(path.join(dir, STORE_FILE));
      return [STORE_FILE];
    },
    async restoreStore(dir, files) {
      if (!files.includes(STORE_FILE)) return;
      await this.dispose();
      await rm(`${deps.paths.telemetryStore}.wal`, { force: true });
      await copyFile(path.join(dir, STORE_FILE), deps.paths.telemetryStore);
      await this.start();
    },
    receiverPort: () => pipeline?.receiverPort() ?? null,
    async applySettings() {
      const settings = deps.settings();
      await pipeline?.applySettings(pipelineSettings(settings), jaegerForwardTarget(settings));
      await ingest?.applySettings(ingestSettings());
    },
    async dispose() {
      if (tailTimer) clock.clearTimeout(tailTimer);
      if (saveTimer) clock.clearTimeout(saveTimer);
      await ingest?.stop();
      await analysis?.save().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'saving the log analysis state failed'));
      await pipeline?.dispose();
      pipeline = null;
    },
  };
}

function lineOf(r: LogRecord): LogLine {
  return {
    timeUs: r.timeUs,
    service: r.service,
    source: r.source,
    origin: r.origin,
    level: r.level,
    message: r.message,
    traceId: r.traceId,
    spanId: r.spanId,
    attributes: r.attributes,
    templateId: r.templateId ?? null,
    template: r.template ?? null,
    durationMs: r.durationMs ?? null,
    route: r.route ?? null,
  };
}

function logsStatus(ingest: LogIngest | null): LogsStatus {
  if (!ingest) return { enabled: false, files: [], ship: [], problems: ['the log pipeline has not started yet'] };
  const s = ingest.status();
  const problems = [s.follow?.offsetsError, s.follow?.offsetsProblem, s.rotation.lastError].filter((p): p is string => !!p);
  return {
    enabled: s.enabled,
    files: (s.follow?.files ?? []).map((f) => ({ path: f.file, service: f.service, source: f.source, offset: f.offset ?? 0, problem: f.error })),
    ship: s.ship.map((t) => ({
      name: t.name,
      type: t.type,
      state: t.state,
      message: t.lastError,
      queuedBytes: t.queuedBytes,
      shipped: t.shipped,
      dropped: Object.values(t.dropped).reduce((a, b) => a + b, 0),
    })),
    problems,
  };
}
