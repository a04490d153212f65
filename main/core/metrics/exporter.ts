import { Histogram, type Metric, type Registry } from 'prom-client';
import type { CollectorStatus } from '../../../common/model';
import { APP_IPC_ROUNDTRIP, COLLECTOR_DURATION, COLLECTOR_UP, IPC_PROBE_DURATION, LOCAL_LATENCY_BUCKETS, METRIC_DEFS, type MetricName } from './catalog';
import type { Reading, Series } from './collector';

/** Where the exporter reads from at scrape time. */
export interface ExportSource {
  readings(): Array<{ reading: Reading }>;
  statuses(): CollectorStatus[];
}

export interface SnapshotValue {
  labels: Record<string, string>;
  value: number;
}

/**
 * A metric whose values are read at scrape time and may be none at all. prom-client's own Gauge and
 * Counter always print 0 for a metric without labels, which would report an unread value as zero;
 * the registry only needs name, help, type and get(), so this supplies exactly that.
 */
export class SnapshotMetric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'gauge' | 'counter',
    private readonly read: () => SnapshotValue[],
  ) {}

  get() {
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum' as const, values: this.read() };
  }

  reset(): void {
    // Values live in the collectors; there is nothing to reset here.
  }
}

/** The registry reads name, help, type and get() only; its Metric type also lists observe/labels, which snapshots have no use for. */
export function registerSnapshotMetric(registry: Registry, metric: SnapshotMetric): void {
  registry.registerMetric(metric as unknown as Metric);
}

/** Histograms observed as events happen (probes, the app's own IPC round trips). */
export interface LatencyHistograms {
  ipcProbe: Histogram<'target' | 'transport'>;
  appRoundTrip: Histogram;
}

/**
 * Register every catalog metric in `registry` (Lookout's own /metrics). Values are read from the
 * collectors' latest readings at scrape time: a collector that is down contributes nothing, so its
 * series disappear instead of freezing or dropping to zero. `source` can be swapped (settings
 * changes rebuild the collectors) without registering anything twice.
 */
export function registerNativeMetrics(registry: Registry): { setSource(source: ExportSource | null): void; histograms: LatencyHistograms } {
  let source: ExportSource | null = null;

  /** Series grouped by metric name, rebuilt once per scrape (the first metric's collect builds it). */
  let byName: Map<MetricName, Series[]> | null = null;
  const seriesOf = (name: MetricName): Series[] => {
    if (!byName) {
      byName = new Map();
      for (const { reading } of source?.readings() ?? []) {
        for (const s of reading.series) {
          const list = byName.get(s.name);
          if (list) list.push(s);
          else byName.set(s.name, [s]);
        }
      }
      // Dropped at the end of this turn, so the next scrape reads fresh values.
      queueMicrotask(() => (byName = null));
    }
    return byName.get(name) ?? [];
  };

  const register = (m: SnapshotMetric) => registerSnapshotMetric(registry, m);
  for (const [name, def] of Object.entries(METRIC_DEFS) as Array<[MetricName, (typeof METRIC_DEFS)[MetricName]]>) {
    register(new SnapshotMetric(name, def.help, def.type, () => seriesOf(name).map((s) => ({ labels: { ...s.labels }, value: s.value }))));
  }

  // Not before a collector's first result: "not run yet" is not a failure.
  const ran = () => (source?.statuses() ?? []).filter((s) => s.lastDurationMs !== null);
  register(
    new SnapshotMetric(COLLECTOR_UP, 'Whether a native collector\u2019s last run succeeded (1) or not (0); the reason is in the UI and `lookout doctor`.', 'gauge', () =>
      ran().map((s) => ({ labels: { collector: s.id }, value: s.up ? 1 : 0 })),
    ),
  );
  register(
    new SnapshotMetric(COLLECTOR_DURATION, 'Duration of a native collector\u2019s last run, in seconds (wall time, mostly spent waiting on I/O).', 'gauge', () =>
      ran().map((s) => ({ labels: { collector: s.id }, value: (s.lastDurationMs ?? 0) / 1000 })),
    ),
  );

  const histograms: LatencyHistograms = {
    ipcProbe: new Histogram({
      name: IPC_PROBE_DURATION,
      help: 'Connect and round trip to a configured IPC endpoint (Unix socket, loopback TCP or HTTP), successful probes only.',
      labelNames: ['target', 'transport'],
      buckets: LOCAL_LATENCY_BUCKETS,
      registers: [registry],
    }),
    appRoundTrip: new Histogram({
      name: APP_IPC_ROUNDTRIP,
      help: 'Round trip of Lookout\u2019s own UI to main call (Electron IPC, or HTTP in browser mode), as the UI measured it.',
      buckets: LOCAL_LATENCY_BUCKETS,
      registers: [registry],
    }),
  };

  return {
    histograms,
    setSource(next) {
      source = next;
    },
  };
}
