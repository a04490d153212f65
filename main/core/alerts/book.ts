/**
 * The alert book: one list merging Alertmanager's alerts (pushed to the webhook, reconciled from
 * GET /api/v2/alerts) with Lookout's own watchdog alerts.
 *
 * Resolution: a resolved webhook resolves at once. An alert that merely disappears from
 * /api/v2/alerts is resolved when Prometheus no longer fires it either (resolveMissing), or after
 * `resolveGraceMs`: an Alertmanager that restarted has an empty list until Prometheus re-sends (every
 * minute), and that must not look like recovery.
 */
import type { AmAlert } from './alertmanager-client';

/** One of Lookout's own alerts, as the watchdog evaluates it. */
export interface OwnAlert {
  id: string;
  labels: Record<string, string> & { alertname: string; severity: string };
  annotations: { summary: string; description: string; runbook: string };
}

/** An entry of the book, whatever its source. */
export interface BookEntry {
  id: string;
  source: 'alertmanager' | 'lookout';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  state: 'firing' | 'suppressed' | 'resolved';
  resolvedAt: number | null;
  silencedBy: string[];
  inhibitedBy: string[];
  generatorURL: string | null;
}

export interface BookOptions {
  /** How long an alert may be missing from Alertmanager's list before it counts as resolved. */
  resolveGraceMs: number;
  /** How long resolved alerts stay listed. */
  keepResolvedMs: number;
}

interface AmEntry {
  alert: AmAlert;
  resolvedAt: number | null;
  missingSince: number | null;
}

export class AlertBook {
  private readonly am = new Map<string, AmEntry>();
  private readonly own = new Map<string, { alert: OwnAlert; startsAt: number; resolvedAt: number | null }>();
  private firstSyncAt: number | null = null;

  constructor(private readonly opts: BookOptions) {}

  /** Epoch ms of the first successful Alertmanager sync since start, or null. */
  get syncedSince(): number | null {
    return this.firstSyncAt;
  }

  /** Alerts pushed by Alertmanager's webhook. Returns true when anything changed. */
  webhook(alerts: Array<{ status: 'firing' | 'resolved'; alert: AmAlert }>, now: number): boolean {
    let changed = false;
    for (const { status, alert } of alerts) {
      const known = this.am.get(alert.fingerprint);
      if (status === 'resolved') {
        // A resolve for an episode we never saw firing tells nothing new; one for the episode we hold resolves it.
        if (known && known.resolvedAt === null && known.alert.startsAt === alert.startsAt) {
          known.resolvedAt = alert.endsAt ?? now;
          known.missingSince = null;
          changed = true;
        }
        continue;
      }
      if (known && known.resolvedAt === null && known.alert.startsAt === alert.startsAt) {
        // Keep what the last sync knew about silences: a webhook never carries that.
        known.alert = { ...alert, state: known.alert.state, silencedBy: known.alert.silencedBy, inhibitedBy: known.alert.inhibitedBy };
        known.missingSince = null;
        continue;
      }
      this.am.set(alert.fingerprint, { alert, resolvedAt: null, missingSince: null });
      changed = true;
    }
    return changed;
  }

  /** The full list from GET /api/v2/alerts. Returns true when anything changed. */
  sync(alerts: AmAlert[], now: number): boolean {
    this.firstSyncAt ??= now;
    let changed = false;
    const seen = new Set<string>();
    for (const alert of alerts) {
      seen.add(alert.fingerprint);
      const known = this.am.get(alert.fingerprint);
      if (!known || known.resolvedAt !== null || known.alert.startsAt !== alert.startsAt || !sameStatus(known.alert, alert)) changed = true;
      this.am.set(alert.fingerprint, { alert, resolvedAt: null, missingSince: null });
    }
    for (const [fp, entry] of this.am) {
      if (seen.has(fp) || entry.resolvedAt !== null) continue;
      entry.missingSince ??= now;
      if (now - entry.missingSince >= this.opts.resolveGraceMs) {
        entry.resolvedAt = entry.missingSince;
        changed = true;
      }
    }
    return this.prune(now) || changed;
  }

  /** Whether some alert is missing from Alertmanager's list and not yet resolved (the grace is running). */
  hasMissing(): boolean {
    return [...this.am.values()].some((e) => e.missingSince !== null && e.resolvedAt === null);
  }

  /**
   * Resolve missing alerts that Prometheus no longer fires. This is the fast path when Alertmanager sends
   * no resolved webhook (a silenced alert resolves quietly); an Alertmanager that merely restarted loses
   * its list while Prometheus still fires them, so those wait for the grace. Returns true when anything changed.
   */
  resolveMissing(stillFiring: (labels: Record<string, string>) => boolean): boolean {
    let changed = false;
    for (const entry of this.am.values()) {
      if (entry.missingSince === null || entry.resolvedAt !== null || stillFiring(entry.alert.labels)) continue;
      entry.resolvedAt = entry.missingSince;
      changed = true;
    }
    return changed;
  }

  /** Lookout's own alerts as the watchdog sees them now (the complete set). Returns true when anything changed. */
  setOwn(alerts: OwnAlert[], now: number): boolean {
    let changed = false;
    const seen = new Set<string>();
    for (const alert of alerts) {
      seen.add(alert.id);
      const known = this.own.get(alert.id);
      if (known && known.resolvedAt === null) {
        if (JSON.stringify(known.alert) !== JSON.stringify(alert)) changed = true;
        known.alert = alert;
      } else {
        this.own.set(alert.id, { alert, startsAt: now, resolvedAt: null });
        changed = true;
      }
    }
    for (const [id, entry] of this.own) {
      if (!seen.has(id) && entry.resolvedAt === null) {
        entry.resolvedAt = now;
        changed = true;
      }
    }
    return this.prune(now) || changed;
  }

  /** Every entry, firing and suppressed ones and those resolved within keepResolvedMs. */
  entries(): BookEntry[] {
    const out: BookEntry[] = [];
    for (const { alert, resolvedAt } of this.am.values()) {
      out.push({
        id: alert.fingerprint,
        source: 'alertmanager',
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: alert.startsAt,
        state: resolvedAt !== null ? 'resolved' : alert.state === 'suppressed' ? 'suppressed' : 'firing',
        resolvedAt,
        silencedBy: resolvedAt !== null ? [] : alert.silencedBy,
        inhibitedBy: resolvedAt !== null ? [] : alert.inhibitedBy,
        generatorURL: alert.generatorURL,
      });
    }
    for (const { alert, startsAt, resolvedAt } of this.own.values()) {
      out.push({
        id: alert.id,
        source: 'lookout',
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt,
        state: resolvedAt !== null ? 'resolved' : 'firing',
        resolvedAt,
        silencedBy: [],
        inhibitedBy: [],
        generatorURL: null,
      });
    }
    return out;
  }

  get(id: string): BookEntry | null {
    return this.entries().find((e) => e.id === id) ?? null;
  }

  private prune(now: number): boolean {
    let changed = false;
    for (const map of [this.am, this.own] as Array<Map<string, { resolvedAt: number | null }>>) {
      for (const [id, entry] of map) {
        if (entry.resolvedAt !== null && now - entry.resolvedAt > this.opts.keepResolvedMs) {
          map.delete(id);
          changed = true;
        }
      }
    }
    return changed;
  }
}

function sameStatus(a: AmAlert, b: AmAlert): boolean {
  return a.state === b.state && a.silencedBy.join() === b.silencedBy.join() && a.inhibitedBy.join() === b.inhibitedBy.join();
}
