/**
 * Durations and sizes in settings that Lookout itself interprets (log rotation, the telemetry store,
 * trace sampling): `500ms`, `2.5s`, `30d`, `10MB`, `1GB`. Units of size are binary (1 KB = 1024 bytes),
 * as in Prometheus' retention size, so the same words mean the same everywhere in settings.json.
 * Settings handed to Prometheus or Alertmanager use their stricter syntax (./prom-units.ts).
 */
import { z } from 'zod';

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|y|w|d|h|m|s))+$/;
const SIZE = /^(\d+(?:\.\d+)?)(B|KB|MB|GB|TB|PB|EB)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 365 * 86_400_000 };
const UNIT_BYTES: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, PB: 1024 ** 5, EB: 1024 ** 6 };

/** `2.5s` → 2500, `1m30s` → 90000; NaN for anything else. */
export function durationMs(text: string): number {
  if (!DURATION.test(text)) return Number.NaN;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|y|w|d|h|m|s)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/** `1GB` → 1073741824, `1.5KB` → 1536; NaN for anything else. */
export function sizeBytes(text: string): number {
  const m = SIZE.exec(text);
  return m ? Math.round(Number(m[1]) * UNIT_BYTES[m[2]!]!) : Number.NaN;
}

/** A duration setting; `positive` refuses 0. */
export const duration = (example: string, opts: { positive?: boolean } = {}) =>
  z.string().superRefine((s, ctx) => {
    const ms = durationMs(s);
    if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: `must be a duration such as ${example} (units ms, s, m, h, d, w, y)` });
    else if (opts.positive && ms <= 0) ctx.addIssue({ code: 'custom', message: 'must be longer than 0' });
  });

/** A TCP port setting, with words a user can act on (zod's own say "Too big: expected number to be <=65535"). */
export const port = z.number({ message: 'must be a port number' }).int('must be a whole number').min(1, 'must be from 1 to 65535').max(65535, 'must be from 1 to 65535');

/** A size setting, larger than 0. */
export const size = (example: string) =>
  z.string().superRefine((s, ctx) => {
    const bytes = sizeBytes(s);
    if (Number.isNaN(bytes)) ctx.addIssue({ code: 'custom', message: `must be a size such as ${example} (B, KB, MB, GB, TB; 1 KB = 1024 bytes)` });
    else if (bytes <= 0) ctx.addIssue({ code: 'custom', message: 'must be larger than 0' });
  });
