import { constants as fsc } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { CommandRunner } from '../ports';

/** Homebrew's prefixes (Apple silicon, then Intel), searched before PATH because GUI apps get a minimal PATH. */
export const DEFAULT_SEARCH_DIRS = ['/opt/homebrew/bin', '/usr/local/bin'];

/** Where to look for a binary. */
export interface BinarySearch {
  /** Absolute path from settings; used when it is an executable file, otherwise the search goes on. */
  override?: string;
  /** Searched before PATH (default: DEFAULT_SEARCH_DIRS). */
  searchDirs?: string[];
  /** A PATH-style list (default: process.env.PATH). */
  envPath?: string;
}

/** True for an executable regular file (a directory passes X_OK too, so check the type as well). */
export async function isExecutable(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return false;
    await fs.access(file, fsc.X_OK);
    return true;
  } catch {
    return false;
  }
}

function searchPath(opts: BinarySearch): string[] {
  const fromEnv = (opts.envPath ?? process.env.PATH ?? '').split(path.delimiter);
  // Relative PATH entries (including the empty one, meaning cwd) would make the result depend on where we were started.
  const dirs = [...(opts.searchDirs ?? DEFAULT_SEARCH_DIRS), ...fromEnv].filter((d) => path.isAbsolute(d));
  return [...new Set(dirs)];
}

/** Why a `binary` setting cannot be used (so the search went on without it), or null when it can. */
export async function overrideProblem(override: string): Promise<string | null> {
  if (!path.isAbsolute(override)) return 'is not an absolute path';
  try {
    const st = await fs.stat(override);
    if (!st.isFile()) return 'is not a file';
    await fs.access(override, fsc.X_OK);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not executable';
  }
}

/**
 * Find a component binary. Order: the settings override, then each search dir, then each PATH dir;
 * within a dir, names in the given order (Homebrew's name first, then Debian's).
 * Returns the absolute path, or null when nothing executable was found.
 */
export async function findBinary(names: string[], opts: BinarySearch = {}): Promise<string | null> {
  if (opts.override && path.isAbsolute(opts.override) && (await isExecutable(opts.override))) return opts.override;
  for (const dir of searchPath(opts)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

/** Validation tools that ship with a component. */
export type ToolName = 'promtool' | 'amtool';

/**
 * Find promtool/amtool, preferring the one beside the component binary so that the validator matches the
 * version that will load the config (a Homebrew symlink and its Cellar target are both tried).
 */
export async function findTool(name: ToolName, nearBinary: string | null, opts: Omit<BinarySearch, 'override'> = {}): Promise<string | null> {
  if (nearBinary) {
    const dirs = [path.dirname(nearBinary)];
    const real = await fs.realpath(nearBinary).catch(() => null);
    if (real) dirs.push(path.dirname(real));
    for (const dir of new Set(dirs)) {
      const candidate = path.join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return findBinary([name], { searchDirs: opts.searchDirs, envPath: opts.envPath });
}

/**
 * Pull the version out of `--version` output: "prometheus, version 2.42.0+ds (branch: ...)" → "2.42.0+ds".
 * Also accepts "version v1.2.3" and "Version 10.0.0" (Grafana); null when no version is recognisable.
 */
export function parseVersion(output: string): string | null {
  const m = /\bversion\s+v?(\d+\.\d+(?:\.\d+)?[^\s,()]*)/i.exec(output);
  return m ? m[1]! : null;
}

// Keyed by path, mtime and size: a reinstall (brew upgrade, apt upgrade) changes them, so no invalidation is needed.
const versionCache = new Map<string, Promise<string | null>>();

/**
 * Run `<binary> --version` (5 s timeout) and parse it. Tools print it on stdout or stderr depending on
 * their age, so both are read. Cached per binary file state, so calling it on every status refresh is cheap.
 */
export async function readVersion(binary: string, runner: CommandRunner): Promise<string | null> {
  let st;
  try {
    st = await fs.stat(binary);
  } catch {
    return null;
  }
  const key = `${binary}\0${st.mtimeMs}\0${st.size}`;
  let pending = versionCache.get(key);
  if (!pending) {
    pending = runner
      .run(binary, ['--version'], { timeoutMs: 5_000 })
      .then((r) => {
        const version = parseVersion(r.stdout) ?? parseVersion(r.stderr);
        // A timeout on a busy machine is worth retrying later; a binary that printed no version is not.
        if (version === null && r.code === null) versionCache.delete(key);
        return version;
      })
      .catch(() => {
        versionCache.delete(key);
        return null;
      });
    versionCache.set(key, pending);
  }
  return pending;
}
