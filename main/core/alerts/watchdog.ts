/**
 * Lookout's own alerts: the ones that must work when Prometheus or Alertmanager cannot. A pure
 * function of what the supervisor and Lookout's own probes see, evaluated on every change and tick.
 *
 *   LookoutComponentFailed      critical  a component is `failed` (crash loop, port conflict, bad config)
 *   LookoutComponentUnhealthy   warning   a component is `unhealthy` (alive, not answering)
 *   LookoutPrometheusUnreachable critical Prometheus runs but does not answer, or is not ready after its readiness time
 *   LookoutAlertmanagerUnreachable critical the same for Alertmanager: Prometheus' alerts cannot reach anyone
 *   LookoutWatchdogMissing      warning   both run, yet the Watchdog alert has not arrived for watchdog.missingAfter
 *
 * No noise (issue 15): nothing fires for a component the user stopped (a state, not an alert), nor
 * during a start until the component has had its readiness time; the unreachable alerts stay quiet
 * while the failed/unhealthy alert of that component already says it.
 */
import type { ComponentStatus } from '../../../common/model';
import type { OwnAlert } from './book';

export const OWN_ALERT_NAMES = [
  'LookoutComponentFailed',
  'LookoutComponentUnhealthy',
  'LookoutPrometheusUnreachable',
  'LookoutAlertmanagerUnreachable',
  'LookoutWatchdogMissing',
] as const;

/** Consecutive failed probes before a component counts as unreachable (one miss can be a hiccup). */
export const UNREACHABLE_AFTER_FAILURES = 2;

export interface WatchdogInput {
  components: ComponentStatus[];
  /** Consecutive failed reads of Alertmanager's API (0 after a success). */
  alertmanagerFailures: number;
  alertmanagerError: string | null;
  /** Consecutive failed readiness probes of Prometheus. */
  prometheusFailures: number;
  prometheusError: string | null;
  /** Whether the Watchdog rule is enabled in settings. */
  watchdogEnabled: boolean;
  /** Since when both Prometheus and Alertmanager have been running and answering (null: not now). */
  pipelineUpSince: number | null;
  /** When the Watchdog alert last arrived through the webhook (null: not since start). */
  lastWatchdogAt: number | null;
  missingAfterMs: number;
  /** How long a component may be `starting` before its unreachable alert fires (its readiness time). */
  readinessGraceMs: number;
  now: number;
}

const RUNBOOK = 'docs/runbooks.md#lookout-own-alerts';
const UP_STATES = new Set(['running', 'unhealthy', 'starting']);

function alert(name: (typeof OWN_ALERT_NAMES)[number], severity: 'critical' | 'warning', component: string | null, summary: string, description: string): OwnAlert {
  return {
    id: `lookout:${name}${component ? `:${component}` : ''}`,
    labels: { alertname: name, severity, source: 'lookout', ...(component ? { component } : {}) },
    annotations: { summary, description, runbook: RUNBOOK },
  };
}

const minutes = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

export function evaluateWatchdog(input: WatchdogInput): OwnAlert[] {
  const out: OwnAlert[] = [];
  const byId = new Map(input.components.map((c) => [c.id as string, c]));
  // The user stopped everything (or never started it): nothing is supposed to be watching.
  const stackUp = input.components.some((c) => UP_STATES.has(c.state));

  for (const c of input.components) {
    if (c.state === 'failed') {
      out.push(alert('LookoutComponentFailed', 'critical', c.id, `${c.name} has failed`, c.lastError ?? `${c.name} stopped and is not being restarted.`));
    } else if (c.state === 'unhealthy') {
      out.push(alert('LookoutComponentUnhealthy', 'warning', c.id, `${c.name} is not answering`, c.lastError ?? `${c.name} runs but its readiness check fails; Lookout restarts it if this lasts.`));
    }
  }

  const unreachable = (id: 'prometheus' | 'alertmanager', failures: number, error: string | null): string | null => {
    const c = byId.get(id);
    if (!c || !stackUp) return null;
    // Stopped (by the user: a crash respawns or fails, it never lands in `stopped`), stopping or not
    // installed is a state, not an alert; failed and unhealthy have their own alert above.
    if (c.state !== 'running' && c.state !== 'starting') return null;
    // A start gets its readiness time (the supervisor's start timeout) before it counts as not ready.
    if (c.state === 'starting') {
      const startingMs = input.now - c.since;
      return startingMs > input.readinessGraceMs ? `${c.name} has not become ready ${Math.round(startingMs / 1000)} s after it was started.` : null;
    }
    // Only probes made while it runs count (alerting/source-status.ts), and one miss can be a hiccup.
    if (failures < UNREACHABLE_AFTER_FAILURES) return null;
    return `${c.name} does not answer${error ? `: ${error}` : ''}.`;
  };

  const prom = unreachable('prometheus', input.prometheusFailures, input.prometheusError);
  if (prom) out.push(alert('LookoutPrometheusUnreachable', 'critical', 'prometheus', 'Prometheus is unreachable: no alert rules are evaluated', prom));
  const am = unreachable('alertmanager', input.alertmanagerFailures, input.alertmanagerError);
  if (am) out.push(alert('LookoutAlertmanagerUnreachable', 'critical', 'alertmanager', "Alertmanager is unreachable: Prometheus' alerts reach no one", am));

  if (input.watchdogEnabled && input.pipelineUpSince !== null) {
    const since = Math.max(input.pipelineUpSince, input.lastWatchdogAt ?? 0);
    if (input.now - since > input.missingAfterMs) {
      out.push(
        alert(
          'LookoutWatchdogMissing',
          'warning',
          null,
          'The Watchdog alert stopped arriving',
          `Prometheus and Alertmanager run, but no Watchdog alert reached Lookout for more than ${minutes(input.missingAfterMs)}: rules are not evaluated, or alerts do not get from Prometheus to Alertmanager to Lookout.`,
        ),
      );
    }
  }
  return out;
}
