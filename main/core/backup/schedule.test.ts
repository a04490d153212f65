import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock';
import { settingsSchema, type SettingsInput } from '../settings/schema';
import type { BackupInfo } from './backups';
import { createBackupScheduler, DAY_MS, FIRST_RUN_DELAY_MS, RETRY_MS } from './schedule';

function setup(input: SettingsInput, newest: number | null) {
  const clock = new FakeClock();
  let settings = settingsSchema.parse(input);
  const runs: Array<{ at: number; includeSecrets: boolean }> = [];
  const prunes: number[] = [];
  let fail = false;
  const scheduler = createBackupScheduler({
    clock,
    settings: () => settings,
    logger: pino({ level: 'silent' }),
    newest: async () => newest,
    create: async (opts) => {
      if (fail) throw new Error('disk full');
      runs.push({ at: clock.now(), includeSecrets: opts.includeSecrets });
      return { id: String(clock.now()) } as BackupInfo;
    },
    prune: async (keep) => (prunes.push(keep), { deleted: [] }),
  });
  return { clock, scheduler, runs, prunes, setSettings: (i: SettingsInput) => (settings = settingsSchema.parse(i)), failNext: (f: boolean) => (fail = f) };
}

describe('daily backups', () => {
  it('is off by default', async () => {
    const { clock, scheduler, runs } = setup({}, null);
    await scheduler.reschedule();
    expect(scheduler.nextRunAt()).toBeNull();
    await clock.advance(2 * DAY_MS);
    expect(runs).toEqual([]);
  });

  it('runs a few minutes after start without a backup, then every 24 h, pruning to keep each time', async () => {
    const { clock, scheduler, runs, prunes } = setup({ backup: { schedule: 'daily', keep: 3 } }, null);
    const t0 = clock.now();
    await scheduler.reschedule();
    await clock.advance(FIRST_RUN_DELAY_MS - 1);
    expect(runs).toEqual([]);
    await clock.advance(1);
    await clock.advance(2 * DAY_MS);
    expect(runs.map((r) => r.at - t0)).toEqual([FIRST_RUN_DELAY_MS, FIRST_RUN_DELAY_MS + DAY_MS, FIRST_RUN_DELAY_MS + 2 * DAY_MS]);
    expect(prunes).toEqual([3, 3, 3]);
  });

  it('waits out the day since the newest backup, retries an hour after a failure, and stops when turned off', async () => {
    const clock0 = new FakeClock().now();
    const { clock, scheduler, runs, failNext, setSettings } = setup({ backup: { schedule: 'daily' } }, clock0 - DAY_MS / 2);
    await scheduler.reschedule();
    expect(scheduler.nextRunAt()).toBe(clock0 + DAY_MS / 2);
    failNext(true);
    await clock.advance(DAY_MS / 2);
    expect(runs).toEqual([]);
    expect(scheduler.nextRunAt()).toBe(clock.now() + RETRY_MS);
    failNext(false);
    await clock.advance(RETRY_MS);
    expect(runs).toHaveLength(1);
    setSettings({ backup: { schedule: 'off' } });
    await scheduler.reschedule();
    await clock.advance(3 * DAY_MS);
    expect(runs).toHaveLength(1);
  });

  it('leaves the secrets out of a scheduled backup that has no passphrase file', async () => {
    const { clock, scheduler, runs } = setup({ backup: { schedule: 'daily', includeSecrets: true } }, null);
    await scheduler.reschedule();
    await clock.advance(FIRST_RUN_DELAY_MS);
    expect(runs).toEqual([{ at: expect.any(Number), includeSecrets: false }]);
  });
});
