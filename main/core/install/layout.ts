import { randomBytes } from 'node:crypto';
import { readdir, readFile, readlink, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { InstallComponentId } from '../../../common/install';
import { DEFAULT_SEARCH_DIRS, type BinarySearch } from '../stack/binaries';

/**
 * Where release installs live, beside (never inside) the data dirs:
 *
 *   <home>/runtimes/<id>/<version>/          one unpacked release (binaries at its top level)
 *   <home>/runtimes/<id>/<version>/.lookout-install.json   written last: the install is complete
 *   <home>/runtimes/<id>/current  → <version>   what Lookout runs (the binary search looks here)
 *   <home>/runtimes/<id>/previous → <version>   the version before the last switch, kept for rollback
 *   <home>/runtimes/.downloads/<archive>.part   an interrupted download, resumed next time
 *
 * Links are relative, so a home that moves keeps working.
 */
export interface RuntimeLayout {
  root: string;
  downloads: string;
  componentDir(id: InstallComponentId): string;
  versionDir(id: InstallComponentId, version: string): string;
  current(id: InstallComponentId): string;
  previous(id: InstallComponentId): string;
}

/** File written into a version dir once it is complete and verified. */
export const MARKER = '.lookout-install.json';

/** What the marker records. */
export interface InstallMarker {
  component: InstallComponentId;
  version: string;
  archive: string;
  sha256: string;
  /** Binary name → path relative to the version dir. */
  binaries: Record<string, string>;
  installedAt: string;
}

export function runtimeLayout(home: string): RuntimeLayout {
  const root = path.join(home, 'runtimes');
  return {
    root,
    downloads: path.join(root, '.downloads'),
    componentDir: (id) => path.join(root, id),
    versionDir: (id, version) => path.join(root, id, version),
    current: (id) => path.join(root, id, 'current'),
    previous: (id) => path.join(root, id, 'previous'),
  };
}

/** True for a version string safe to use as a directory name (no separators, no dot-dirs). */
export function isSafeVersion(version: string): boolean {
  return /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/.test(version) && !version.includes('..') && version.length <= 64;
}

/** The version a link (current/previous) points at, or null when there is none. */
export async function linkedVersion(link: string): Promise<string | null> {
  try {
    const target = await readlink(link);
    return path.basename(target);
  } catch {
    return null;
  }
}

/** Point `link` at `version` in one step: a new link beside it, renamed over the old one. */
export async function pointLink(link: string, version: string): Promise<void> {
  const tmp = `${link}.tmp-${randomBytes(4).toString('hex')}`;
  await symlink(version, tmp);
  try {
    await rename(tmp, link);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** The marker of a complete install, or null (absent, unreadable, or not for this version). */
export async function readMarker(dir: string): Promise<InstallMarker | null> {
  try {
    const m = JSON.parse(await readFile(path.join(dir, MARKER), 'utf8')) as InstallMarker;
    return m && typeof m.version === 'string' && m.binaries && typeof m.binaries === 'object' ? m : null;
  } catch {
    return null;
  }
}

/** Complete installs of a component (version dirs with a marker), in no particular order. */
export async function installedVersions(layout: RuntimeLayout, id: InstallComponentId): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(layout.componentDir(id));
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    if (name.startsWith('.') || name === 'current' || name === 'previous' || name.includes('.tmp-')) continue;
    if (await readMarker(path.join(layout.componentDir(id), name))) out.push(name);
  }
  return out;
}

/** The search for one component: Lookout's release install of it first, then the usual places. */
export function componentSearch(home: string, id: InstallComponentId, search: Omit<BinarySearch, 'override'>): Omit<BinarySearch, 'override'> {
  return { ...search, searchDirs: [runtimeLayout(home).current(id), ...(search.searchDirs ?? DEFAULT_SEARCH_DIRS)] };
}
