/**
 * What one probe of an alert source (Alertmanager's API, Prometheus' /-/ready) means, given the
 * state of its component when the probe began. A component that is starting, stopping or stopped by
 * the user is not expected to answer: its failed probe is not a failure (it does not count towards
 * Lookout's unreachable alert) and its status reads `starting` / `stopped`, so the UI shows no
 * warning. Only a probe that fails while the component is running counts.
 */
import type { AlertSourceStatus, ComponentState } from '../../../common/model';

export type ProbeOutcome = { ok: true; at: number } | { ok: false; error: string };

export interface SourceUpdate {
  status: AlertSourceStatus;
  /** Consecutive failures counted so far (probes while the component should answer). */
  failures: number;
}

/** States in which the component should answer (unhealthy: alive but failing its checks, a real problem). */
const SHOULD_ANSWER = new Set<ComponentState>(['running', 'unhealthy']);

export function initialSource(): AlertSourceStatus {
  return { reachable: null, lastOkAt: null, error: null, state: 'unknown' };
}

/**
 * `stateAtProbe` is the component's state when the probe was sent and `stateNow` when it returned: a
 * probe sent while the component was still starting is not held against it, even if it is running by
 * the time the answer (a refusal) comes back.
 */
export function applyProbe(prev: SourceUpdate, stateAtProbe: ComponentState | undefined, stateNow: ComponentState | undefined, outcome: ProbeOutcome): SourceUpdate {
  if (outcome.ok) return { failures: 0, status: { reachable: true, lastOkAt: outcome.at, error: null, state: 'reachable' } };
  const shouldAnswer = stateAtProbe !== undefined && SHOULD_ANSWER.has(stateAtProbe) && stateNow !== undefined && SHOULD_ANSWER.has(stateNow);
  // A failed component has its own alert (LookoutComponentFailed); its source is plainly unreachable.
  if (stateNow === 'failed') return { failures: 0, status: { ...prev.status, reachable: false, error: outcome.error, state: 'unreachable' } };
  if (!shouldAnswer) return { failures: 0, status: quiet(prev.status, stateNow) };
  return { failures: prev.failures + 1, status: { ...prev.status, reachable: false, error: outcome.error, state: 'unreachable' } };
}

/**
 * The component changed state since the last probe (the user stopped it, it is restarting): a status
 * from a probe of the running component must not outlive that, nor its failure count. Running and
 * unhealthy (and failed) keep what the last probe said.
 */
export function followComponent(prev: SourceUpdate, stateNow: ComponentState | undefined): SourceUpdate {
  if (stateNow === undefined || SHOULD_ANSWER.has(stateNow) || stateNow === 'failed') return prev;
  const status = quiet(prev.status, stateNow);
  return status.state === prev.status.state && prev.failures === 0 ? prev : { failures: 0, status };
}

/** The status of a source whose component is not meant to answer now: starting, or stopped (stopping, not installed). */
function quiet(prev: AlertSourceStatus, state: ComponentState | undefined): AlertSourceStatus {
  if (state === 'starting') return { ...prev, reachable: null, error: null, state: 'starting' };
  return { ...prev, reachable: null, error: null, state: 'stopped' };
}
