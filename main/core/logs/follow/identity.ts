import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/**
 * What tells one file from another at the same path: the inode (a rename keeps it, a new file gets a
 * new one) and a fingerprint of the first line (a copy-truncate keeps the inode but the file starts
 * over with other content; a gzip'd rotated copy has a new inode but the same first line). The
 * fingerprint is of the first line, capped at HEAD_BYTES, so it is fixed once that line is complete —
 * and a line is only ever read once it is complete, so it is known before anything is read from the file.
 */
export interface FileIdentity {
  dev: number;
  ino: number;
  /** sha1 (hex, 16 chars) of the first line (or the first HEAD_BYTES); null while the file has no complete first line. */
  head: string | null;
}

export const HEAD_BYTES = 1024;

/** The fingerprint of a file's first bytes, or null when they hold no newline yet and fewer than HEAD_BYTES bytes. */
export function headFingerprint(bytes: Buffer): string | null {
  const nl = bytes.indexOf(0x0a);
  if (nl === -1 && bytes.length < HEAD_BYTES) return null;
  const end = nl === -1 ? HEAD_BYTES : Math.min(nl + 1, HEAD_BYTES);
  return createHash('sha1').update(bytes.subarray(0, end)).digest('hex').slice(0, 16);
}

export async function readHead(handle: FileHandle): Promise<string | null> {
  const buf = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
  return headFingerprint(buf.subarray(0, bytesRead));
}

export async function identityOf(handle: FileHandle): Promise<FileIdentity & { size: number }> {
  const st = await handle.stat();
  return { dev: st.dev, ino: st.ino, head: await readHead(handle), size: st.size };
}

/** Two identities name the same content when the inode matches and the first lines do not contradict it. */
export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && (a.head === null || b.head === null || a.head === b.head);
}

/** A stable key for the content (for `log.record.uid`): the inode and the first-line fingerprint. */
export function contentKey(id: FileIdentity): string {
  return `${id.ino.toString(36)}.${id.head ?? 'x'}`;
}
