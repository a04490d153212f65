/**
 * Which notifications an alert list calls for: one when a notification group starts firing, one
 * when it resolves, nothing in between. Pure; the state it returns is persisted (notified-store.ts),
 * so a restarted Lookout remembers what it already said.
 *
 * A group is alertname + job (or component) + severity, as Alertmanager groups them. A group episode
 * is identified by its alerts' keys (fingerprint@startsAt; a re-fire has a new startsAt): alerts that
 * join a group already notified extend its episode silently; a group whose alerts are all new again
 * (it resolved while Lookout was not looking) is a new episode and notifies again.
 */
import type { Alert, AlertSeverity } from '../../../common/model';

/** What Lookout remembers about a group it notified as firing. */
export interface NotifiedGroup {
  source: Alert['source'];
  name: string;
  severity: AlertSeverity;
  job: string | null;
  /** Keys of every alert seen in this episode. */
  keys: string[];
  /** Epoch ms when it was notified. */
  since: number;
}

export type NotifiedState = Record<string, NotifiedGroup>;

export interface Decision {
  kind: 'firing' | 'resolved';
  group: string;
  name: string;
  severity: AlertSeverity;
  job: string | null;
  /** The group's firing alerts (firing) or its last known alerts (resolved; may be empty). */
  alerts: Alert[];
  /** When the episode was first notified (resolved only). */
  since: number | null;
}

export interface DecideOptions {
  now: number;
  /** Severities that get a desktop notification (settings alerts.receivers.desktop.severities). */
  desktop: readonly AlertSeverity[];
  /**
   * Since when each source has been read successfully since Lookout started (null: not yet). A
   * remembered group whose alerts are not in the list at all resolves only once its source has been
   * read for `graceMs`: an empty list right after a restart proves nothing.
   */
  readySince: Record<Alert['source'], number | null>;
  graceMs: number;
}

/** Alerts that never notify: the Watchdog is a heartbeat, not news. */
const SILENT_NAMES = new Set(['Watchdog']);

/** The notification group of an alert: alertname, its subject (job, component or, for log alerts, service) and severity. */
export function groupKey(alert: Pick<Alert, 'name' | 'severity' | 'labels'>): string {
  return [alert.name, subjectOf(alert.labels) ?? '', alert.severity].join('|');
}

/** What an alert is about, for its group and its notification title ("NewErrorPattern (llm)"). */
export function subjectOf(labels: Record<string, string>): string | null {
  return labels.job ?? labels.component ?? labels.service ?? null;
}

/** An alert's key within an episode. Lookout's own alerts have no stable start across restarts, so their id is enough. */
export const episodeKey = (a: Pick<Alert, 'id' | 'source' | 'startsAt'>): string => (a.source === 'lookout' ? a.id : `${a.id}@${a.startsAt}`);

export function decide(alerts: Alert[], state: NotifiedState, opts: DecideOptions): { decisions: Decision[]; state: NotifiedState; changed: boolean } {
  const next: NotifiedState = { ...state };
  const decisions: Decision[] = [];
  let changed = false;

  const groups = new Map<string, Alert[]>();
  for (const a of alerts) groups.set(a.group, [...(groups.get(a.group) ?? []), a]);

  for (const [key, list] of groups) {
    const first = list[0]!;
    const job = subjectOf(first.labels);
    const active = list.filter((a) => a.state !== 'resolved');
    const notifiable = active.filter((a) => a.state === 'firing' && opts.desktop.includes(a.severity) && !SILENT_NAMES.has(a.name));
    const known = next[key];
    const fire = () => {
      decisions.push({ kind: 'firing', group: key, name: first.name, severity: first.severity, job, alerts: notifiable, since: null });
      next[key] = { source: first.source, name: first.name, severity: first.severity, job, keys: active.map(episodeKey), since: opts.now };
      changed = true;
    };

    if (!known) {
      if (notifiable.length) fire();
      continue;
    }
    if (!active.length) {
      // Every alert of the group we know of resolved (the book already waited out missing ones).
      decisions.push({ kind: 'resolved', group: key, name: known.name, severity: known.severity, job: known.job, alerts: list, since: known.since });
      delete next[key];
      changed = true;
      continue;
    }
    const keys = active.map(episodeKey);
    if (keys.some((k) => known.keys.includes(k))) {
      const added = keys.filter((k) => !known.keys.includes(k));
      if (added.length) {
        next[key] = { ...known, keys: [...known.keys, ...added] };
        changed = true;
      }
    } else if (notifiable.length) {
      fire();
    } else {
      // A new episode that is silenced from the start: forget the old one without a word.
      delete next[key];
      changed = true;
    }
  }

  // Remembered groups with no alert in the list at all (e.g. resolved while Lookout was not running).
  for (const [key, known] of Object.entries(state)) {
    if (groups.has(key)) continue;
    const ready = opts.readySince[known.source];
    if (ready === null || opts.now - ready < opts.graceMs) continue;
    decisions.push({ kind: 'resolved', group: key, name: known.name, severity: known.severity, job: known.job, alerts: [], since: known.since });
    delete next[key];
    changed = true;
  }
  return { decisions, state: next, changed };
}
