/**
 * The native collectors as one unit for the core: builds the enabled collectors from settings, runs
 * them on their cadence, exports their series in Lookout's own registry (/metrics), and pushes a
 * live MetricsSample at the UI interval.
 */
import { Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { CollectorStatus, MetricsSample } from '../../../common/model';
import { systemClock } from '../adapters/clock';
import type { Clock, CommandRunner, Timer } from '../ports';
import type { Settings } from '../settings/schema';
import { COLLECTOR_IDS, type Cadence, type Collector, type CollectorId } from './collector';
import { createCpuCollector } from './collectors/cpu';
import { createFilesystemCollector } from './collectors/filesystem';
import { createGpuCollector } from './collectors/gpu';
import { createDiskCollector, createNetworkCollector } from './collectors/io';
import { createIpcProbeCollector } from './collectors/ipc-probe';
import { createMemoryCollector } from './collectors/memory';
import { createProcessCollector } from './collectors/processes';
import { createSelfCollector } from './collectors/self';
import { registerNativeMetrics, type LatencyHistograms } from './exporter';
import { CollectorScheduler } from './scheduler';
import { watchTargets, type DemoWatch, type WatchTargets } from './targets';
import { createToolRunner } from './tool-runner';

export interface NativeMetricsDeps {
  /** Lookout's own registry: the collectors' series join the /metrics Prometheus scrapes. */
  registry: Registry;
  settings: () => Settings;
  /** Services `lookout demo` publishes (demo.json), watched next to the settings' own. */
  demo?: () => DemoWatch | null;
  runner: CommandRunner;
  logger?: Pick<Logger, 'info' | 'warn'>;
  platform?: NodeJS.Platform;
  /** Each live sample, at the UI interval. */
  onSample?: (sample: MetricsSample) => void;
  /** Replace collectors (tests inject failing or fake ones). */
  collectors?: (built: Collector[]) => Collector[];
  /** Timers of the collectors and the UI sampler (default: the real clock). */
  clock?: Clock;
}

export interface NativeMetrics {
  /** Start the collectors and the live sampler. */
  start(): void;
  /** Stop timers, kill tools in flight. The registered metrics stay, reporting nothing. */
  stop(): void;
  /** Settings changed: rebuild the collectors if their intervals or the enabled set changed (targets are read live). */
  applySettings(): void;
  statuses(): CollectorStatus[];
  /** A round trip of the UI's own IPC, as the UI measured it. */
  observeAppRoundTrip(seconds: number): void;
  /** Run every collector (or one cadence) once, now; resolves when each has a result. */
  runOnce(cadence?: Cadence): Promise<void>;
  /** The live values as of now. */
  sample(): MetricsSample;
  /** The watched targets in force. */
  targets(): WatchTargets;
}

interface BuildOptions {
  settings: Settings;
  platform: NodeJS.Platform;
  histograms: LatencyHistograms;
  targets: () => WatchTargets;
}

/** The enabled collectors for this platform. */
export function buildCollectors({ settings, platform, histograms, targets }: BuildOptions): Collector[] {
  const m = settings.metrics;
  const make: Record<CollectorId, () => Collector> = {
    cpu: () => createCpuCollector({ platform }),
    memory: () => createMemoryCollector(platform),
    gpu: () => createGpuCollector(platform),
    disk: () => createDiskCollector(platform),
    filesystem: () => createFilesystemCollector(platform),
    network: () => createNetworkCollector(platform),
    ipc: () => createIpcProbeCollector({ targets: () => targets().ipc, histogram: histograms.ipcProbe }),
    processes: () => createProcessCollector({ platform, targets: () => targets().processes, searchEveryMs: m.slowIntervalSeconds * 1000 }),
    lookout: () => createSelfCollector(platform),
  };
  return COLLECTOR_IDS.filter((id) => m.collectors[id]).map((id) => make[id]());
}

export function createNativeMetrics(deps: NativeMetricsDeps): NativeMetrics {
  const platform = deps.platform ?? process.platform;
  const clock = deps.clock ?? systemClock;
  const exporter = registerNativeMetrics(deps.registry);
  const tools = createToolRunner(deps.runner);
  let scheduler: CollectorScheduler | null = null;
  let configKey = '';
  let sampler: Timer | null = null;
  let running = false;
  let targetsMemo: { settings: Settings; demo: DemoWatch | null; value: WatchTargets } | null = null;

  const targets = (): WatchTargets => {
    const settings = deps.settings();
    const demo = deps.demo?.() ?? null;
    if (!targetsMemo || targetsMemo.settings !== settings || targetsMemo.demo !== demo) targetsMemo = { settings, demo, value: watchTargets(settings, demo) };
    return targetsMemo.value;
  };

  function build(): CollectorScheduler {
    const settings = deps.settings();
    const m = settings.metrics;
    configKey = JSON.stringify(m);
    const built = buildCollectors({ settings, platform, histograms: exporter.histograms, targets });
    const s = new CollectorScheduler({
      collectors: deps.collectors ? deps.collectors(built) : built,
      tools,
      fastMs: m.fastIntervalSeconds * 1000,
      slowMs: m.slowIntervalSeconds * 1000,
      timeoutMs: m.timeoutSeconds * 1000,
      clock,
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
    exporter.setSource(s);
    return s;
  }

  function sample(): MetricsSample {
    const values: Record<string, number> = {};
    for (const { reading } of scheduler?.readings() ?? []) Object.assign(values, reading.sample);
    return { at: Date.now(), values };
  }

  function startSampler(): void {
    if (sampler !== null) clock.clearTimeout(sampler);
    const intervalMs = deps.settings().metrics.uiIntervalSeconds * 1000;
    let due = clock.now() + intervalMs;
    const tick = () => {
      // How late this timer fired is the event loop's lag as a 1 Hz probe sees it: free, unlike a delay monitor.
      const now = clock.now();
      const lagSeconds = Math.max(0, now - due) / 1000;
      due = now + intervalMs;
      sampler = clock.setTimeout(tick, intervalMs);
      const s = sample();
      s.values['lookout.event_loop_lag_seconds'] = lagSeconds;
      deps.onSample?.(s);
    };
    sampler = clock.setTimeout(tick, intervalMs);
  }

  return {
    start() {
      running = true;
      scheduler ??= build();
      scheduler.start();
      startSampler();
    },
    stop() {
      running = false;
      if (sampler !== null) clock.clearTimeout(sampler);
      sampler = null;
      scheduler?.stop();
      exporter.setSource(null);
      scheduler = null;
    },
    applySettings() {
      if (JSON.stringify(deps.settings().metrics) === configKey) return;
      deps.logger?.info('metrics settings changed; restarting the collectors');
      scheduler?.stop();
      scheduler = build();
      if (running) {
        scheduler.start();
        startSampler();
      }
    },
    statuses: () => (scheduler ?? (scheduler = build())).statuses(),
    observeAppRoundTrip(seconds) {
      exporter.histograms.appRoundTrip.observe(seconds);
    },
    runOnce(cadence) {
      scheduler ??= build();
      return cadence ? scheduler.runCadence(cadence) : scheduler.runAll();
    },
    sample,
    targets,
  };
}

export interface CollectorCheckOptions {
  settings: Settings;
  runner: CommandRunner;
  demo?: DemoWatch | null;
  platform?: NodeJS.Platform;
}

/** Run every enabled collector once, outside any running instance (for `lookout doctor`). */
export async function checkCollectors(opts: CollectorCheckOptions): Promise<CollectorStatus[]> {
  const native = createNativeMetrics({
    registry: new Registry(),
    settings: () => opts.settings,
    demo: () => opts.demo ?? null,
    runner: opts.runner,
    ...(opts.platform ? { platform: opts.platform } : {}),
  });
  try {
    await native.runOnce();
    return native.statuses();
  } finally {
    native.stop();
  }
}
