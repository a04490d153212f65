/**
 * Lines from a byte stream, one per `\n`, exactly: a last line without its `\n` still counts, a
 * trailing `\n` adds no empty line, `\r\n` loses its `\r`, and invalid UTF-8 becomes U+FFFD instead of
 * an error. Each line is cut at `maxLineBytes` (the rest is skipped up to the next `\n`), so a file
 * without line breaks, or a 1 GB line, costs bounded memory. node:readline is not used because it also
 * breaks at a lone `\r`, which would give a different line count from `wc -l`.
 */
import type { Readable } from 'node:stream';

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/** Yield the lines of `input` in order, decoded as UTF-8 with replacement characters. */
export async function* readLines(input: Readable, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  // Pieces of the current line, at most maxLineBytes of them; `pending` while a line has begun.
  let parts: Buffer[] = [];
  let kept = 0;
  let pending = false;
  const take = (b: Buffer, copy: boolean) => {
    const room = maxLineBytes - kept;
    if (room <= 0) return;
    const piece = b.length > room ? b.subarray(0, room) : b;
    // A line's tail is copied: the stream may reuse its chunk's memory once we ask for the next one.
    parts.push(copy ? Buffer.from(piece) : piece);
    kept += piece.length;
  };
  const finish = (): string => {
    let buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (buf.length && buf[buf.length - 1] === 13) buf = buf.subarray(0, buf.length - 1);
    parts = [];
    kept = 0;
    pending = false;
    return decoder.decode(buf);
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      take(buf.subarray(start, nl), false);
      yield finish();
      start = nl + 1;
    }
    if (start < buf.length) {
      take(buf.subarray(start), true);
      pending = true;
    }
  }
  if (pending) yield finish();
}
