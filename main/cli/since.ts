import { durationMs } from '../core/settings/units';
import { usageError } from './command';

/** `--since 15m` → a window start in epoch µs (default: the last hour); a bad value is a usage error naming the flag. */
export function sinceUs(value: string | undefined, usage: string, now = Date.now()): number {
  const ms = durationMs(value ?? '1h');
  if (Number.isNaN(ms) || ms <= 0) throw usageError(`--since must be a duration such as 15m, 1h or 7d (got ${value})`, usage);
  return (now - ms) * 1000;
}

/** A µs time as local date and time to the second, the way log lines read. */
export const timeOf = (us: number): string => new Date(us / 1000).toISOString().replace('T', ' ').slice(0, 19);
