/**
 * OTLP AnyValue / KeyValue ⇄ the store's AttributeValue, with caps so one request cannot put
 * megabytes into a row. The caps (documented in docs, defaults below) follow the OpenTelemetry SDK's
 * own limits where it has them (128 attributes, events and links per span) and add a value length:
 * - a string (or base64 of bytes) longer than `maxValueChars` is cut there and ends with
 *   `…[truncated]`; a log body likewise at `maxBodyChars`;
 * - more than `maxAttributes` keys (or `maxArrayItems` array items) — the rest are dropped;
 * - nesting deeper than `maxDepth` becomes the string `[nested too deep]`.
 * Every cut is counted, and the receiver reports the count as an OTLP partial-success warning.
 */
import type { AttributeValue, Attributes } from '../store/records';
import { int64Value, type PbAnyValue, type PbKeyValue } from './proto';

export interface AttributeLimits {
  maxValueChars: number;
  maxBodyChars: number;
  maxAttributes: number;
  maxArrayItems: number;
  maxDepth: number;
  maxEvents: number;
  maxLinks: number;
}

export const DEFAULT_ATTRIBUTE_LIMITS: AttributeLimits = {
  maxValueChars: 8192,
  maxBodyChars: 65_536,
  maxAttributes: 128,
  maxArrayItems: 128,
  maxDepth: 8,
  maxEvents: 128,
  maxLinks: 128,
};

export const TRUNCATED_MARK = '…[truncated]';

/** Counts what the caps cut, for the partial-success warning. */
export interface Cuts {
  truncated: number;
}

export function capString(s: string, max: number, cuts: Cuts): string {
  if (s.length <= max) return s;
  cuts.truncated++;
  return s.slice(0, max) + TRUNCATED_MARK;
}

export function anyValue(v: PbAnyValue | null | undefined, limits: AttributeLimits, cuts: Cuts, depth = 0, maxChars = limits.maxValueChars): AttributeValue {
  if (!v) return null;
  if (depth >= limits.maxDepth) {
    cuts.truncated++;
    return '[nested too deep]';
  }
  switch (v.value) {
    case 'stringValue':
      return capString(v.stringValue ?? '', maxChars, cuts);
    case 'boolValue':
      return v.boolValue === true;
    case 'intValue':
      return v.intValue === null || v.intValue === undefined ? null : int64Value(v.intValue);
    case 'doubleValue': {
      const d = v.doubleValue ?? 0;
      // JSON has no NaN or Infinity: keep them readable rather than turn them into null.
      return Number.isFinite(d) ? d : String(d);
    }
    case 'bytesValue':
      return capString(Buffer.from(v.bytesValue ?? []).toString('base64'), maxChars, cuts);
    case 'arrayValue': {
      const values = v.arrayValue?.values ?? [];
      if (values.length > limits.maxArrayItems) cuts.truncated++;
      return values.slice(0, limits.maxArrayItems).map((x) => anyValue(x, limits, cuts, depth + 1));
    }
    case 'kvlistValue':
      return keyValues(v.kvlistValue?.values, limits, cuts, depth + 1);
    default:
      return null;
  }
}

export function keyValues(kvs: PbKeyValue[] | null | undefined, limits: AttributeLimits, cuts: Cuts, depth = 0, skip?: string): Attributes {
  const out: Attributes = {};
  let n = 0;
  for (const kv of kvs ?? []) {
    const key = kv.key ?? '';
    if (key === skip) continue;
    if (n >= limits.maxAttributes) {
      cuts.truncated++;
      break;
    }
    out[capString(key, 256, cuts)] = anyValue(kv.value, limits, cuts, depth);
    n++;
  }
  return out;
}

/** The reverse, for forwarding: a stored value as an OTLP AnyValue (integers as intValue). */
export function toAnyValue(v: AttributeValue): PbAnyValue {
  if (v === null) return {};
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(toAnyValue) } };
  return { kvlistValue: { values: toKeyValues(v) } };
}

export function toKeyValues(attrs: Attributes): PbKeyValue[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: toAnyValue(value) }));
}
