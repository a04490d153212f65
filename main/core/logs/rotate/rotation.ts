import fsp from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Clock, Timer } from '../../ports';
import { type LogsSettings } from '../settings-schema';
import { durationMs, sizeBytes } from '../../settings/units';
import { copyTruncateRotate } from './copy-truncate';
import { sweepRotated } from './retention';

/** A file Lookout writes (or has written by a process it starts), and who rotates it. */
export interface RotationTarget {
  file: string;
  /**
   * `copy-truncate`: another process holds it open (components, demo services, appendFile writers);
   * `self`: its writer rotates it (lookout.log through rotating-file-stream) and only retention applies here.
   */
  mode: 'copy-truncate' | 'self';
}

export interface RotationStatus {
  lastRunAt: number | null;
  rotated: number;
  deleted: number;
  lastError: string | null;
}

export interface LogRotation {
  start(): void;
  stop(): void;
  /** Rotate what is over the size cap, then apply retention; also what the timer runs. */
  runOnce(): Promise<{ rotated: string[]; deleted: string[] }>;
  status(): RotationStatus;
}

export interface LogRotationOptions {
  targets(): RotationTarget[];
  settings(): LogsSettings['rotation'];
  clock: Clock;
  logger: Logger;
  /** Called between copying and truncating a file: the follower reads it to its end. */
  beforeTruncate?(file: string): Promise<void>;
  /** How often sizes are checked. Default 30 s. */
  checkMs?: number;
}

/** Size-capped rotation with gzip, and age and total-size retention, for every log file Lookout writes. */
export function createLogRotation(opts: LogRotationOptions): LogRotation {
  const checkMs = opts.checkMs ?? 30_000;
  const status: RotationStatus = { lastRunAt: null, rotated: 0, deleted: 0, lastError: null };
  let timer: Timer | null = null;
  let running: Promise<{ rotated: string[]; deleted: string[] }> | null = null;

  async function run(): Promise<{ rotated: string[]; deleted: string[] }> {
    const s = opts.settings();
    const maxFile = sizeBytes(s.maxFileSize);
    const rotated: string[] = [];
    const errors: string[] = [];
    const targets = opts.targets();
    for (const t of targets) {
      if (t.mode !== 'copy-truncate') continue;
      try {
        const st = await fsp.stat(t.file).catch(() => null);
        if (!st || st.size <= maxFile) continue;
        const gz = await copyTruncateRotate(t.file, { now: new Date(opts.clock.now()), beforeTruncate: opts.beforeTruncate ? () => opts.beforeTruncate!(t.file) : undefined });
        if (gz) {
          rotated.push(gz);
          opts.logger.info({ file: t.file, rotated: gz }, 'log rotated');
        }
      } catch (err) {
        errors.push(`${t.file}: ${(err as Error).message}`);
      }
    }
    let deleted: string[] = [];
    try {
      deleted = await sweepRotated(targets.map((t) => t.file), { maxAgeMs: durationMs(s.maxAge), maxTotalBytes: sizeBytes(s.maxTotalSize) }, opts.clock.now());
      if (deleted.length) opts.logger.info({ deleted }, 'rotated logs removed by retention');
    } catch (err) {
      errors.push(`retention: ${(err as Error).message}`);
    }
    status.lastRunAt = opts.clock.now();
    status.rotated += rotated.length;
    status.deleted += deleted.length;
    const error = errors.length ? errors.join('; ') : null;
    if (error && error !== status.lastError) opts.logger.error({ errors }, 'log rotation failed');
    status.lastError = error;
    return { rotated, deleted };
  }

  function schedule(): void {
    timer = opts.clock.setTimeout(() => {
      void runOnce().finally(() => {
        if (timer !== null) schedule();
      });
    }, checkMs);
  }

  function runOnce(): Promise<{ rotated: string[]; deleted: string[] }> {
    running ??= run().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    start() {
      if (timer === null) schedule();
    },
    stop() {
      if (timer !== null) opts.clock.clearTimeout(timer);
      timer = null;
    },
    runOnce,
    status: () => ({ ...status }),
  };
}
