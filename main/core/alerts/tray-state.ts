import type { AlertsSnapshot, AlertSeverity, OverallState } from '../../../common/model';

/** The most severe alert that fires and is not silenced, or null. */
export function worstFiring(snapshot: AlertsSnapshot): AlertSeverity | null {
  const firing = snapshot.alerts.filter((a) => a.state === 'firing');
  if (firing.some((a) => a.severity === 'critical')) return 'critical';
  if (firing.some((a) => a.severity === 'warning')) return 'warning';
  return null;
}

/**
 * What the menubar icon shows: the stack's own state, raised by alerts that fire unsilenced. A
 * critical alert wins over everything; a warning turns an all-good stack yellow. Acked and snoozed
 * alerts do not count, so acknowledging is how a user quiets the icon.
 */
export function trayState(stack: OverallState, alerts: AlertSeverity | null): OverallState {
  if (alerts === 'critical') return 'critical';
  if (alerts === 'warning' && stack === 'ok') return 'warning';
  return stack;
}
