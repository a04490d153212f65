import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Where packaged Grafanas keep their homepath (conf/defaults.ini, public/): Homebrew's opt link and
 * share dir (Apple silicon, then Intel), then the Debian/RPM package's.
 */
export const HOMEPATH_DIRS = [
  '/opt/homebrew/opt/grafana/share/grafana',
  '/opt/homebrew/share/grafana',
  '/usr/local/opt/grafana/share/grafana',
  '/usr/local/share/grafana',
  '/usr/share/grafana',
];

/** A Grafana homepath is recognised by the defaults file Grafana refuses to start without. */
export const DEFAULTS_FILE = path.join('conf', 'defaults.ini');

/**
 * Candidate homepaths for a binary, most specific first: a tarball keeps conf/ one level above bin/,
 * a Homebrew keg keeps it in share/grafana beside bin/ (the binary is a symlink into the keg).
 */
export function homepathCandidates(binary: string | null, realpath: (p: string) => string = realpathSync): string[] {
  const out: string[] = [];
  if (binary) {
    for (const file of new Set([binary, safe(realpath, binary)])) {
      if (!file) continue;
      const root = path.dirname(path.dirname(file));
      out.push(root, path.join(root, 'share', 'grafana'));
    }
  }
  return [...new Set([...out, ...HOMEPATH_DIRS])];
}

function safe(fn: (p: string) => string, p: string): string | null {
  try {
    return fn(p);
  } catch {
    return null;
  }
}

/**
 * The homepath to pass as --homepath: the setting when given (used as is, so the user stays in control),
 * else the first candidate holding conf/defaults.ini, else null (Grafana would refuse to start).
 */
export function resolveHomepath(
  setting: string | undefined,
  binary: string | null,
  exists: (p: string) => boolean = existsSync,
  realpath?: (p: string) => string,
): string | null {
  if (setting) return setting;
  return homepathCandidates(binary, realpath).find((dir) => exists(path.join(dir, DEFAULTS_FILE))) ?? null;
}
