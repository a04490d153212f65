/**
 * What the stack's header offers, and the overview's one-line summary, as pure functions of the
 * snapshots (tested without a DOM). The snapshot lists only enabled components; a `not-installed` one
 * cannot run, so it never blocks Start stack or Stop stack (issue 16.1).
 */
import type { Alert, AlertSeverity, AlertsSnapshot, ComponentState, ComponentStatus, StackSnapshot } from '../../../common/model';

/** States with a process of ours that Stop stack would end. */
const STOPPABLE: ComponentState[] = ['running', 'starting', 'unhealthy'];
/** States Start stack would change (an installed, enabled component that is not running). */
const STARTABLE: ComponentState[] = ['stopped', 'failed'];

export function canStopStack(components: readonly ComponentStatus[]): boolean {
  return components.some((c) => STOPPABLE.includes(c.state));
}

export function canStartStack(components: readonly ComponentStatus[]): boolean {
  return components.some((c) => STARTABLE.includes(c.state));
}

/** The action a component's row offers: none for one that cannot run (not installed) or is on its way down. */
export function rowAction(state: ComponentState): 'start' | 'stop' | null {
  if (state === 'not-installed') return null;
  if (state === 'stopping') return null;
  return STOPPABLE.includes(state) ? 'stop' : 'start';
}

/** Firing (not silenced) alerts, most severe first, then newest. */
export function firingAlerts(alerts: AlertsSnapshot | null): Alert[] {
  const order: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };
  return (alerts?.alerts ?? []).filter((a) => a.state === 'firing').sort((a, b) => order[a.severity] - order[b.severity] || b.startsAt - a.startsAt);
}

/** The worst problem in one line, or a calm summary when there is none. */
export function worstProblem(stack: StackSnapshot, firing: readonly Alert[]): string {
  const critical = firing.find((a) => a.severity === 'critical');
  const broken = stack.components.find((c) => c.state === 'failed') ?? stack.components.find((c) => c.state === 'unhealthy');
  if (critical) return alertLine(critical);
  if (broken) return `${broken.name} ${broken.state}${broken.lastError ? `: ${broken.lastError}` : ''}`;
  if (stack.settingsError) return `Settings not applied: ${stack.settingsError}`;
  if (stack.configError) return `Config rejected: ${stack.configError}`;
  const warning = firing.find((a) => a.severity === 'warning');
  if (warning) return alertLine(warning);
  const runnable = stack.components.filter((c) => c.state !== 'not-installed');
  const running = runnable.filter((c) => c.state === 'running').length;
  if (stack.components.some((c) => c.state === 'starting')) return `Starting… ${running} of ${runnable.length} running`;
  if (running === 0) return 'Stack stopped';
  if (running < runnable.length) return `${running} of ${runnable.length} running`;
  // An enabled component that is not installed keeps the overall state at warning (main/core/stack/overall.ts): say why.
  const missing = stack.components.filter((c) => c.state === 'not-installed').map((c) => c.name);
  return missing.length ? `All ${running} running; ${missing.join(', ')} not installed` : `All ${running} running, nothing fires`;
}

function alertLine(a: Alert): string {
  const subject = alertSubject(a);
  return `${a.name}${subject ? ` (${subject})` : ''}${a.summary ? `: ${a.summary}` : ''}`;
}

/** The label that says what an alert is about (job, component, mountpoint, target). */
export function alertSubject(a: Alert): string | null {
  return a.labels.job ?? a.labels.component ?? a.labels.mountpoint ?? a.labels.target ?? null;
}
