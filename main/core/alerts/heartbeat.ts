/**
 * Heartbeat alerts fire all the time on purpose (Watchdog: the pipeline works). They are not events:
 * the alert list shows the Watchdog as `lastWatchdogAt`, and history leaves them out. Lookout's own
 * Watchdog is one by name; a user's rule opts in with the label `heartbeat: "true"`.
 */
export const HEARTBEAT_ALERT_NAMES: readonly string[] = ['Watchdog'];

export function isHeartbeat(name: string, labels: Record<string, string>): boolean {
  return HEARTBEAT_ALERT_NAMES.includes(name) || labels.heartbeat === 'true';
}
