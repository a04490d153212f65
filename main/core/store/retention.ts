/**
 * Retention by age and by size.
 *
 * What DuckDB does with freed space (measured in store.test.ts, DuckDB 1.5): a DELETE marks rows;
 * the next CHECKPOINT drops row groups that are entirely deleted and rewrites mostly-deleted ones, and
 * their blocks go on a free list that new data reuses. The file does not shrink in place (VACUUM does
 * not return space in DuckDB) except that free blocks at its end are truncated, so under steady
 * traffic the file stops growing at about the retained data plus one retention step. The size limit
 * is therefore checked against the *used* blocks (`PRAGMA database_size`) plus the write-ahead log,
 * not the file length, or a file with free blocks would trigger deletions forever.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { num, rows } from './sql';

export interface RetentionLimits {
  /** Delete rows older than this (µs). */
  maxAgeUs: number;
  /** Keep the used size under this many bytes. */
  maxSizeBytes: number;
}

export interface RetentionResult {
  deletedSpans: number;
  deletedLogs: number;
  /** Used bytes before and after. */
  usedBytesBefore: number;
  usedBytesAfter: number;
  /** True when the size limit (not only the age) made rows go. */
  sizeLimited: boolean;
}

/** Used blocks × block size + WAL: what the data takes, as opposed to the file's length. */
export async function usedBytes(conn: DuckDBConnection): Promise<number> {
  const [r] = await rows(conn, `SELECT used_blocks, block_size, wal_size FROM pragma_database_size() LIMIT 1`);
  if (!r) return 0;
  return num(r.used_blocks) * num(r.block_size) + parseSize(String(r.wal_size ?? '0'));
}

/** DuckDB prints the WAL size as "6.0 MiB" / "0 bytes". */
function parseSize(s: string): number {
  const m = /^([\d.]+)\s*(bytes|KiB|MiB|GiB|TiB|KB|MB|GB|TB)?/.exec(s.trim());
  if (!m) return 0;
  const unit = m[2] ?? 'bytes';
  const pow = { bytes: 0, KiB: 1, MiB: 2, GiB: 3, TiB: 4, KB: 1, MB: 2, GB: 3, TB: 4 }[unit] ?? 0;
  const base = unit.endsWith('iB') ? 1024 : unit === 'bytes' ? 1 : 1000;
  return Number(m[1]) * base ** pow;
}

async function deleteBefore(conn: DuckDBConnection, spansCutoffUs: number | null, logsCutoffUs: number | null): Promise<{ spans: number; logs: number }> {
  let spans = 0;
  let logs = 0;
  if (spansCutoffUs !== null) {
    const c = BigInt(Math.floor(spansCutoffUs));
    spans = (await conn.run(`DELETE FROM spans WHERE start_us < $1`, [c])).rowsChanged;
    await conn.run(`DELETE FROM trace_parts WHERE start_us < $1`, [c]);
  }
  if (logsCutoffUs !== null) {
    logs = (await conn.run(`DELETE FROM logs WHERE time_us < $1`, [BigInt(Math.floor(logsCutoffUs))])).rowsChanged;
  }
  return { spans, logs };
}

/**
 * Delete what is older than the age limit; then, while the used size is above the size limit, delete
 * the oldest share of spans and logs that brings it to 90 % of the limit (by the time quantile of
 * each table, so both pillars give up their oldest data alike). Each step ends with a CHECKPOINT so
 * the freed blocks are reusable at once.
 */
export async function applyRetention(conn: DuckDBConnection, limits: RetentionLimits, nowUs: number): Promise<RetentionResult> {
  const before = await usedBytes(conn);
  const cutoff = nowUs - limits.maxAgeUs;
  const aged = await deleteBefore(conn, cutoff, cutoff);
  let deletedSpans = aged.spans;
  let deletedLogs = aged.logs;
  if (aged.spans + aged.logs > 0) await conn.run('CHECKPOINT');
  let used = await usedBytes(conn);
  let sizeLimited = false;
  for (let step = 0; step < 4 && used > limits.maxSizeBytes; step++) {
    sizeLimited = true;
    const share = Math.min(0.9, Math.max(0.05, 1 - (0.9 * limits.maxSizeBytes) / used));
    const [s] = await rows(conn, `SELECT quantile_disc(start_us, $1) AS c FROM spans`, [share]);
    const [l] = await rows(conn, `SELECT quantile_disc(time_us, $1) AS c FROM logs`, [share]);
    const spansCut = s?.c === null || s?.c === undefined ? null : num(s.c) + 1;
    const logsCut = l?.c === null || l?.c === undefined ? null : num(l.c) + 1;
    if (spansCut === null && logsCut === null) break;
    const d = await deleteBefore(conn, spansCut, logsCut);
    deletedSpans += d.spans;
    deletedLogs += d.logs;
    await conn.run('CHECKPOINT');
    used = await usedBytes(conn);
  }
  return { deletedSpans, deletedLogs, usedBytesBefore: before, usedBytesAfter: used, sizeLimited };
}
