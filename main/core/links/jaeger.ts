/**
 * Links into Jaeger's UI on 127.0.0.1 (one trace, the search for a service) and, when Jaeger is not
 * there, into Lookout's own trace views (`#/traces…` hash routes of the UI). The Jaeger URLs use only
 * the paths the allowlist (./allowlist.ts) accepts for the jaeger component: `/`, `/search`, `/trace/<id>`.
 */
import { COMPONENT_IDS } from '../../../common/model';
import type { Settings } from '../settings/schema';
import { componentUrl } from '../stack/component-spec';

/** How far around an alert's start its traces are searched (as the Grafana alert links do). */
const AROUND_MS = 15 * 60_000;

/** Jaeger's UI, or null when the component is disabled in settings. */
export function jaegerUiUrl(settings: Settings): string | null {
  return settings.stack.components.jaeger.enabled ? componentUrl(settings, 'jaeger') : null;
}

/** One trace in Jaeger's UI (trace id: 32 lowercase hex characters, else null). */
export function jaegerTraceUrl(settings: Settings, traceId: string): string | null {
  const base = jaegerUiUrl(settings);
  return base && /^[0-9a-f]{32}$/.test(traceId) ? `${base}/trace/${traceId}` : null;
}

/**
 * Jaeger's search for one service's traces: over a closed window (epoch ms), or back from now by a
 * number of hours (Jaeger's `lookback`, for a window that is still open), or Jaeger's default range.
 */
export function jaegerSearchUrl(settings: Settings, service: string, range?: { fromMs: number; toMs: number } | { lookbackHours: number }): string | null {
  const base = jaegerUiUrl(settings);
  if (!base) return null;
  const params = new URLSearchParams({ service });
  if (range && 'lookbackHours' in range) params.set('lookback', `${Math.max(1, Math.ceil(range.lookbackHours))}h`);
  else if (range) {
    // Jaeger's search page takes its custom range in epoch microseconds.
    params.set('lookback', 'custom');
    params.set('start', String(Math.floor(range.fromMs) * 1000));
    params.set('end', String(Math.ceil(range.toMs) * 1000));
  }
  return `${base}/search?${params}`;
}

/**
 * Lookout's own trace list for a service (a hash route of the UI, opened in place, not externally),
 * optionally over a window in epoch ms (`to` left out: up to now, for an alert still firing).
 */
export function lookoutTracesRoute(service: string, errorsOnly = true, window?: { fromMs: number; toMs?: number }): string {
  const params = new URLSearchParams({ service });
  if (errorsOnly) params.set('errors', '1');
  if (window) {
    params.set('from', String(Math.floor(window.fromMs)));
    if (window.toMs !== undefined) params.set('to', String(Math.ceil(window.toMs)));
  }
  return `#/traces?${params}`;
}

/** Jobs of the stack's own components: they do not send traces, so their alerts get no traces link. */
const STACK_JOBS = new Set<string>(COMPONENT_IDS);

/**
 * The traces link of an alert about a service (its `job` label): Jaeger's search for that service in the
 * alert's window (15 min before it started to 15 min after it resolved, or up to now while it fires) when
 * Jaeger is enabled and running, else Lookout's own error traces of the service in the same window. Null for alerts about no
 * service (a disk, a component of the stack).
 */
export function alertTracesUrl(
  alert: { labels: Record<string, string>; startsAt: number; resolvedAt?: number | null },
  settings: Settings,
  jaegerRunning: boolean,
  now: number = Date.now(),
): string | null {
  const service = alert.labels.job;
  if (!service || STACK_JOBS.has(service)) return null;
  const fromMs = alert.startsAt - AROUND_MS;
  const range = alert.resolvedAt != null ? { fromMs, toMs: alert.resolvedAt + AROUND_MS } : { lookbackHours: (now - fromMs) / 3_600_000 };
  const window = alert.resolvedAt != null ? { fromMs, toMs: alert.resolvedAt + AROUND_MS } : { fromMs };
  return (jaegerRunning ? jaegerSearchUrl(settings, service, range) : null) ?? lookoutTracesRoute(service, true, window);
}
