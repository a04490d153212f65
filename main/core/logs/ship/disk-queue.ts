import path from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import type { LogRecord } from '../../store/records';
import { nodeFs, type LogFs } from '../fs-port';

/**
 * A bounded on-disk FIFO of log records for one ship target, so an unreachable target loses nothing up
 * to the cap and a restart of Lookout resumes where shipping stopped.
 *
 * Format: segment files `<n>.ndjson` (one JSON LogRecord per line, appended; a new segment past
 * `segmentBytes`) and `cursor.json` ({segment, offset}: the first byte not yet shipped, replaced
 * atomically after each acknowledged batch). Appends are buffered and written + fsync'd together by
 * `sync()` (the follower saves its offsets only after that, so a record is on disk before the line it
 * came from counts as read). A write that fails (a full disk) is undone by truncating the segment back,
 * the records stay buffered, and the next `sync()` tries again; `lastError` says why meanwhile.
 * The cap counts unshipped bytes on disk plus the buffer: once reached, new records are dropped and
 * counted (`append` returns how many), never older ones.
 */
export interface DiskQueue {
  open(): Promise<void>;
  /** Queue records; returns how many were taken and how many dropped because the cap was reached. */
  append(records: readonly LogRecord[]): { accepted: number; dropped: number };
  /** Write and fsync what `append` buffered. Throws (and keeps the records buffered) when the write fails. */
  sync(): Promise<void>;
  /** The oldest unshipped records (at most `maxRecords` / about `maxBytes`), or null when none is on disk. */
  peek(maxRecords: number, maxBytes: number): Promise<QueueBatch | null>;
  /** Mark a peeked batch shipped (or dropped): the cursor moves past it and finished segments are deleted. */
  ack(batch: QueueBatch): Promise<void>;
  /** Unshipped bytes (on disk and buffered). */
  bytes(): number;
  readonly maxBytes: number;
  /** Why the last write failed, or null. */
  readonly lastError: string | null;
  /** Lines found unreadable on disk (cut by a crash mid-write), skipped. */
  readonly corrupt: number;
  close(): Promise<void>;
}

export interface QueueBatch {
  records: LogRecord[];
  segment: number;
  /** Cursor offset after the batch. */
  end: number;
}

const cursorSchema = z.object({ segment: z.number().int().nonnegative(), offset: z.number().int().nonnegative() });
const WRITE_CHUNK = 16 * 1024;
const SEGMENT = /^(\d{10})\.ndjson$/;
const segName = (n: number) => `${String(n).padStart(10, '0')}.ndjson`;

export interface DiskQueueOptions {
  dir: string;
  maxBytes: number;
  segmentBytes?: number;
  fs?: LogFs;
}

/** write() may write less than asked (a filling disk does that before it says ENOSPC): go on until all is written or it fails. */
async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done);
    if (bytesWritten <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    done += bytesWritten;
  }
}

export function createDiskQueue(opts: DiskQueueOptions): DiskQueue {
  const fs = opts.fs ?? nodeFs;
  const segmentBytes = opts.segmentBytes ?? 4 * 1024 * 1024;
  const cursorFile = path.join(opts.dir, 'cursor.json');
  /** Segment number → size on disk, in order. */
  const segments = new Map<number, number>();
  let cursor = { segment: 0, offset: 0 };
  let buffer: string[] = [];
  let bufferBytes = 0;
  /** Bytes being written right now (out of the buffer, not yet counted on disk). */
  let inflightBytes = 0;
  let writer: { n: number; handle: FileHandle } | null = null;
  let lastError: string | null = null;
  let corrupt = 0;
  let syncing: Promise<void> | null = null;

  const onDisk = () => {
    let total = 0;
    for (const [n, size] of segments) if (n >= cursor.segment) total += n === cursor.segment ? size - cursor.offset : size;
    return Math.max(0, total);
  };

  async function writeCursor(next = cursor): Promise<void> {
    const tmp = `${cursorFile}.tmp`;
    const h = await fs.open(tmp, 'w', 0o600);
    try {
      await h.writeFile(JSON.stringify(next));
      await h.sync();
    } finally {
      await h.close();
    }
    await fs.rename(tmp, cursorFile);
    cursor = next;
  }

  async function doSync(): Promise<void> {
    if (bufferBytes === 0) return;
    const lastN = [...segments.keys()].at(-1);
    let n = lastN ?? cursor.segment;
    if (lastN === undefined || (segments.get(n) ?? 0) >= segmentBytes) n = lastN === undefined ? n : n + 1;
    if (!writer || writer.n !== n) {
      await writer?.handle.close();
      writer = { n, handle: await fs.open(path.join(opts.dir, segName(n)), 'a', 0o600) };
      if (!segments.has(n)) segments.set(n, 0);
    }
    // Take the buffer now: appends made while the write is under way go to a fresh one.
    const taken = buffer;
    buffer = [];
    bufferBytes = 0;
    inflightBytes = taken.reduce((t, l) => t + Buffer.byteLength(l), 0);
    // Written in chunks of whole lines, each fsync'd: on a nearly full disk what fits is written (and can
    // be shipped, freeing room) rather than nothing.
    let i = 0;
    while (i < taken.length) {
      const start = i;
      let chunk = 0;
      while (i < taken.length && (chunk === 0 || chunk + taken[i]!.length <= WRITE_CHUNK)) chunk += taken[i++]!.length;
      const data = Buffer.from(taken.slice(start, i).join(''));
      const before = segments.get(n)!;
      try {
        await writeAll(writer.handle, data);
        await writer.handle.sync();
      } catch (err) {
        // Undo a partial write, so the segment never holds half a record; what was not written goes back in front of the buffer.
        await writer.handle.truncate(before).catch(() => undefined);
        await writer.handle.close().catch(() => undefined);
        writer = null;
        const rest = taken.slice(start);
        buffer = rest.concat(buffer);
        bufferBytes += rest.reduce((t, l) => t + Buffer.byteLength(l), 0);
        inflightBytes = 0;
        lastError = `writing the shipping queue in ${opts.dir} failed: ${(err as Error).message}`;
        throw new Error(lastError, { cause: err });
      }
      segments.set(n, before + data.length);
      inflightBytes -= data.length;
    }
    inflightBytes = 0;
    lastError = null;
  }

  return {
    maxBytes: opts.maxBytes,
    get lastError() {
      return lastError;
    },
    get corrupt() {
      return corrupt;
    },
    async open() {
      await fs.mkdir(opts.dir, { recursive: true, mode: 0o700 });
      for (const name of (await fs.readdir(opts.dir)).sort()) {
        const m = SEGMENT.exec(name);
        if (m) segments.set(Number(m[1]), (await fs.stat(path.join(opts.dir, name))).size);
      }
      try {
        cursor = cursorSchema.parse(JSON.parse(await fs.readFile(cursorFile, 'utf8')));
      } catch {
        cursor = { segment: segments.keys().next().value ?? 0, offset: 0 };
      }
      // Segments before the cursor were shipped already (a crash between ack and delete).
      for (const n of [...segments.keys()]) {
        if (n < cursor.segment) {
          await fs.rm(path.join(opts.dir, segName(n)), { force: true });
          segments.delete(n);
        }
      }
    },
    append(records) {
      let accepted = 0;
      const room = opts.maxBytes - onDisk() - bufferBytes - inflightBytes;
      let used = 0;
      for (const r of records) {
        const line = `${JSON.stringify(r)}\n`;
        const bytes = Buffer.byteLength(line);
        if (used + bytes > room) break;
        buffer.push(line);
        used += bytes;
        accepted++;
      }
      bufferBytes += used;
      return { accepted, dropped: records.length - accepted };
    },
    sync() {
      syncing ??= doSync().finally(() => {
        syncing = null;
      });
      return syncing;
    },
    async peek(maxRecords, maxBytes) {
      for (;;) {
        const size = segments.get(cursor.segment);
        if (size === undefined) {
          const next = [...segments.keys()].find((n) => n > cursor.segment);
          if (next === undefined) return null;
          cursor = { segment: next, offset: 0 };
          continue;
        }
        if (cursor.offset >= size) {
          const next = [...segments.keys()].find((n) => n > cursor.segment);
          if (next === undefined) {
            // Everything shipped: start the next segment afresh, so a drained queue gives its disk space back.
            if (size > 0 && !syncing) {
              // Bookkeeping first, synchronously, so a sync starting meanwhile writes to the next segment.
              const done = cursor.segment;
              const old = writer;
              segments.delete(done);
              cursor = { segment: done + 1, offset: 0 };
              writer = null;
              await old?.handle.close().catch(() => undefined);
              await fs.rm(path.join(opts.dir, segName(done)), { force: true });
            }
            return null;
          }
          await fs.rm(path.join(opts.dir, segName(cursor.segment)), { force: true });
          segments.delete(cursor.segment);
          if (writer?.n === cursor.segment) writer = null;
          cursor = { segment: next, offset: 0 };
          continue;
        }
        const h = await fs.open(path.join(opts.dir, segName(cursor.segment)), 'r');
        try {
          const len = Math.min(size - cursor.offset, Math.max(maxBytes, 64 * 1024));
          const buf = Buffer.alloc(len);
          const { bytesRead } = await h.read(buf, 0, len, cursor.offset);
          const records: LogRecord[] = [];
          let pos = 0;
          while (records.length < maxRecords && pos < bytesRead) {
            const nl = buf.indexOf(0x0a, pos);
            if (nl === -1 || nl >= bytesRead) break;
            try {
              records.push(JSON.parse(buf.toString('utf8', pos, nl)) as LogRecord);
            } catch {
              corrupt++;
            }
            pos = nl + 1;
            if (pos >= maxBytes) break;
          }
          if (pos === 0) {
            // A record larger than the read window: read it whole next time.
            if (len < size - cursor.offset) return this.peek(maxRecords, maxBytes * 2);
            corrupt++;
            cursor = { segment: cursor.segment, offset: size };
            continue;
          }
          return { records, segment: cursor.segment, end: cursor.offset + pos };
        } finally {
          await h.close();
        }
      }
    },
    async ack(batch) {
      try {
        await writeCursor({ segment: batch.segment, offset: batch.end });
      } catch (err) {
        // The batch stays unacknowledged (it is sent again once the cursor can be written: at-least-once).
        lastError = `saving the shipping queue's cursor in ${opts.dir} failed: ${(err as Error).message}`;
        throw new Error(lastError, { cause: err });
      }
      lastError = null;
    },
    bytes: () => onDisk() + bufferBytes + inflightBytes,
    async close() {
      await syncing?.catch(() => undefined);
      await writer?.handle.close().catch(() => undefined);
      writer = null;
    },
  };
}
