import type { HistoryRange, MetricKey, MetricsHistory, MetricsSample } from '../../../common/model';
import type { PrometheusClient } from '../prometheus/client';

/**
 * The PromQL behind each live sample key, so the 1 h / 24 h views show the same figures the live
 * ring buffer does, read back from what Prometheus scraped off Lookout's /metrics.
 */
export const HISTORY_QUERIES: Record<MetricKey, string> = {
  'cpu.usage_ratio': '1 - avg(rate(lookout_cpu_seconds_total{mode="idle"}[$window]))',
  'cpu.load1': 'lookout_load_average{window="1m"}',
  'memory.used_bytes': 'lookout_memory_used_bytes',
  'memory.total_bytes': 'lookout_memory_total_bytes',
  'memory.pressure_ratio': 'lookout_memory_pressure_ratio',
  'swap.used_bytes': 'lookout_swap_used_bytes',
  'gpu.utilization_ratio': 'max(lookout_gpu_utilization_ratio)',
  'gpu.memory_used_bytes': 'sum(lookout_gpu_memory_used_bytes)',
  'disk.used_ratio': 'max(1 - lookout_filesystem_avail_bytes / lookout_filesystem_size_bytes)',
  'net.rx_bytes_per_second': 'sum(rate(lookout_network_receive_bytes_total[$window]))',
  'net.tx_bytes_per_second': 'sum(rate(lookout_network_transmit_bytes_total[$window]))',
  'lookout.cpu_ratio': 'rate(lookout_service_process_cpu_seconds_total{job="lookout"}[$window])',
  'lookout.rss_bytes': 'lookout_service_process_resident_memory_bytes{job="lookout"}',
  'lookout.event_loop_lag_seconds': 'lookout_nodejs_eventloop_lag_seconds{job="lookout"}',
};

/** Span and resolution per range: about 120–150 points, plenty for a sparkline. */
export const RANGE_STEPS: Record<HistoryRange, { seconds: number; stepSeconds: number }> = {
  '1h': { seconds: 3600, stepSeconds: 30 },
  '24h': { seconds: 86_400, stepSeconds: 600 },
};

/**
 * Query every key for the range and merge the series into samples by timestamp. A key whose query
 * fails or returns nothing is simply absent from the samples (no fake zeros); if every query fails,
 * the first error is returned so the UI can say why there is no history.
 */
export async function loadHistory(client: PrometheusClient, range: HistoryRange, nowMs: number): Promise<MetricsHistory> {
  const { seconds, stepSeconds } = RANGE_STEPS[range];
  const end = Math.floor(nowMs / 1000);
  const start = end - seconds;
  // rate() needs at least two scrapes per window; four steps keeps the line smooth at either range.
  const window = `${Math.max(stepSeconds * 4, 120)}s`;
  const byTime = new Map<number, MetricsSample>();
  const errors: string[] = [];

  await Promise.all(
    (Object.entries(HISTORY_QUERIES) as Array<[MetricKey, string]>).map(async ([key, expr]) => {
      try {
        const series = await client.queryRange(expr.replaceAll('$window', window), { start, end, stepSeconds });
        const first = series[0];
        if (!first) return;
        for (const [t, v] of first.values) {
          if (!Number.isFinite(v)) continue;
          const sample = byTime.get(t) ?? { at: t * 1000, values: {} };
          sample.values[key] = v;
          byTime.set(t, sample);
        }
      } catch (err) {
        errors.push((err as Error).message);
      }
    }),
  );

  const samples = [...byTime.values()].sort((a, b) => a.at - b.at);
  const allFailed = errors.length === Object.keys(HISTORY_QUERIES).length;
  return { range, samples, error: allFailed ? (errors[0] ?? 'no history') : null };
}
