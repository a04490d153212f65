import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

/** A query's rows as plain JS objects (BIGINT as bigint, DOUBLE as number, lists as arrays). */
export async function rows(conn: DuckDBConnection, sql: string, params: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

/** A bigint, number or null column as a number (µs fit a double exactly). */
export function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number(v ?? 0);
}

export function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** A stored JSON column, or `fallback` when it does not parse (it always should). */
export function json<T>(v: unknown, fallback: T): T {
  if (typeof v !== 'string') return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}

/** Clamp a requested limit into [1, max], `fallback` when absent or not a number. */
export function limitOf(v: number | undefined, fallback: number, max: number): number {
  if (v === undefined || !Number.isFinite(v)) return fallback;
  return Math.max(1, Math.min(max, Math.floor(v)));
}

export const HOUR_US = 3_600_000_000;

/**
 * Records stamped by a service whose clock runs a little ahead must still show in "the last hour":
 * without an explicit end, the query's upper bound is this far past now (the reported window stays
 * `[from, now)`).
 */
const CLOCK_SKEW_US = 5 * 60_000_000;

/** The window a query covers: `[from, to)` in µs, defaulting to the hour before now; `boundUs` is the bound to query with. */
export function windowOf(q: { fromUs?: number; toUs?: number }, nowUs: number, defaultUs = HOUR_US): { fromUs: number; toUs: number; boundUs: number } {
  const toUs = q.toUs ?? nowUs;
  return { fromUs: q.fromUs ?? toUs - defaultUs, toUs, boundUs: q.toUs ?? nowUs + CLOCK_SKEW_US };
}
