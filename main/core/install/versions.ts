/**
 * Compare two release versions ("3.14.0", "v0.34.0", "2.42.0+ds", "1.12.0-rc.1"): negative when a < b.
 * Numeric parts compare as numbers; build metadata (+…) is ignored; a pre-release (-…) sorts before the
 * release it precedes, as in semver. Unparseable parts compare as text, so the order is total.
 */
export function compareVersions(a: string, b: string): number {
  const pa = split(a);
  const pb = split(b);
  for (let i = 0; i < Math.max(pa.core.length, pb.core.length); i++) {
    const d = (pa.core[i] ?? 0) - (pb.core[i] ?? 0);
    if (d !== 0) return d;
  }
  if (pa.pre === pb.pre) return 0;
  if (pa.pre === null) return 1;
  if (pb.pre === null) return -1;
  return pa.pre.localeCompare(pb.pre, 'en', { numeric: true });
}

function split(v: string): { core: number[]; pre: string | null } {
  const clean = v.trim().replace(/^v/i, '').split('+')[0]!;
  const dash = clean.indexOf('-');
  const core = (dash === -1 ? clean : clean.slice(0, dash)).split('.').map((n) => (/^\d+$/.test(n) ? Number(n) : 0));
  return { core, pre: dash === -1 ? null : clean.slice(dash + 1) };
}

/** True when `candidate` is a newer version than `installed` (a missing install counts as older than anything). */
export function isNewer(candidate: string, installed: string | null): boolean {
  return installed === null || compareVersions(candidate, installed) > 0;
}
