/**
 * Percentiles of logged durations per route and per template. Each key keeps a DDSketch
 * (@datadog/sketches-js; Masson et al., VLDB 2019): quantiles within 1 % relative error in a few KB
 * whatever the number of values, mergeable, so an aggregator can run over a time window of stored
 * records or over a live stream without holding every duration. min, max and count are exact.
 * Keys are bounded: past `maxKeys` the key updated least recently is dropped (and counted).
 */
import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';

export interface LatencySummary {
  key: string;
  count: number;
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  meanMs: number;
}

export interface LatencyAggregatorOptions {
  /** Relative error of the percentiles. Default 0.01. */
  relativeAccuracy?: number;
  /** Keys kept per grouping (routes, templates). Default 1000. */
  maxKeys?: number;
}

export interface LatencyAggregator {
  /** One logged duration, under its route and/or its template (either may be null). */
  record(entry: { durationMs: number; route?: string | null; templateId?: string | null }): void;
  byRoute(): LatencySummary[];
  byTemplate(): LatencySummary[];
  /** Keys dropped to stay within maxKeys, per grouping. */
  dropped(): { routes: number; templates: number };
}

type Sketch = LogCollapsingLowestDenseDDSketch;

function createGrouping(relativeAccuracy: number, maxKeys: number) {
  const sketches = new Map<string, Sketch>();
  let dropped = 0;
  return {
    add(key: string, ms: number) {
      let s = sketches.get(key);
      if (s) sketches.delete(key);
      else {
        // Collapsing the lowest bins bounds memory; the sub-microsecond end is where precision matters least.
        s = new LogCollapsingLowestDenseDDSketch({ relativeAccuracy, binLimit: 2048 });
        if (sketches.size >= maxKeys) {
          sketches.delete(sketches.keys().next().value!);
          dropped++;
        }
      }
      s.accept(ms);
      sketches.set(key, s);
    },
    summaries(): LatencySummary[] {
      return [...sketches]
        .map(([key, s]) => ({
          key,
          count: s.count,
          p50: s.getValueAtQuantile(0.5),
          p90: s.getValueAtQuantile(0.9),
          p99: s.getValueAtQuantile(0.99),
          min: s.min,
          max: s.max,
          meanMs: s.sum / s.count,
        }))
        .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
    },
    dropped: () => dropped,
  };
}

export function createLatencyAggregator(options: LatencyAggregatorOptions = {}): LatencyAggregator {
  const acc = options.relativeAccuracy ?? 0.01;
  const max = options.maxKeys ?? 1000;
  const routes = createGrouping(acc, max);
  const templates = createGrouping(acc, max);
  return {
    record({ durationMs, route, templateId }) {
      // A negative or non-finite duration is a parse accident, not a latency.
      if (!Number.isFinite(durationMs) || durationMs < 0) return;
      if (route) routes.add(route, durationMs);
      if (templateId) templates.add(templateId, durationMs);
    },
    byRoute: () => routes.summaries(),
    byTemplate: () => templates.summaries(),
    dropped: () => ({ routes: routes.dropped(), templates: templates.dropped() }),
  };
}
