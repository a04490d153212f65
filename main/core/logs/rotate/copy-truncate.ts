import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { rotatedBase } from './rotated-name';

export interface CopyTruncateOptions {
  now: Date;
  /** Runs after the copy and before the truncation: the follower reads the file to its end here. */
  beforeTruncate?: () => Promise<void>;
}

/** Where the copy waits, uncompressed, until it is gzip'd (the follower can still read a missed tail from it). */
const PENDING = '.rotating';

/**
 * Rotate a file that another process holds open for appending (a component's log, a demo service's):
 * it cannot be renamed (the writer would keep writing to the renamed file), so it is copied and
 * truncated in place, and the copy is gzip'd. The order keeps the loss window as small as it can be
 * without the writer's help:
 *   1. copy the file (a kernel copy) to `<rotated>.rotating`;
 *   2. `beforeTruncate` (the follower reads the live file to its end);
 *   3. synchronously append to the copy what was written since step 1, and truncate at once: only what
 *      the writer writes between that last read and the truncate call itself (microseconds, with no
 *      await in between) can be lost;
 *   4. gzip the copy to `<rotated>.gz` and remove it.
 * Returns the .gz path, or null when the file is absent or empty.
 */
export async function copyTruncateRotate(file: string, opts: CopyTruncateOptions): Promise<string | null> {
  const st = await fsp.stat(file).catch(() => null);
  if (!st || st.size === 0) return null;
  let index = 1;
  let base = rotatedBase(file, opts.now, index);
  while (fs.existsSync(`${base}.gz`) || fs.existsSync(`${base}${PENDING}`)) base = rotatedBase(file, opts.now, ++index);
  const pending = `${base}${PENDING}`;
  await fsp.copyFile(file, pending);
  await fsp.chmod(pending, 0o600);
  await opts.beforeTruncate?.();
  catchUpAndTruncate(file, pending);
  const gz = `${base}.gz`;
  await pipeline(fs.createReadStream(pending), createGzip(), fs.createWriteStream(gz, { mode: 0o600 }));
  await fsp.rm(pending);
  return gz;
}

/** Step 3, synchronous on purpose: no other code of ours runs between the last read and the truncation. */
function catchUpAndTruncate(file: string, copy: string): void {
  const src = fs.openSync(file, 'r+');
  const dst = fs.openSync(copy, 'a');
  try {
    let pos = fs.fstatSync(dst).size;
    const buf = Buffer.allocUnsafe(256 * 1024);
    for (;;) {
      const n = fs.readSync(src, buf, 0, buf.length, pos);
      if (n === 0) break;
      fs.writeSync(dst, buf, 0, n);
      pos += n;
    }
    fs.ftruncateSync(src, 0);
  } finally {
    fs.closeSync(src);
    fs.closeSync(dst);
  }
}
