/**
 * Ack and snooze. For Alertmanager's alerts both are Alertmanager silences matching the alert's exact
 * labels, so Slack, email and every other receiver go quiet too:
 *   ack    — a short silence (ackTtl) that Lookout extends while the alert fires and expires once
 *            it resolves; if Lookout stops, it simply runs out, so nothing stays muted for good;
 *   snooze — a silence for the chosen duration.
 * The comment says who and why, prefixed `[lookout ack]` / `[lookout snooze]` so Lookout recognises its
 * own silences after a restart. Undo deletes (expires) the silence.
 * Lookout's own alerts never reach Alertmanager (it may be what is down), so theirs are local, kept in
 * alerts/local-silences.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import type { Logger } from 'pino';
import type { AlertSilence } from '../../../common/model';
import type { AlertmanagerClient, AmSilence } from './alertmanager-client';
import type { BookEntry } from './book';
import { SilenceNotFoundError } from './errors';

const MARKER = /^\[lookout (ack|snooze)\]\s*/;
export const LOCAL_PREFIX = 'lookout-';

export interface LocalSilence extends AlertSilence {
  alertId: string;
}

export interface SilencerDeps {
  am: AlertmanagerClient;
  /** alerts/local-silences.json */
  file: string;
  logger: Logger;
  now(): number;
  /** Lifetime of an ack silence between extensions. */
  ackTtlMs: number;
}

/** Kind and human comment of a silence from its comment text. */
export function parseComment(comment: string): { kind: AlertSilence['kind']; comment: string } {
  const m = MARKER.exec(comment);
  return m ? { kind: m[1] as 'ack' | 'snooze', comment: comment.slice(m[0].length) } : { kind: 'other', comment };
}

/** Matchers that select exactly this alert: every label, by equality. */
export const exactMatchers = (labels: Record<string, string>) =>
  Object.entries(labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));

function matchesExactly(silence: AmSilence, labels: Record<string, string>): boolean {
  const keys = Object.keys(labels);
  return silence.matchers.length === keys.length && silence.matchers.every((m) => !m.isRegex && m.isEqual && labels[m.name] === m.value);
}

export class Silencer {
  private cache: AmSilence[] = [];
  private local: LocalSilence[] = [];

  constructor(private readonly deps: SilencerDeps) {}

  async load(): Promise<void> {
    try {
      const raw = JSON.parse(await readFile(this.deps.file, 'utf8')) as unknown;
      this.local = Array.isArray(raw) ? (raw as LocalSilence[]) : [];
    } catch {
      this.local = [];
    }
  }

  /** Re-read Alertmanager's silences (throws when it cannot be reached). */
  async refresh(): Promise<void> {
    this.cache = await this.deps.am.silences();
  }

  /** The silences that cover an entry, as the model shows them. */
  silencesFor(entry: BookEntry): AlertSilence[] {
    if (entry.source === 'lookout') return this.localFor(entry.id).map(({ alertId: _alertId, ...s }) => s);
    return entry.silencedBy.map((id) => {
      const s = this.cache.find((c) => c.id === id);
      if (!s) return { id, kind: 'other' as const, createdBy: '', comment: '', endsAt: 0 };
      const { kind, comment } = parseComment(s.comment);
      return { id, kind, createdBy: s.createdBy, comment, endsAt: s.endsAt };
    });
  }

  /** Local silences in force for one of Lookout's own alerts. */
  localFor(alertId: string): LocalSilence[] {
    const now = this.deps.now();
    return this.local.filter((s) => s.alertId === alertId && s.endsAt > now);
  }

  async ack(entry: BookEntry, by: string, why: string): Promise<string> {
    const comment = `[lookout ack] Acknowledged by ${by}${why ? `: ${why}` : ''}`;
    return this.create(entry, by, comment, this.deps.ackTtlMs, 'ack');
  }

  async snooze(entry: BookEntry, durationMs: number, label: string, by: string, why: string): Promise<string> {
    const comment = `[lookout snooze] Snoozed for ${label} by ${by}${why ? `: ${why}` : ''}`;
    return this.create(entry, by, comment, durationMs, 'snooze');
  }

  /** Undo: expire an Alertmanager silence, or drop a local one. */
  async remove(id: string): Promise<void> {
    if (id.startsWith(LOCAL_PREFIX)) {
      const before = this.local.length;
      this.local = this.local.filter((s) => s.id !== id);
      if (this.local.length === before) throw new SilenceNotFoundError(id);
      await this.saveLocal();
      return;
    }
    await this.deps.am.expireSilence(id);
    this.cache = this.cache.filter((s) => s.id !== id);
  }

  /**
   * Keep acks alive while their alert fires and end them once it resolved. `entries` is the book;
   * `settled` says whether Alertmanager's list has been read long enough that an alert missing from it
   * is really gone. Returns true when a silence changed.
   */
  async maintain(entries: BookEntry[], settled: boolean): Promise<boolean> {
    const now = this.deps.now();
    let changed = false;
    for (const s of this.cache) {
      if (s.state !== 'active' || parseComment(s.comment).kind !== 'ack') continue;
      const matching = entries.filter((e) => e.source === 'alertmanager' && matchesExactly(s, e.labels));
      const firing = matching.some((e) => e.state !== 'resolved');
      const resolved = matching.length > 0 && !firing;
      if (firing) {
        if (s.endsAt - now < this.deps.ackTtlMs / 2) {
          // Only endsAt changes; Alertmanager keeps the id when it can, or replaces the silence with a new one.
          await this.deps.am.createSilence({ id: s.id, matchers: s.matchers, startsAt: s.startsAt, endsAt: now + this.deps.ackTtlMs, createdBy: s.createdBy, comment: s.comment });
          changed = true;
        }
      } else if (resolved || (settled && now - s.startsAt > this.deps.ackTtlMs / 2)) {
        this.deps.logger.info({ silence: s.id }, 'acknowledged alert resolved; expiring its silence');
        await this.deps.am.expireSilence(s.id);
        changed = true;
      }
    }
    // Local acks end when their alert resolves; snoozes when their time is up.
    const liveIds = new Set(entries.filter((e) => e.source === 'lookout' && e.state !== 'resolved').map((e) => e.id));
    const kept = this.local.filter((s) => s.endsAt > now && (s.kind !== 'ack' || liveIds.has(s.alertId)));
    if (kept.length !== this.local.length) {
      this.local = kept;
      await this.saveLocal();
      changed = true;
    }
    if (changed) await this.refresh().catch(() => undefined);
    return changed;
  }

  private async create(entry: BookEntry, by: string, comment: string, durationMs: number, kind: 'ack' | 'snooze'): Promise<string> {
    const now = this.deps.now();
    if (entry.source === 'lookout') {
      // A local ack lasts until its alert resolves (maintain ends it); the day is only a backstop.
      const endsAt = now + (kind === 'ack' ? 24 * 3_600_000 : durationMs);
      const silence: LocalSilence = { id: `${LOCAL_PREFIX}${randomUUID()}`, alertId: entry.id, kind, createdBy: by, comment: parseComment(comment).comment, endsAt };
      this.local.push(silence);
      await this.saveLocal();
      return silence.id;
    }
    const id = await this.deps.am.createSilence({ matchers: exactMatchers(entry.labels), startsAt: now, endsAt: now + durationMs, createdBy: by, comment });
    await this.refresh().catch(() => undefined);
    return id;
  }

  private async saveLocal(): Promise<void> {
    await mkdir(path.dirname(this.deps.file), { recursive: true });
    await writeFileAtomic(this.deps.file, `${JSON.stringify(this.local, null, 2)}\n`);
  }
}
