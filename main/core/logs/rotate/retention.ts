import fsp from 'node:fs/promises';
import path from 'node:path';
import { isRotatedCopyOf } from './rotated-name';

export interface RetentionPolicy {
  /** Rotated copies older than this (by modification time) are deleted. */
  maxAgeMs: number;
  /** Then the oldest are deleted while all rotated copies together are larger than this. */
  maxTotalBytes: number;
}

/**
 * Apply retention to the rotated copies of `files` (all of them together: one budget for every log
 * Lookout writes, so the disk figure the user set is the one that holds). Live files are never deleted.
 * Returns what was deleted.
 */
export async function sweepRotated(files: readonly string[], policy: RetentionPolicy, nowMs: number): Promise<string[]> {
  const copies: { p: string; mtime: number; size: number }[] = [];
  const dirs = new Map<string, string[]>();
  for (const f of files) dirs.set(path.dirname(f), [...(dirs.get(path.dirname(f)) ?? []), f]);
  for (const [dir, owners] of dirs) {
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const p = path.join(dir, name);
      if (!owners.some((o) => isRotatedCopyOf(o, p))) continue;
      const st = await fsp.stat(p).catch(() => null);
      if (st?.isFile()) copies.push({ p, mtime: st.mtimeMs, size: st.size });
    }
  }
  copies.sort((a, b) => a.mtime - b.mtime || a.p.localeCompare(b.p));
  const deleted: string[] = [];
  let total = copies.reduce((s, c) => s + c.size, 0);
  for (const c of copies) {
    if (nowMs - c.mtime > policy.maxAgeMs || total > policy.maxTotalBytes) {
      await fsp.rm(c.p, { force: true });
      deleted.push(c.p);
      total -= c.size;
    }
  }
  return deleted;
}
