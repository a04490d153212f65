import type { Alert, AlertSeverity } from '../../../common/model';

/** Alerts that share a name and severity: shown as one line with a count. */
export interface AlertGroup {
  key: string;
  name: string;
  severity: AlertSeverity;
  alerts: Alert[];
  /** Earliest start in the group (epoch ms). */
  since: number;
}

const RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/**
 * Split the list into firing, silenced (acked, snoozed or inhibited) and resolved, each grouped by
 * alert name and severity, most severe first and then oldest first — so the top line is always
 * the thing to look at.
 */
export function groupAlerts(alerts: Alert[]): { firing: AlertGroup[]; silenced: AlertGroup[]; resolved: AlertGroup[] } {
  const buckets = { firing: new Map<string, AlertGroup>(), silenced: new Map<string, AlertGroup>(), resolved: new Map<string, AlertGroup>() };
  for (const a of alerts) {
    const bucket = a.state === 'firing' ? buckets.firing : a.state === 'suppressed' ? buckets.silenced : buckets.resolved;
    const key = `${a.severity}|${a.name}`;
    const group = bucket.get(key) ?? { key, name: a.name, severity: a.severity, alerts: [], since: a.startsAt };
    group.alerts.push(a);
    group.since = Math.min(group.since, a.startsAt);
    bucket.set(key, group);
  }
  const sorted = (m: Map<string, AlertGroup>) =>
    [...m.values()].sort((x, y) => RANK[x.severity] - RANK[y.severity] || x.since - y.since || x.name.localeCompare(y.name));
  return { firing: sorted(buckets.firing), silenced: sorted(buckets.silenced), resolved: sorted(buckets.resolved) };
}
