/**
 * The two alert sources as Lookout reads them on every tick: Alertmanager's API (its alerts and
 * silences) and Prometheus' readiness. Holds each source's status and its count of consecutive
 * failures (what Lookout's unreachable alerts need), judged against the component's state by
 * source-status.ts. Split out of alerting.ts (issue 18.3): the tick composes it, nothing else writes it.
 */
import type { Logger } from 'pino';
import type { AlertSourceStatus, ComponentState, ComponentStatus } from '../../../common/model';
import type { Clock, HealthProbe } from '../ports';
import type { Settings } from '../settings/schema';
import { componentUrl } from '../stack/component-spec';
import type { AlertmanagerClient, AmAlert } from './alertmanager-client';
import { applyProbe, followComponent, initialSource, type ProbeOutcome, type SourceUpdate } from './source-status';

export type SourceId = 'alertmanager' | 'prometheus';

export interface SourceProbesDeps {
  settings(): Settings;
  components(): ComponentStatus[];
  clock: Clock;
  health: HealthProbe;
  am: AlertmanagerClient;
  logger: Logger;
  probeTimeoutMs: number;
  /** Also read on every Alertmanager probe (the silences), so one failure covers both. */
  refreshSilences(): Promise<void>;
  /** Alertmanager's alerts, each time they were read. */
  onAlerts(alerts: AmAlert[], at: number): void;
}

export interface SourceProbes {
  /** Read Alertmanager and probe Prometheus (each only when enabled in settings), in parallel. */
  probe(): Promise<void>;
  /** The components changed: a stop or restart since the last probe shows at once. */
  follow(components: ComponentStatus[]): void;
  status(id: SourceId): AlertSourceStatus;
  /** Consecutive failed probes while the component should answer. */
  failures(id: SourceId): number;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createSourceProbes(deps: SourceProbesDeps): SourceProbes {
  const state: Record<SourceId, SourceUpdate> = {
    alertmanager: { status: initialSource(), failures: 0 },
    prometheus: { status: initialSource(), failures: 0 },
  };
  const stateOf = (id: SourceId): ComponentState | undefined => deps.components().find((c) => c.id === id)?.state;

  /** One probe, judged by the component's state when it was sent and when it came back. */
  async function probeOne(id: SourceId, run: () => Promise<ProbeOutcome>): Promise<void> {
    const before = stateOf(id);
    const outcome = await run();
    state[id] = applyProbe(state[id], before, stateOf(id), outcome);
  }

  async function readAlertmanager(): Promise<ProbeOutcome> {
    try {
      const [alerts] = await Promise.all([deps.am.alerts(), deps.refreshSilences()]);
      deps.onAlerts(alerts, deps.clock.now());
      if (state.alertmanager.status.state === 'unreachable') deps.logger.info('Alertmanager reachable again; alerts reconciled');
      return { ok: true, at: deps.clock.now() };
    } catch (err) {
      return { ok: false, error: message(err) };
    }
  }

  async function probePrometheus(): Promise<ProbeOutcome> {
    const r = await deps.health.check(`${componentUrl(deps.settings(), 'prometheus')}/-/ready`, deps.probeTimeoutMs);
    return r.ok ? { ok: true, at: deps.clock.now() } : { ok: false, error: r.error ?? `HTTP ${r.status}` };
  }

  return {
    async probe() {
      const enabled = deps.settings().stack.components;
      await Promise.all([
        enabled.alertmanager.enabled ? probeOne('alertmanager', readAlertmanager) : null,
        enabled.prometheus.enabled ? probeOne('prometheus', probePrometheus) : null,
      ]);
    },
    follow(components) {
      // A component missing from the list is disabled in settings: as good as stopped.
      for (const id of ['alertmanager', 'prometheus'] as const) state[id] = followComponent(state[id], components.find((c) => c.id === id)?.state ?? 'stopped');
    },
    status: (id) => ({ ...state[id].status }),
    failures: (id) => state[id].failures,
  };
}
