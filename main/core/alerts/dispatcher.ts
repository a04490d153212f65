/**
 * Turns notification decisions into desktop notifications: quiet hours for non-critical alerts, storm
 * control (a burst becomes one summary; at most N per minute), the notification log, the Notifier.
 *
 * Decisions wait `storm.window` (1 s by default) so a burst that arrives together (Alertmanager flushes
 * the groups of one evaluation within milliseconds) is seen as one. Up to `maxIndividual` are shown
 * one by one; more become a single summary. Beyond `maxPerMinute` shown in the last minute,
 * everything waits and is shown as one summary when the minute allows.
 */
import type { Logger } from 'pino';
import type { AlertSeverity, NotificationLogEntry } from '../../../common/model';
import type { Clock, Timer } from '../ports';
import type { Decision } from './decide';
import type { NotificationLog } from './notification-log';
import type { DesktopNotification, NotificationAction, Notifier } from './ports';
import { durationMs } from '../settings/prom-units';
import type { AlertsSettings } from './settings-schema';

export interface DispatcherDeps {
  notifier: Notifier | null;
  clock: Clock;
  log: NotificationLog;
  logger: Logger;
  settings(): AlertsSettings['notifications'];
  /** The Grafana view for a decision, or null. */
  linkFor(decision: Decision): string | null;
  /** A notification button was pressed for these groups. */
  onAction(groups: string[], action: NotificationAction): void;
}

const SEVERITY_WORD: Record<AlertSeverity, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };
const RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** Whether local time `at` falls in the quiet hours (start inclusive, end exclusive; may wrap midnight). */
export function inQuietHours(q: AlertsSettings['notifications']['quietHours'], at: number): boolean {
  if (!q.enabled) return false;
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const d = new Date(at);
  const t = d.getHours() * 60 + d.getMinutes();
  const start = toMinutes(q.start);
  const end = toMinutes(q.end);
  if (start === end) return false;
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/** "ServiceDown (llm)". */
export const groupLabel = (d: Pick<Decision, 'name' | 'job'>) => `${d.name}${d.job ? ` (${d.job})` : ''}`;

function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(m / 60);
  return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** The notification for one decision. */
export function notificationFor(d: Decision, now: number, url: string | null): DesktopNotification {
  if (d.kind === 'firing') {
    const summary = d.alerts[0]?.summary || d.alerts[0]?.description || 'Firing';
    const more = d.alerts.length > 1 ? ` (+${d.alerts.length - 1} more)` : '';
    return {
      id: `firing:${d.group}:${now}`,
      kind: 'firing',
      severity: d.severity,
      title: `${SEVERITY_WORD[d.severity]}: ${groupLabel(d)}`,
      body: `${summary}${more}`,
      url,
      actions: ['ack', 'snooze'],
    };
  }
  return {
    id: `resolved:${d.group}:${now}`,
    kind: 'resolved',
    severity: d.severity,
    title: `Resolved: ${groupLabel(d)}`,
    body: d.since !== null ? `No longer firing (notified ${humanDuration(now - d.since)} ago)` : 'No longer firing',
    url,
    actions: [],
  };
}

/** One summary for many decisions. */
export function summaryFor(ds: Decision[], now: number): DesktopNotification {
  const firing = ds.filter((d) => d.kind === 'firing');
  const resolved = ds.filter((d) => d.kind === 'resolved');
  const list = (xs: Decision[]) => {
    // Each name once: decisions of one group (and groups that label alike) would repeat it.
    const names = [...new Set(xs.map(groupLabel))];
    return names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
  };
  const parts = [firing.length ? `Firing: ${list(firing)}` : '', resolved.length ? `Resolved: ${list(resolved)}` : ''].filter(Boolean);
  const worst = firing.map((d) => d.severity).sort((a, b) => RANK[a] - RANK[b])[0] ?? null;
  return {
    id: `summary:${now}`,
    kind: 'summary',
    severity: worst,
    title: `${ds.length} alert changes${firing.length ? ` (${firing.length} firing)` : ''}`,
    body: parts.join('. '),
    url: null,
    actions: [],
  };
}

export class NotificationDispatcher {
  private pending: Decision[] = [];
  private timer: Timer | null = null;
  /** When each of the last notifications was shown (for maxPerMinute). */
  private shown: number[] = [];
  private stopped = false;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Queue decisions; quiet hours hold back non-critical ones right away (logged, not shown). */
  submit(decisions: Decision[]): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const quiet = inQuietHours(this.deps.settings().quietHours, now);
    for (const d of decisions) {
      if (quiet && d.severity !== 'critical') {
        const n = notificationFor(d, now, null);
        void this.record(n, [d.group], false, 'quiet-hours');
        continue;
      }
      this.pending.push(d);
    }
    if (this.pending.length && this.timer === null) this.schedule(durationMs(this.deps.settings().storm.window));
  }

  /** Drop what is queued and stop timers (Lookout is shutting down). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }

  private schedule(ms: number): void {
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, ms);
  }

  private flush(): void {
    const { storm } = this.deps.settings();
    const now = this.deps.clock.now();
    this.shown = this.shown.filter((t) => now - t < 60_000);
    const budget = storm.maxPerMinute - this.shown.length;
    if (budget <= 0) {
      // Wait until the oldest leaves the minute; everything queued then goes out as one summary.
      this.schedule(60_000 - (now - this.shown[0]!) + 1);
      return;
    }
    const batch = this.pending;
    this.pending = [];
    if (batch.length <= storm.maxIndividual && batch.length <= budget) {
      for (const d of batch) this.show(notificationFor(d, now, this.deps.linkFor(d)), [d.group]);
    } else {
      this.show(summaryFor(batch, now), batch.map((d) => d.group));
    }
  }

  private show(n: DesktopNotification, groups: string[]): void {
    this.shown.push(this.deps.clock.now());
    const { notifier } = this.deps;
    if (!notifier) {
      void this.record(n, groups, false, 'no notifier in this mode');
      return;
    }
    notifier
      .notify(n, (action) => this.deps.onAction(groups, action))
      .then(
        () => this.record(n, groups, true, null),
        (err: unknown) => {
          const reason = err instanceof Error ? err.message : String(err);
          this.deps.logger.warn({ reason, title: n.title }, 'desktop notification failed');
          return this.record(n, groups, false, reason);
        },
      )
      .catch((err: unknown) => this.deps.logger.error({ err }, 'writing the notification log failed'));
  }

  private async record(n: DesktopNotification, groups: string[], delivered: boolean, reason: string | null): Promise<void> {
    const entry: NotificationLogEntry = { at: this.deps.clock.now(), kind: n.kind, groups, severity: n.severity, title: n.title, body: n.body, delivered, reason };
    this.deps.logger.info({ kind: n.kind, title: n.title, delivered, reason }, 'notification');
    await this.deps.log.append(entry);
  }
}
