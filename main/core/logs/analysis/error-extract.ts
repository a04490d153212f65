/**
 * Error extraction from an NDJSON log file (pino and the like): keep the records whose top-level
 * `level` is error or fatal, as a name (`"error"`, `"ERROR"`, `"fatal"`, `"critical"`…) or a pino
 * number (50 error, 60 fatal), and group them by template (error-groups.ts).
 *
 * Why it is fast: most lines are not errors, and parsing JSON is what costs. The scan works on the
 * raw bytes: it looks for `"level"` with Buffer.indexOf (memchr/memmem speed), reads the value right
 * after it without decoding, and only a line whose value is an error level is decoded and parsed
 * (JSON.parse then confirms it is the top-level key: a nested `"level"` is read, found wrong, skipped).
 * Memory is bounded by the longest line kept (`maxLineBytes`, 1 MiB): a longer line is skipped whole
 * and counted, never buffered.
 */
import type { Readable } from 'node:stream';
import { createErrorGrouper, type ErrorGroup, type ErrorLevel } from './error-groups';
import { createTemplateMiner, type TemplateMiner } from './template-miner';

export interface ErrorExtractOptions {
  miner?: TemplateMiner;
  maxLineBytes?: number;
}

export interface ErrorExtraction {
  lines: number;
  errorRecords: number;
  /** Lines whose level said error/fatal but that are not a JSON object (torn writes, garbage). */
  unparsable: number;
  /** Lines longer than maxLineBytes, skipped. */
  oversized: number;
  groups: ErrorGroup[];
}

const LEVEL_KEY = Buffer.from('"level"');
const ERROR_NAMES: Record<string, ErrorLevel> = {
  error: 'error', err: 'error', severe: 'error',
  fatal: 'fatal', critical: 'fatal', crit: 'fatal', panic: 'fatal', emerg: 'fatal', emergency: 'fatal', alert: 'fatal',
};

/** error/fatal from a level value as JSON gives it (name or pino number), or null. */
export function errorLevelOf(value: unknown): ErrorLevel | null {
  if (typeof value === 'number') return value >= 60 ? 'fatal' : value >= 50 ? 'error' : null;
  if (typeof value === 'string') return ERROR_NAMES[value.toLowerCase()] ?? null;
  return null;
}

/** The level at buf[i…] (just after `"level"`) without decoding: error/fatal, or null for anything else. */
function levelAt(buf: Buffer, i: number, end: number): ErrorLevel | null {
  while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
  if (buf[i] !== 58 /* : */) return null;
  i++;
  while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
  const c = buf[i]!;
  if (c === 34 /* " */) {
    const close = buf.indexOf(34, i + 1);
    if (close < 0 || close > end || close - i > 12) return null;
    return ERROR_NAMES[buf.toString('latin1', i + 1, close).toLowerCase()] ?? null;
  }
  if (c >= 48 && c <= 57) {
    let n = 0;
    while (i < end && buf[i]! >= 48 && buf[i]! <= 57) n = n * 10 + buf[i++]! - 48;
    return errorLevelOf(n);
  }
  return null;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

function timeOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v > 1e14 ? Math.round(v / 1000) : v < 1e11 ? v * 1000 : v; // µs, s or ms
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** Scan an NDJSON stream and group its error and fatal records by template. */
export async function extractErrors(input: Readable, options: ErrorExtractOptions = {}): Promise<ErrorExtraction> {
  const grouper = createErrorGrouper(options.miner ?? createTemplateMiner());
  const maxLine = options.maxLineBytes ?? 1024 * 1024;
  let lines = 0;
  let errorRecords = 0;
  let unparsable = 0;
  let oversized = 0;
  let carry: Buffer | null = null;
  let skipping = false;

  /** Look at the complete lines in buf[0, end): `end` is just past the last `\n`. */
  const scan = (buf: Buffer, end: number) => {
    let i = 0;
    for (;;) {
      const k = buf.indexOf(LEVEL_KEY, i);
      if (k < 0 || k >= end) break;
      // An escaped quote (\"level\") is text inside a string, not a key.
      const level = k > 0 && buf[k - 1] === 92 ? null : levelAt(buf, k + LEVEL_KEY.length, end);
      if (level === null) {
        i = k + LEVEL_KEY.length;
        continue;
      }
      const start = buf.lastIndexOf(10, k) + 1;
      const stop = buf.indexOf(10, k);
      i = stop + 1;
      let rec: unknown;
      try {
        rec = JSON.parse(buf.toString('utf8', start, stop));
      } catch {
        unparsable++;
        continue;
      }
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
        unparsable++;
        continue;
      }
      const r = rec as Record<string, unknown>;
      const top = errorLevelOf(r.level);
      if (!top) continue;
      errorRecords++;
      grouper.add({
        level: top,
        timeMs: timeOf(r.time ?? r.timestamp ?? r['@timestamp']),
        service: str(r.service) ?? str(r.name),
        traceId: str(r.trace_id) ?? str(r.traceId) ?? str(r['trace.id']),
        message: str(r.msg) ?? str(r.message) ?? '',
      });
    }
  };

  const countLines = (buf: Buffer, from: number, to: number) => {
    for (let p = buf.indexOf(10, from); p >= 0 && p < to; p = buf.indexOf(10, p + 1)) lines++;
  };

  for await (const chunk of input as AsyncIterable<Buffer>) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (skipping) {
      const nl = buf.indexOf(10);
      if (nl < 0) continue;
      lines++;
      skipping = false;
      buf = buf.subarray(nl + 1);
    }
    if (carry) {
      // The line begun in the last chunk, completed alone: the rest of this chunk is scanned in place.
      const nl = buf.indexOf(10);
      if (nl < 0) {
        carry = Buffer.concat([carry, buf]);
        if (carry.length > maxLine) {
          oversized++;
          skipping = true;
          carry = null;
        }
        continue;
      }
      const first = Buffer.concat([carry, buf.subarray(0, nl + 1)]);
      carry = null;
      lines++;
      scan(first, first.length);
      buf = buf.subarray(nl + 1);
    }
    const last = buf.lastIndexOf(10);
    if (last >= 0) {
      countLines(buf, 0, last + 1);
      scan(buf, last + 1);
    }
    const tail = buf.subarray(last + 1);
    if (tail.length > maxLine) {
      oversized++;
      skipping = true;
    } else if (tail.length) carry = Buffer.from(tail);
  }
  if (carry) {
    // A last line without its line break.
    lines++;
    const withNl = Buffer.concat([carry, Buffer.from('\n')]);
    scan(withNl, withNl.length);
  } else if (skipping) lines++;

  return { lines, errorRecords, unparsable, oversized, groups: grouper.groups() };
}
