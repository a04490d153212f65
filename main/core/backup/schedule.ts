/**
 * Daily backups (settings.backup.schedule = "daily"): one backup 24 h after the newest one (or soon after
 * Lookout starts when there is none, or the newest is older), then prune to settings.backup.keep. Time
 * comes from the Clock port, so tests move it by hand. A failed run is tried again an hour later.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Clock, Timer } from '../ports';
import type { Settings } from '../settings/schema';
import type { BackupInfo } from './backups';

export const DAY_MS = 24 * 60 * 60_000;
/** Not at the very start: Lookout and its stack have better things to do in their first minutes. */
export const FIRST_RUN_DELAY_MS = 5 * 60_000;
export const RETRY_MS = 60 * 60_000;

export interface ScheduleDeps {
  clock: Clock;
  settings: () => Settings;
  logger: Logger;
  /** Epoch ms of the newest backup, or null when there is none. */
  newest(): Promise<number | null>;
  create(opts: { includeSecrets: boolean; passphrase?: string }): Promise<BackupInfo>;
  prune(keep: number): Promise<{ deleted: string[] }>;
  onRun?(result: { ok: true; backup: BackupInfo; pruned: string[] } | { ok: false; error: string }): void;
}

export interface BackupScheduler {
  /** Look at the settings again (after a change) and (re)arm the timer. */
  reschedule(): Promise<void>;
  stop(): void;
  /** When the next run is due (epoch ms), or null when the schedule is off. */
  nextRunAt(): number | null;
}

export function createBackupScheduler(deps: ScheduleDeps): BackupScheduler {
  let timer: Timer | null = null;
  let next: number | null = null;
  let running = false;
  let stopped = false;

  const clear = () => {
    if (timer !== null) deps.clock.clearTimeout(timer);
    timer = null;
    next = null;
  };

  const arm = (at: number) => {
    clear();
    next = at;
    timer = deps.clock.setTimeout(() => void run(), Math.max(0, at - deps.clock.now()));
  };

  async function passphrase(settings: Settings): Promise<string | undefined> {
    if (!settings.backup.passphraseFile) return undefined;
    return (await readFile(settings.backup.passphraseFile, 'utf8')).trim();
  }

  async function run(): Promise<void> {
    if (running || stopped) return;
    running = true;
    timer = null;
    const settings = deps.settings();
    try {
      const pass = settings.backup.includeSecrets ? await passphrase(settings) : undefined;
      // With includeSecrets but no passphrase file, a scheduled backup cannot ask for one: it leaves them out.
      const backup = await deps.create({ includeSecrets: settings.backup.includeSecrets && pass !== undefined, passphrase: pass });
      const { deleted } = await deps.prune(settings.backup.keep);
      deps.onRun?.({ ok: true, backup, pruned: deleted });
      if (!stopped && deps.settings().backup.schedule === 'daily') arm(deps.clock.now() + DAY_MS);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      deps.logger.error({ err: error }, 'scheduled backup failed; trying again in an hour');
      deps.onRun?.({ ok: false, error });
      if (!stopped && deps.settings().backup.schedule === 'daily') arm(deps.clock.now() + RETRY_MS);
    } finally {
      running = false;
    }
  }

  return {
    async reschedule() {
      if (stopped) return;
      if (deps.settings().backup.schedule !== 'daily') return clear();
      if (running) return;
      const newest = await deps.newest();
      const now = deps.clock.now();
      arm(Math.max(now + FIRST_RUN_DELAY_MS, newest === null ? 0 : newest + DAY_MS));
    },
    stop() {
      stopped = true;
      clear();
    },
    nextRunAt: () => next,
  };
}
