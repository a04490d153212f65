import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-write';
import type { Paths } from '../core/paths';

/** What a running `lookout serve` tells local clients (the CLI, scripts, benchmarks): where it is and how to get in. */
export interface ServeInfo {
  /** Base URL without the token, e.g. http://127.0.0.1:9469 */
  url: string;
  port: number;
  token: string;
  pid: number;
}

/**
 * Publish the running instance in paths.serveFile (0600: it holds the token). Written to a temp file and
 * renamed, so a reader never sees half a file.
 */
export async function writeServeFile(paths: Pick<Paths, 'serveFile'>, info: ServeInfo): Promise<void> {
  await mkdir(path.dirname(paths.serveFile), { recursive: true });
  await writeFileAtomic(paths.serveFile, `${JSON.stringify(info, null, 2)}\n`);
}

/**
 * Remove the serve file on shutdown, but only if it still names `pid`: a second instance that started
 * since (on another port) owns it now. Returns true when the file was removed.
 */
export async function removeServeFile(paths: Pick<Paths, 'serveFile'>, pid: number = process.pid): Promise<boolean> {
  const current = await readServeInfo(paths.serveFile);
  if (!current || current.pid !== pid) return false;
  await rm(paths.serveFile, { force: true });
  return true;
}

/**
 * The running instance of this home, or null when there is none: no file, an unreadable one, or one left
 * behind by a process that is gone (a crash skips the cleanup).
 */
export async function readServeFile(paths: Pick<Paths, 'serveFile'>): Promise<ServeInfo | null> {
  const info = await readServeInfo(paths.serveFile);
  return info && isAlive(info.pid) ? info : null;
}

async function readServeInfo(file: string): Promise<ServeInfo | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const { url, port, token, pid } = raw as Record<string, unknown>;
  if (typeof url !== 'string' || typeof port !== 'number' || typeof token !== 'string' || typeof pid !== 'number') return null;
  return { url, port, token, pid };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
