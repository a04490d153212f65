import path from 'node:path';

/**
 * Rotated copies are named `<file>.<YYYYMMDD-HHMMSS>[-N].gz` (UTC), beside the live file: sortable by
 * name, recognisable for retention, and never matched by the follower as a file of its own.
 */
const pad = (n: number) => String(n).padStart(2, '0');

export function rotationStamp(date: Date): string {
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
}

/** The rotated name without `.gz` (rotating-file-stream adds that itself). `index` > 1 tells apart two rotations in one second. */
export function rotatedBase(file: string, date: Date, index = 1): string {
  return `${file}.${rotationStamp(date)}${index > 1 ? `-${index}` : ''}`;
}

/** True for a rotated copy of `file` (by name). */
export function isRotatedCopyOf(file: string, candidate: string): boolean {
  if (path.dirname(candidate) !== path.dirname(file)) return false;
  const base = path.basename(file);
  const name = path.basename(candidate);
  return name.startsWith(`${base}.`) && /^\.\d{8}-\d{6}(-\d+)?\.gz$/.test(name.slice(base.length));
}
