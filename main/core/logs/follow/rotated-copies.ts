import { createReadStream } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { HEAD_BYTES, headFingerprint, sameFile, type FileIdentity } from './identity';
import type { LineSplitter, SplitLine } from './line-splitter';

/**
 * Finding the rest of a file that was rotated while its tail was still unread. Both rotation styles
 * leave the old content beside the live file: a rename keeps the inode (`app.log.1`), a copy-truncate
 * leaves a copy with the same first line (`app.log.1`, or gzip'd: `app.log.1.gz`, Lookout's own
 * `app.log.<stamp>.gz`). The first line's fingerprint (or the inode) says which copy is ours.
 */

/** How many rotated siblings are looked at (newest first); older ones cannot hold the tail we missed. */
const CANDIDATES = 4;

/** Rotated siblings of `file` in its directory, newest first. */
export async function rotatedSiblings(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const found: { p: string; mtime: number }[] = [];
  for (const name of names) {
    if (name === base || !(name.startsWith(`${base}.`) || name.startsWith(`${base}-`)) || name.endsWith('.tmp')) continue;
    const p = path.join(dir, name);
    const st = await fsp.stat(p).catch(() => null);
    if (st?.isFile()) found.push({ p, mtime: st.mtimeMs });
  }
  return found.sort((a, b) => b.mtime - a.mtime).slice(0, CANDIDATES).map((f) => f.p);
}

function feed(splitter: LineSplitter, chunk: Buffer, at: number, out: SplitLine[]): void {
  for (const l of splitter.push(chunk, at)) out.push(l);
}

/** Read a plain copy from `offset` to its end, if it is the file `id` names. */
async function readPlainCopy(file: string, id: FileIdentity, offset: number, splitter: LineSplitter): Promise<SplitLine[] | null> {
  const handle = await fsp.open(file, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const st = await handle.stat();
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    const cand = { dev: st.dev, ino: st.ino, head: headFingerprint(head.subarray(0, bytesRead)) };
    const ours = sameFile(id, cand) || (id.head !== null && cand.head === id.head);
    if (!ours || st.size < offset) return null;
    const out: SplitLine[] = [];
    let pos = offset;
    const buf = Buffer.allocUnsafe(256 * 1024);
    for (;;) {
      const { bytesRead: n } = await handle.read(buf, 0, buf.length, pos);
      if (n === 0) break;
      feed(splitter, Buffer.from(buf.subarray(0, n)), pos, out);
      pos += n;
    }
    return out;
  } finally {
    await handle.close();
  }
}

/** Read a gzip'd copy from `offset` (in its uncompressed bytes) to its end, if its first line is the one `id` names. */
async function readGzipCopy(file: string, id: FileIdentity, offset: number, splitter: LineSplitter): Promise<SplitLine[] | null> {
  if (id.head === null) return null;
  const out: SplitLine[] = [];
  let pos = 0;
  let checked = false;
  let headBytes = Buffer.alloc(0);
  const source = createReadStream(file);
  const stream = createGunzip();
  source.on('error', (err) => stream.destroy(err));
  source.pipe(stream);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!checked) {
        headBytes = Buffer.concat([headBytes, chunk]);
        if (headBytes.indexOf(0x0a) === -1 && headBytes.length < HEAD_BYTES) continue;
        if (headFingerprint(headBytes) !== id.head) return null;
        checked = true;
        // Everything buffered so far is the copy from its first byte.
        if (headBytes.length > offset) feed(splitter, headBytes.subarray(offset), offset, out);
        pos = headBytes.length;
        continue;
      }
      const end = pos + chunk.length;
      if (end > offset) feed(splitter, chunk.subarray(Math.max(0, offset - pos)), Math.max(offset, pos), out);
      pos = end;
    }
  } catch {
    // A copy still being written or a damaged archive: whatever was read before the error is kept.
    if (!checked) return null;
  }
  return checked && pos >= offset ? out : null;
}

/**
 * The lines of `id`'s content from `offset` on, read from whichever rotated sibling of `file` holds it;
 * null when none does (the tail is then lost, and the caller reports it).
 */
export async function readRotatedTail(file: string, id: FileIdentity, offset: number, splitter: LineSplitter): Promise<{ from: string; lines: SplitLine[] } | null> {
  for (const cand of await rotatedSiblings(file)) {
    const lines = cand.endsWith('.gz') ? await readGzipCopy(cand, id, offset, splitter) : await readPlainCopy(cand, id, offset, splitter);
    if (lines) return { from: cand, lines };
  }
  return null;
}
