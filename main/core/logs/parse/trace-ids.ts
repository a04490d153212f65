/** Trace and span ids as the store keeps them: lower-case hex of the right length, never all zeros (W3C Trace Context). */

const HEX32 = /^[0-9a-fA-F]{32}$/;
const HEX16 = /^[0-9a-fA-F]{16}$/;
const ZERO32 = '0'.repeat(32);
const ZERO16 = '0'.repeat(16);

export function normalizeTraceId(value: unknown): string | null {
  if (typeof value !== 'string' || !HEX32.test(value)) return null;
  const id = value.toLowerCase();
  return id === ZERO32 ? null : id;
}

export function normalizeSpanId(value: unknown): string | null {
  if (typeof value !== 'string' || !HEX16.test(value)) return null;
  const id = value.toLowerCase();
  return id === ZERO16 ? null : id;
}

/** A W3C `traceparent` header value (`00-<trace id>-<parent id>-<flags>`): its trace and span ids, or null. */
export function parseTraceparent(value: unknown): { traceId: string; spanId: string } | null {
  if (typeof value !== 'string' || value.length < 55) return null;
  const parts = value.trim().split('-');
  if (parts.length < 4 || !/^[0-9a-f]{2}$/.test(parts[0]!) || parts[0] === 'ff') return null;
  const traceId = normalizeTraceId(parts[1]);
  const spanId = normalizeSpanId(parts[2]);
  return traceId && spanId ? { traceId, spanId } : null;
}
