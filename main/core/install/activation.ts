import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { InstallComponentId } from '../../../common/install';
import { InstallError } from './errors';
import { installedVersions, linkedVersion, pointLink, readMarker, type RuntimeLayout } from './layout';

/**
 * Switching between installed versions. Data never moves: it lives in `<home>/data/<id>`, outside
 * `runtimes/`, so a switch changes only which binary runs on the component's next start.
 *
 * Upgrade protocol: install the new version beside the old one (its own dir), check it answers
 * `--version`, then `activate` it: `current` points at the new version and `previous` at the old one.
 * Once the supervisor has seen the new binary run (`running`), `confirm` removes every other version;
 * until then `rollback` switches back.
 */

/** Make `version` current, keeping the version it replaces as `previous`. */
export async function activate(layout: RuntimeLayout, id: InstallComponentId, version: string): Promise<{ previous: string | null }> {
  const dir = layout.versionDir(id, version);
  if (!(await readMarker(dir))) throw new InstallError('bad-archive', `${id} ${version} is not a complete install (${dir})`, `install ${id} ${version} again`);
  const before = await linkedVersion(layout.current(id));
  if (before === version) return { previous: await linkedVersion(layout.previous(id)) };
  await pointLink(layout.current(id), version);
  if (before && (await readMarker(layout.versionDir(id, before)))) await pointLink(layout.previous(id), before);
  return { previous: before };
}

/** Switch back to `previous` (after a new version failed to run). Returns the version now current. */
export async function rollback(layout: RuntimeLayout, id: InstallComponentId): Promise<string> {
  const previous = await linkedVersion(layout.previous(id));
  if (!previous || !(await readMarker(layout.versionDir(id, previous)))) {
    throw new InstallError('bad-archive', `${id} has no previous version to roll back to`, `install a known-good version of ${id} again`);
  }
  const failed = await linkedVersion(layout.current(id));
  await pointLink(layout.current(id), previous);
  if (failed && failed !== previous) await pointLink(layout.previous(id), failed);
  return previous;
}

/** The current version has run: remove every other installed version and the `previous` link. */
export async function confirm(layout: RuntimeLayout, id: InstallComponentId): Promise<string[]> {
  const current = await linkedVersion(layout.current(id));
  if (!current) return [];
  const removed: string[] = [];
  for (const version of await installedVersions(layout, id)) {
    if (version === current) continue;
    await rm(layout.versionDir(id, version), { recursive: true, force: true });
    removed.push(version);
  }
  await rm(layout.previous(id), { force: true });
  return removed;
}

/** The version `current` points at when it is a complete install; null otherwise. */
export async function currentVersion(layout: RuntimeLayout, id: InstallComponentId): Promise<string | null> {
  const version = await linkedVersion(layout.current(id));
  if (!version) return null;
  return (await readMarker(layout.versionDir(id, version))) ? version : null;
}

/** Absolute binary paths of the current install (through the version dir, not the link), or null. */
export async function currentBinaries(layout: RuntimeLayout, id: InstallComponentId): Promise<Record<string, string> | null> {
  const version = await currentVersion(layout, id);
  if (!version) return null;
  const dir = layout.versionDir(id, version);
  const marker = await readMarker(dir);
  if (!marker) return null;
  return Object.fromEntries(Object.entries(marker.binaries).map(([name, rel]) => [name, path.join(dir, rel)]));
}
