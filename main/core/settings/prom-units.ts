/**
 * Prometheus' duration and size syntax, with the ranges its flag parser enforces. Go keeps a duration as
 * int64 nanoseconds and a size as int64 bytes, so `99999999999999999999y` or `9EB` pass a syntax check
 * but make Prometheus exit at start ("duration out of range", "units: overflow"): these schemas refuse
 * them in settings, naming the field, before any component is restarted with them.
 */
import { z } from 'zod';

const DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
const SIZE = /^(\d+)(B|KB|MB|GB|TB|PB|EB)$/;
const MAX_INT64 = (1n << 63n) - 1n;

const MS_NS = 1_000_000n;
const DURATION_NS: Record<string, bigint> = {
  y: 365n * 86_400_000n * MS_NS,
  w: 7n * 86_400_000n * MS_NS,
  d: 86_400_000n * MS_NS,
  h: 3_600_000n * MS_NS,
  m: 60_000n * MS_NS,
  s: 1_000n * MS_NS,
  ms: MS_NS,
};
/** Prometheus' sizes are powers of 1024 (github.com/alecthomas/units Base2Bytes). */
const SIZE_BYTES: Record<string, bigint> = { B: 1n, KB: 1n << 10n, MB: 1n << 20n, GB: 1n << 30n, TB: 1n << 40n, PB: 1n << 50n, EB: 1n << 60n };

/** Nanoseconds of a duration, or null when it is not Prometheus syntax. */
export function durationNs(text: string): bigint | null {
  if (!text || !DURATION.test(text)) return null;
  let total = 0n;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += BigInt(n!) * DURATION_NS[unit!]!;
  return total;
}

/** Milliseconds of a duration that the schema has accepted. */
export function durationMs(text: string): number {
  return Number((durationNs(text) ?? 0n) / MS_NS);
}

/** Bytes of a size, or null when it is not Prometheus syntax. */
export function sizeBytes(text: string): bigint | null {
  const m = SIZE.exec(text);
  return m ? BigInt(m[1]!) * SIZE_BYTES[m[2]!]! : null;
}

/** A Prometheus duration (15s, 1m30s, 30d) that Prometheus can hold: up to 2^63-1 ns (106751d, about 292y). */
export const promDuration = (example = '15s, 5m or 30d') =>
  z.string().superRefine((s, ctx) => {
    const ns = durationNs(s);
    if (ns === null) ctx.addIssue({ code: 'custom', message: `must be a Prometheus duration such as ${example}` });
    else if (ns > MAX_INT64) ctx.addIssue({ code: 'custom', message: 'is out of range: Prometheus durations go up to about 292y' });
  });

/** A Prometheus size (512MB, 2GB) that Prometheus can hold: up to 8EB (2^63 bytes, as its parser allows). */
export const promSize = () =>
  z.string().superRefine((s, ctx) => {
    const bytes = sizeBytes(s);
    if (bytes === null) ctx.addIssue({ code: 'custom', message: 'must be a size such as 512MB or 2GB' });
    else if (bytes > MAX_INT64 + 1n) ctx.addIssue({ code: 'custom', message: 'is out of range: Prometheus sizes go up to 8EB' });
  });
