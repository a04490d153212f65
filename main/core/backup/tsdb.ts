/**
 * Capturing Prometheus' TSDB consistently. A running Prometheus is asked for a snapshot
 * (`POST /api/v1/admin/tsdb/snapshot`: the head is written as a block and every block hard-linked
 * into data/snapshots/<name>, so it costs no copy); Lookout only enables that admin API behind
 * lock-down. A Prometheus that is not running is copied as it lies (nothing writes to it).
 */
import { cp, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { StackAccess } from '../lockdown/access';

export interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats?: { numSamples?: number; numSeries?: number };
}

/** The blocks (dirs with a meta.json) in a TSDB dir. */
export async function readBlocks(dir: string): Promise<BlockMeta[]> {
  const out: BlockMeta[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (!e.isDirectory()) continue;
    try {
      out.push(JSON.parse(await readFile(path.join(dir, e.name, 'meta.json'), 'utf8')) as BlockMeta);
    } catch {
      // not a block (wal/, chunks_head/, snapshots/)
    }
  }
  return out;
}

/** Figures of a captured TSDB for the manifest. */
export function tsdbFigures(blocks: BlockMeta[]): { blocks: number; samples: number; minTime: number | null; maxTime: number | null } {
  return {
    blocks: blocks.length,
    samples: blocks.reduce((n, b) => n + (b.stats?.numSamples ?? 0), 0),
    minTime: blocks.length ? Math.min(...blocks.map((b) => b.minTime)) : null,
    // meta.json's maxTime is exclusive.
    maxTime: blocks.length ? Math.max(...blocks.map((b) => b.maxTime)) - 1 : null,
  };
}

/**
 * The verification window: from the first sample to 15 s before the last. A series whose first sample
 * falls in the last seconds before a snapshot may be mid-append (a scrape's samples carry its start time,
 * up to its 10 s timeout earlier); the margin keeps the count the same on both sides.
 */
export const VERIFY_MARGIN_MS = 15_000;

/** Series with samples in [start, end] (epoch ms), counted by Prometheus' series API. */
export async function countSeries(access: StackAccess, start: number, end: number, timeoutMs = 120_000): Promise<number> {
  const q = new URLSearchParams({ 'match[]': '{__name__=~".+"}', start: String(start / 1000), end: String(end / 1000) });
  const res = await fetch(`${access.baseUrl('prometheus')}/api/v1/series?${q}`, { headers: await access.headers('prometheus'), signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json().catch(() => null)) as { status?: string; data?: unknown[]; error?: string } | null;
  if (!res.ok || body?.status !== 'success' || !Array.isArray(body.data)) throw new Error(`Prometheus refused the series count: ${body?.error ?? `HTTP ${res.status}`}`);
  return body.data.length;
}

/**
 * Ask the running Prometheus for a snapshot and move it to `into` (same filesystem: a rename). Throws with
 * Prometheus' words when the admin API is off or refuses.
 */
export async function snapshotTsdb(access: StackAccess, dataDir: string, into: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${access.baseUrl('prometheus')}/api/v1/admin/tsdb/snapshot`, { method: 'POST', headers: await access.headers('prometheus'), signal: AbortSignal.timeout(300_000) });
  } catch (err) {
    throw new Error(`Prometheus did not answer the snapshot request: ${(err as Error).message}`, { cause: err });
  }
  const body = (await res.json().catch(() => null)) as { status?: string; data?: { name?: string }; error?: string } | null;
  const name = body?.data?.name;
  if (!res.ok || body?.status !== 'success' || !name || !/^[\w-]+$/.test(name)) throw new Error(`Prometheus refused the TSDB snapshot: ${body?.error ?? `HTTP ${res.status}`}`);
  const snapshot = path.join(dataDir, 'snapshots', name);
  try {
    await rename(snapshot, into);
  } catch (err) {
    // Another filesystem (the data dir was moved): copy, then drop the snapshot's hard links.
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await cp(snapshot, into, { recursive: true });
    await rm(snapshot, { recursive: true, force: true });
  }
}

/** Files of a stopped Prometheus that are not data: its lock and query log, earlier snapshots. */
const NOT_DATA = new Set(['lock', 'queries.active', 'snapshots']);

/** Copy a stopped Prometheus' data dir (blocks, WAL, head chunks) into `into`. */
export async function copyStoppedTsdb(dataDir: string, into: string): Promise<void> {
  await cp(dataDir, into, { recursive: true, filter: (src) => !NOT_DATA.has(path.relative(dataDir, src).split(path.sep)[0]!) });
}
