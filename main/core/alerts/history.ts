/**
 * Alert history: stretches of time each alert fired (or was pending), from Prometheus' ALERTS series,
 * plus Lookout's own notification log. Prometheus being down is not an error: the intervals are
 * empty and `prometheusError` says why, the notification log is still there.
 */
import type { AlertHistory, AlertHistoryInterval, AlertHistoryRange, AlertSeverity } from '../../../common/model';
import type { PrometheusClient } from '../prometheus/client';
import { isHeartbeat } from './heartbeat';
import type { NotificationLog } from './notification-log';

export const HISTORY_RANGE_MS: Record<AlertHistoryRange, number> = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 };
/** Enough points per series for minute-level edges over a day, well under Prometheus' 11 000-point cap. */
const MAX_POINTS = 2_000;
const MIN_STEP_SECONDS = 5;
const SEVERITIES = new Set<string>(['critical', 'warning', 'info']);

/** Cut each ALERTS series into intervals: points further apart than 1.5 steps start a new one. */
export function toIntervals(series: Array<{ metric: Record<string, string>; values: Array<[number, number]> }>, stepSeconds: number, endSeconds: number): AlertHistoryInterval[] {
  const out: AlertHistoryInterval[] = [];
  for (const s of series) {
    const { alertname, alertstate, severity, __name__: _name, ...labels } = s.metric;
    if (!alertname || (alertstate !== 'firing' && alertstate !== 'pending')) continue;
    // Always firing by design: as an interval it would be one endless event on top of every list.
    if (isHeartbeat(alertname, labels)) continue;
    let start: number | null = null;
    let last = 0;
    const close = () => {
      if (start === null) return;
      const ended = endSeconds - last > stepSeconds * 1.5;
      // Pending at one sample and gone again: a rule that almost fired, listed every few seconds it would bury the history.
      if (alertstate === 'pending' && ended && last === start) return;
      out.push({
        name: alertname,
        severity: severity && SEVERITIES.has(severity) ? (severity as AlertSeverity) : null,
        labels,
        state: alertstate,
        from: start * 1000,
        // Still there at the end of the range: it has not ended yet.
        to: ended ? last * 1000 : null,
      });
    };
    for (const [t] of s.values) {
      if (start !== null && t - last > stepSeconds * 1.5) {
        close();
        start = null;
      }
      start ??= t;
      last = t;
    }
    close();
  }
  return out.sort((a, b) => b.from - a.from);
}

export async function alertHistory(prometheus: PrometheusClient | null, log: NotificationLog, range: AlertHistoryRange, now: number): Promise<AlertHistory> {
  const rangeMs = HISTORY_RANGE_MS[range];
  const from = now - rangeMs;
  const end = Math.floor(now / 1000);
  const stepSeconds = Math.max(MIN_STEP_SECONDS, Math.ceil(rangeMs / 1000 / MAX_POINTS));
  let intervals: AlertHistoryInterval[] = [];
  let prometheusError: string | null = null;
  if (!prometheus) {
    prometheusError = 'Prometheus is disabled in settings (stack.components.prometheus.enabled)';
  } else {
    try {
      const series = await prometheus.queryRange('ALERTS', { start: Math.floor(from / 1000), end, stepSeconds });
      intervals = toIntervals(series, stepSeconds, end);
    } catch (err) {
      prometheusError = err instanceof Error ? err.message : String(err);
    }
  }
  return { range, from, to: now, intervals, notifications: await log.read(from, now), prometheusError };
}
