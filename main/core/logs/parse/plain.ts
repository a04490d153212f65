import type { LogLevel } from '../../store/records';
import { normalizeLevel } from './level';
import { commonLogTime, klogHeader, leadingTime } from './time';

/** What a plain line's head says: its time, its level and where the message starts. */
export interface PlainHead {
  timeUs: number | null;
  level: LogLevel | null;
  /** The line with the leading time (and a leading level word) cut off. */
  rest: string;
}

const KLOG_LEVELS: Record<string, LogLevel> = { I: 'info', W: 'warn', E: 'error', F: 'fatal' };

/** A level word opening the text, bare or in brackets: `ERROR …`, `[warn] …`, `<info>`, `info:`, `WARN -`. */
const LEADING_LEVEL = /^[[(<]?([A-Za-z]{3,11})[\])>]?(?::|\s|$)/;
/** A level word further in (within the head): upper case as a word (`- INFO -`), or any case in brackets (`[error]`, nginx/Apache). */
const HEAD_LEVEL = /(?:^|[\s|:])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRIT|CRITICAL|FATAL|PANIC|SEVERE)(?=[\s:|\]]|$)|\[(trace|debug|info|notice|warn|warning|error|crit|critical|alert|emerg|fatal)\]/i;
const HEAD_CHARS = 48;

/** The level a plain text names near its start, and where the message begins after a leading level word. */
export function detectLevel(text: string): { level: LogLevel | null; skip: number } {
  const lead = LEADING_LEVEL.exec(text);
  if (lead) {
    const level = normalizeLevel(lead[1]!);
    // A lower-case leading word only counts with its punctuation ("info:", "[info]") or before a tab
    // (zap's console format); "error reading file" is a message, not a level.
    const upper = lead[1] === lead[1]!.toUpperCase();
    const marked = lead[0] !== `${lead[1]} ` || text.charCodeAt(lead[1]!.length) === 9;
    if (level && (upper || marked)) return { level, skip: lead[0].length };
  }
  const head = text.length > HEAD_CHARS ? text.slice(0, HEAD_CHARS) : text;
  const m = HEAD_LEVEL.exec(head);
  if (!m) return { level: null, skip: 0 };
  const word = m[1] ?? m[2]!;
  // Bare words must be upper case (the regex is case-insensitive for the bracketed form).
  if (m[1] && word !== word.toUpperCase()) return { level: null, skip: 0 };
  return { level: normalizeLevel(word), skip: 0 };
}

/** Time and level at the start of a plain line: ISO 8601 / RFC 3339, Go's `2006/01/02`, syslog, klog, common log format. */
export function parsePlainHead(line: string, readTimeUs: number): PlainHead {
  const klog = klogHeader(line, readTimeUs);
  if (klog) {
    const close = line.indexOf('] ', klog.length);
    return { timeUs: klog.timeUs, level: KLOG_LEVELS[klog.letter] ?? null, rest: close > 0 && close < klog.length + 64 ? line.slice(close + 2) : line.slice(klog.length).trimStart() };
  }
  const t = leadingTime(line, readTimeUs);
  if (t) {
    let i = t.length;
    while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    const rest = line.slice(i);
    const { level, skip } = detectLevel(rest);
    return { timeUs: t.timeUs, level, rest: skip ? rest.slice(skip).trimStart() : rest };
  }
  const { level, skip } = detectLevel(line);
  return { timeUs: commonLogTime(line), level, rest: skip ? line.slice(skip).trimStart() : line };
}
