/**
 * Timestamps as log lines write them, to epoch microseconds (the store's unit, records.ts). Fractions
 * finer than a millisecond are kept (Grafana and zap write nanoseconds; Date.parse would drop them).
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:\s?(Z|z|[+-]\d{2}(?::?\d{2})?))?/;
const SLASHED = /^(\d{4})\/(\d{2})\/(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?/;
const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const SYSLOG = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;
/** Common (and combined) log format: `[10/Oct/2000:13:55:36 -0700]`. */
const CLF = /\[(\d{2})\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\]/;
/** klog (Kubernetes, many Go tools): `E1202 15:04:05.123456 …`; the year is not written. */
const KLOG = /^([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6})/;

/** A matched timestamp: its value and how many characters of the line it took. */
export interface TimeMatch {
  timeUs: number;
  length: number;
}

const fractionUs = (digits: string | undefined): number => (digits ? Math.floor(Number(digits.padEnd(6, '0').slice(0, 6))) : 0);

function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

/** Wall-clock fields to µs: in the given zone, or in local time when the line names none (as the writer's machine is this one). */
function toUs(y: number, mo: number, d: number, h: number, mi: number, s: number, us: number, zone: string | undefined): number | null {
  const ms = zone === undefined ? new Date(y, mo, d, h, mi, s).getTime() : Date.UTC(y, mo, d, h, mi, s) - zoneOffsetMinutes(zone) * 60_000;
  return Number.isFinite(ms) ? ms * 1000 + us : null;
}

/** A syslog or klog time has no year: the read time's year, or the one before when that would put it more than a day ahead. */
function withoutYear(readTimeUs: number, mo: number, d: number, h: number, mi: number, s: number, us: number): number | null {
  const year = new Date(readTimeUs / 1000).getFullYear();
  const t = toUs(year, mo, d, h, mi, s, us, undefined);
  if (t !== null && t > readTimeUs + 86_400_000_000) return toUs(year - 1, mo, d, h, mi, s, us, undefined);
  return t;
}

/** An ISO 8601 / RFC 3339 string (also with a space for T, or a comma before the fraction). */
export function parseIsoTime(text: string): TimeMatch | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const t = toUs(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, fractionUs(m[7]), m[8]);
  return t === null ? null : { timeUs: t, length: m[0].length };
}

/** An epoch number in seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude (years 1973–5138). */
export function epochToUs(n: number): number | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  if (n < 1e11) return Math.round(n * 1e6);
  if (n < 1e14) return Math.round(n * 1e3);
  if (n < 1e17) return Math.round(n);
  return Math.round(n / 1e3);
}

/** A structured field's time value (`time`, `ts`, `timestamp`, `t`): ISO text, or an epoch number or numeric string. */
export function parseTimeValue(value: unknown): number | null {
  if (typeof value === 'number') return epochToUs(value);
  if (typeof value !== 'string' || value.length === 0) return null;
  const c = value.charCodeAt(0);
  if (c >= 48 && c <= 57 && /^\d+(\.\d+)?$/.test(value)) return epochToUs(Number(value));
  const iso = parseIsoTime(value);
  if (iso) return iso.timeUs;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms * 1000 : null;
}

/** The timestamp a plain line starts with (ISO, `2006/01/02 15:04:05`, syslog, klog, or `[…]` around any of them). */
export function leadingTime(line: string, readTimeUs: number): TimeMatch | null {
  const bracket = line.charCodeAt(0) === 91; // '['
  const text = bracket ? line.slice(1) : line;
  const close = (m: TimeMatch | null): TimeMatch | null => {
    if (!m || !bracket) return m;
    return text.charCodeAt(m.length) === 93 ? { timeUs: m.timeUs, length: m.length + 2 } : null;
  };
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    const iso = parseIsoTime(text);
    if (iso) return close(iso);
    const m = SLASHED.exec(text);
    if (m) {
      const t = toUs(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, fractionUs(m[7]), undefined);
      return t === null ? null : close({ timeUs: t, length: m[0].length });
    }
    const clf = CLF.exec(line.slice(0, 40));
    if (bracket && clf && clf.index === 0) return clfMatch(clf);
    return null;
  }
  const s = SYSLOG.exec(text);
  if (s) {
    const t = withoutYear(readTimeUs, MONTHS[s[1]!]!, +s[2]!.trim(), +s[3]!, +s[4]!, +s[5]!, fractionUs(s[6]));
    return t === null ? null : close({ timeUs: t, length: s[0].length });
  }
  return null;
}

function clfMatch(m: RegExpExecArray): TimeMatch | null {
  const zone = `${m[7]}${m[8]}:${m[9]}`;
  const t = toUs(+m[3]!, MONTHS[m[2]!]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!, 0, zone);
  return t === null ? null : { timeUs: t, length: m.index + m[0].length };
}

/** A common-log-format time anywhere in the first 200 characters (the client address and user come first). */
export function commonLogTime(line: string): number | null {
  const m = CLF.exec(line.length > 200 ? line.slice(0, 200) : line);
  return m ? (clfMatch(m)?.timeUs ?? null) : null;
}

/** A klog header: its time and the level letter it starts with. */
export function klogHeader(line: string, readTimeUs: number): (TimeMatch & { letter: string }) | null {
  const m = KLOG.exec(line);
  if (!m) return null;
  const t = withoutYear(readTimeUs, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, Number(m[7]));
  return t === null ? null : { timeUs: t, length: m[0].length, letter: m[1]! };
}
