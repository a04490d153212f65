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

/**
 * Whole generations the path held between two looks: created and rotated away before a poll saw them
 * (a writer rotating faster than the poll interval, or rotating-file-stream's close → gzip → unlink →
 * reopen while a poll waited). They are the rotated siblings modified after the previous generation was
 * opened whose first line is neither the previous generation's nor the new file's; each is read whole,
 * oldest first. Copies whose first line is not known yet (empty) are skipped.
 */
export async function readSkippedGenerations(file: string, previous: FileIdentity, openedAtMs: number, next: FileIdentity, maxLineBytes: number, newSplitter: (at: number, max: number) => LineSplitter): Promise<{ from: string; key: FileIdentity; lines: SplitLine[] }[]> {
  const found: { from: string; key: FileIdentity; lines: SplitLine[]; mtime: number }[] = [];
  for (const cand of await rotatedSiblings(file)) {
    const st = await fsp.stat(cand).catch(() => null);
    if (!st || st.mtimeMs < openedAtMs) continue;
    const head = await candidateHead(cand);
    if (head === null || head === previous.head || head === next.head) continue;
    if (!cand.endsWith('.gz') && st.ino === previous.ino && st.dev === previous.dev) continue;
    const id: FileIdentity = { dev: st.dev, ino: st.ino, head };
    const splitter = newSplitter(0, maxLineBytes);
    const lines = cand.endsWith('.gz') ? await readGzipCopy(cand, id, 0, splitter) : await readPlainCopy(cand, id, 0, splitter);
    if (!lines) continue;
    const last = splitter.flush();
    if (last) lines.push(last);
    found.push({ from: cand, key: id, lines, mtime: st.mtimeMs });
  }
  return found.sort((a, b) => a.mtime - b.mtime);
}

/** The first-line fingerprint of a rotated copy (through gunzip for .gz). */
async function candidateHead(file: string): Promise<string | null> {
  if (!file.endsWith('.gz')) {
    const handle = await fsp.open(file, 'r').catch(() => null);
    if (!handle) return null;
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
      return headFingerprint(buf.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  }
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);
  let bytes = Buffer.alloc(0);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      bytes = Buffer.concat([bytes, chunk]);
      if (bytes.indexOf(0x0a) !== -1 || bytes.length >= HEAD_BYTES) break;
    }
  } catch {
    return null;
  }
  return headFingerprint(bytes);
}
