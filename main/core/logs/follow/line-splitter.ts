/** One complete line cut from a file, with where it sits in the file. */
export interface SplitLine {
  text: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte offset just past its newline: where reading resumes once this line is handed on. */
  end: number;
  /** The line was longer than the cap: `text` holds its first `maxLineBytes` bytes, the rest was skipped. */
  truncated: boolean;
}

export interface LineSplitter {
  /** Feed the bytes read at file offset `at` (always where the previous chunk ended); returns the lines they completed. */
  push(chunk: Buffer, at: number): SplitLine[];
  /** The bytes held after the last newline, as a final line (the file is finished: rotated away or deleted); null when none. */
  flush(): SplitLine | null;
  /** Where reading resumes if everything returned so far is handed on: just past the last complete line. */
  readonly committed: number;
  /** Bytes held waiting for their newline. */
  readonly pendingBytes: number;
}

const NL = 0x0a;
const CR = 0x0d;

/** Back off from `end` to a UTF-8 character boundary, so a cut line does not end in half a character. */
function charBoundary(buf: Buffer, start: number, end: number): number {
  let lead = end - 1;
  while (lead > start && lead > end - 4 && (buf[lead]! & 0xc0) === 0x80) lead--;
  const c = buf[lead]!;
  const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  return lead + len > end ? lead : end;
}

/**
 * Decode a line. Invalid UTF-8 becomes U+FFFD (Buffer's decoder does that, one per bad sequence), NUL
 * too, since NUL ends strings in C and some stores; other control bytes stay as they are (ANSI colours
 * are common in logs). A Windows line ending's CR is dropped.
 */
function decode(buf: Buffer, start: number, end: number): string {
  if (end > start && buf[end - 1] === CR) end--;
  const s = buf.toString('utf8', start, end);
  return s.indexOf('\0') === -1 ? s : s.replaceAll('\0', '\uFFFD');
}

/**
 * Cuts bytes into lines, holding a partial last line until its newline. A line longer than
 * `maxLineBytes` is never buffered whole: its first `maxLineBytes` are kept, the rest is skipped, and at
 * its newline it is emitted marked `truncated` (so its `end` is still a real line boundary to resume at).
 */
export function createLineSplitter(startOffset: number, maxLineBytes: number): LineSplitter {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  /** File offset of the first pending byte (the start of the line being assembled). */
  let lineStart = startOffset;
  /** The line being assembled went past the cap: `pending` holds its head, further bytes are dropped. */
  let overflow = false;
  /** Bytes of the current line dropped past the cap (so a flushed line still knows where it ended). */
  let dropped = 0;
  let committed = startOffset;

  function hold(piece: Buffer): void {
    if (overflow) {
      dropped += piece.length;
      return;
    }
    if (pendingLen + piece.length > maxLineBytes) {
      dropped += pendingLen + piece.length - maxLineBytes;
      piece = piece.subarray(0, maxLineBytes - pendingLen);
      overflow = true;
    }
    pending.push(piece);
    pendingLen += piece.length;
  }

  function take(end: number): SplitLine {
    const whole = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLen);
    const cut = overflow ? charBoundary(whole, 0, whole.length) : whole.length;
    const line: SplitLine = { text: decode(whole, 0, cut), offset: lineStart, end, truncated: overflow };
    pending = [];
    pendingLen = 0;
    overflow = false;
    dropped = 0;
    committed = end;
    lineStart = end;
    return line;
  }

  return {
    push(chunk, at) {
      const lines: SplitLine[] = [];
      let pos = 0;
      while (pos < chunk.length) {
        const nl = chunk.indexOf(NL, pos);
        if (nl === -1) {
          hold(chunk.subarray(pos));
          break;
        }
        const end = at + nl + 1;
        if (pendingLen === 0 && !overflow && nl - pos <= maxLineBytes) {
          // The common case: a whole line inside one chunk, decoded straight from it.
          lines.push({ text: decode(chunk, pos, nl), offset: at + pos, end, truncated: false });
          committed = end;
          lineStart = end;
        } else {
          hold(chunk.subarray(pos, nl));
          lines.push(take(end));
        }
        pos = nl + 1;
      }
      return lines;
    },
    flush() {
      if (pendingLen === 0 && !overflow) return null;
      return take(lineStart + pendingLen + dropped);
    },
    get committed() {
      return committed;
    },
    get pendingBytes() {
      return pendingLen;
    },
  };
}
