import type { AlertSeverity, OverallState, StackSnapshot } from '../../common/model';
import { trayState } from './alerts/tray-state';
import { overallState } from './stack/overall';

/**
 * The one overall state Lookout shows: StackSnapshot.overall (the status badge), the 'app:overall'
 * event and the tray icon all come from here, so they cannot disagree. It is the stack's own state
 * (stack/overall.ts) raised by the worst alert that fires unsilenced (alerts/tray-state.ts): a
 * critical ServiceDown makes it `critical` even while every component runs.
 */
export function appOverall(stack: Omit<StackSnapshot, 'overall'>, firingWorst: AlertSeverity | null): OverallState {
  return trayState(overallState(stack), firingWorst);
}
