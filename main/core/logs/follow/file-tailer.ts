import fsp, { type FileHandle } from 'node:fs/promises';
import type { Clock } from '../../ports';
import { contentKey, headFingerprint, identityOf, readHead, sameFile, type FileIdentity } from './identity';
import { createLineSplitter, type LineSplitter, type SplitLine } from './line-splitter';
import type { SavedOffset } from './offsets-store';
import { readRotatedTail, readSkippedGenerations } from './rotated-copies';

/** A line read from a followed file, with the key of the content it came from (for `log.record.uid`). */
export interface TailedLine extends SplitLine {
  /** inode + first-line fingerprint of the file the line was read from. */
  key: string;
}

/** Something worth telling about a followed file (rotation, truncation, deletion, loss). */
export interface TailEvent {
  kind: 'opened' | 'resumed' | 'rotated' | 'truncated' | 'recovered' | 'lost' | 'deleted' | 'error';
  path: string;
  message: string;
}

export interface FileTailerOptions {
  path: string;
  clock: Clock;
  /** A line longer than this is cut and marked. */
  maxLineBytes: number;
  /** Bytes read per poll at most (over all readers of this path), so one huge file cannot starve the others. */
  maxReadBytes: number;
  /** A renamed-away file is read until it has not grown for this long (its writer may not have reopened yet). */
  renameGraceMs: number;
  /** Where to start in a file with no saved offset. */
  startAt: 'beginning' | 'end';
  /** What the offsets file says about this path (the live file and a renamed-away one), read once. */
  saved: SavedOffset[];
  onEvent(event: TailEvent): void;
}

export type TailState = 'waiting' | 'following' | 'deleted' | 'error';

export interface FileTailer {
  readonly path: string;
  /** Read what is new; lines come in file order (a renamed-away file's tail before the new file's start). */
  poll(): Promise<TailedLine[]>;
  /** More bytes are waiting than the last poll's budget allowed. */
  readonly behind: boolean;
  /** The file was deleted and what was left of it has been read: nothing more will come from it. */
  readonly finished: boolean;
  /** Resume positions: just past the last line returned by poll. Save them only once those lines are handed on. */
  positions(): SavedOffset[];
  status(): { state: TailState; offset: number | null; size: number | null; error: string | null };
  close(): Promise<void>;
}

const CHUNK = 256 * 1024;

interface Reader {
  handle: FileHandle;
  id: FileIdentity;
  /** Next byte to read. */
  pos: number;
  /** Size at the last look: bytes between `pos` and it were there and unread. */
  size: number;
  splitter: LineSplitter;
  lastGrowth: number;
  /** The path's mtime at the last look (a change with no size drop still gets the first line checked). */
  mtimeMs: number;
  /** When this reader opened the file (wall clock), to tell rotated copies made since. */
  openedAt: number;
}

/** push(...lines) overflows the call stack for a few hundred thousand lines. */
function append<T>(to: T[], from: T[]): void {
  for (const x of from) to.push(x);
}

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * Follows one path across both rotation styles:
 * - **rename** (the file is moved away and a new one created): the inode at the path changes. The old
 *   file stays open; it is read to its end, and kept until it stops growing for `renameGraceMs` (a
 *   writer that reopens late still writes there), while the new file is read from 0.
 * - **copy-truncate** (the file is copied, then truncated in place): the inode stays, the size drops
 *   below what was read, or (when it grew back past that before we looked) the first line's fingerprint
 *   changes. Reading restarts at 0. Lines written after our last read and before the truncation are
 *   taken from the rotated copy when one beside the file holds them (`readRotatedTail`); lines written
 *   between the copy and the truncation are in neither file, and no reader can have them (reported
 *   as lost when we had seen those bytes; otherwise they cannot be known).
 * A path that disappears is read to its end through the open handle, reported and dropped; a new file
 * there later is followed from its start.
 *
 * A generation created and rotated away again between two looks is read from its rotated copy when one
 * is left beside the file (readSkippedGenerations). What polling cannot see (documented in
 * main/core/logs/README.md): such a generation whose copy was deleted or moved elsewhere; a copy-truncate of a file before its first complete line was read (no
 * fingerprint yet, so no copy can be recognised as ours); a second copy-truncate before the first line
 * of the new content was read. Writers must append (O_APPEND), as the supervisor's spawner and pino do:
 * a writer that keeps its own offset writes past the truncation and leaves a hole of NULs.
 */
export function createFileTailer(opts: FileTailerOptions): FileTailer {
  let current: Reader | null = null;
  const retired: Reader[] = [];
  let saved: SavedOffset[] | null = opts.saved;
  let state: TailState = 'waiting';
  let lastError: string | null = null;
  let behind = false;
  let everOpened = false;
  /** The last file this path held in this run, once it is replaced: generations between it and the next one are looked for. */
  let previous: { id: FileIdentity; openedAt: number } | null = null;
  const event = (kind: TailEvent['kind'], message: string) => opts.onEvent({ kind, path: opts.path, message });

  /**
   * Read from `r.pos` on. With `verify` (the live file at the path), every chunk is checked after it
   * was read: the file must still start with the first line it had. A stat (or a first-line check)
   * only tells how the file was when it ran; a copy-truncate and the writer's next lines can land
   * between it and the read, and the read at the old offset then returns the new file's bytes. Taken
   * as the old file's, they would come out as pieces of lines and as lines delivered twice (once here,
   * again when the new file is read from 0), and the copy's tail would be read from a wrong offset.
   * Such a chunk is dropped unread and 'replaced' returned: the caller handles the truncation (the
   * copy holds those bytes if they were the old file's). Checking after the read is what makes it
   * sound: the first line of a file that is appended to never changes, so when it is still there, the
   * truncation (if any) came after the read and the chunk is the old file's.
   */
  async function readInto(r: Reader, budget: { left: number }, out: TailedLine[], verify = false): Promise<'replaced' | void> {
    while (budget.left > 0) {
      const len = Math.min(CHUNK, budget.left);
      const buf = Buffer.allocUnsafe(len);
      const at = r.pos;
      const { bytesRead } = await r.handle.read(buf, 0, len, at);
      if (bytesRead === 0) break;
      if (verify && r.id.head !== null && (await readHead(r.handle)) !== r.id.head) return 'replaced';
      const chunk = bytesRead === len ? buf : buf.subarray(0, bytesRead);
      const lines = r.splitter.push(chunk, at);
      r.pos += bytesRead;
      r.size = Math.max(r.size, r.pos);
      r.lastGrowth = opts.clock.now();
      budget.left -= bytesRead;
      if (lines.length) {
        // The first line is complete now, so its fingerprint is fixed: take it before keying any line —
        // from the bytes just read when they start the file (the file itself may have been truncated
        // again since), else from the file.
        if (r.id.head === null) r.id.head = (at === 0 ? headFingerprint(chunk) : null) ?? (await readHead(r.handle));
        const key = contentKey(r.id);
        for (const l of lines) out.push({ ...l, key });
      }
      if (bytesRead < len) return;
    }
    if (budget.left <= 0) behind = true;
  }

  function flushInto(r: Reader, out: TailedLine[]): void {
    const last = r.splitter.flush();
    if (last) out.push({ ...last, key: contentKey(r.id) });
  }

  async function openAt(st: { size: number }): Promise<TailedLine[]> {
    const out: TailedLine[] = [];
    const handle = await fsp.open(opts.path, 'r');
    const id = await identityOf(handle);
    let start = 0;
    let resumed = false;
    const prior = saved ?? [];
    saved = null;
    for (const s of prior) {
      if (sameFile(s, id) && s.offset <= id.size) {
        start = s.offset;
        resumed = true;
        continue;
      }
      // A file this path held while Lookout was not running: renamed away, or copied and truncated.
      const splitter = createLineSplitter(s.offset, opts.maxLineBytes);
      const tail = await readRotatedTail(opts.path, s, s.offset, splitter);
      if (tail) {
        const key = contentKey(s);
        for (const l of tail.lines) out.push({ ...l, key });
        const last = splitter.flush();
        if (last) out.push({ ...last, key });
        event('recovered', `read ${tail.lines.length} line(s) written to ${opts.path} before it was rotated, from ${tail.from}`);
      } else if (!sameFile(s, id) || s.offset > id.size) {
        event('lost', `${opts.path} was rotated while Lookout was not running and no rotated copy holds the rest; lines after byte ${s.offset} of the old file may be missing`);
      }
    }
    if (previous) {
      const prev = previous;
      previous = null;
      for (const gen of await readSkippedGenerations(opts.path, prev.id, prev.openedAt, id, opts.maxLineBytes, createLineSplitter)) {
        const key = contentKey(gen.key);
        for (const l of gen.lines) out.push({ ...l, key });
        event('recovered', `${opts.path} was rotated more than once between two looks; read ${gen.lines.length} line(s) of the file in between from ${gen.from}`);
      }
    }
    if (!resumed && prior.length === 0 && !everOpened && opts.startAt === 'end') start = st.size;
    current = { handle, id, pos: start, size: id.size, splitter: createLineSplitter(start, opts.maxLineBytes), lastGrowth: opts.clock.now(), mtimeMs: 0, openedAt: Date.now() };
    everOpened = true;
    state = 'following';
    event(resumed ? 'resumed' : 'opened', resumed ? `resuming ${opts.path} at byte ${start}` : `following ${opts.path} from byte ${start}`);
    return out;
  }

  async function truncated(r: Reader, out: TailedLine[], why: string): Promise<void> {
    const unread = r.size - r.pos;
    const tail = await readRotatedTail(opts.path, r.id, r.pos, r.splitter);
    if (tail) {
      const key = contentKey(r.id);
      for (const l of tail.lines) out.push({ ...l, key });
      event('recovered', `${opts.path} was truncated (${why}); read ${tail.lines.length} more line(s) from ${tail.from}`);
    } else if (unread > 0) {
      event('lost', `${opts.path} was truncated (${why}) with ${unread} byte(s) not yet read and no rotated copy holding them`);
    } else {
      event('truncated', `${opts.path} was truncated (${why}); reading it from its start`);
    }
    flushInto(r, out);
    r.pos = 0;
    r.size = 0;
    r.splitter = createLineSplitter(0, opts.maxLineBytes);
    r.id = { ...r.id, head: await readHead(r.handle) };
  }

  async function retire(r: Reader, out: TailedLine[]): Promise<void> {
    flushInto(r, out);
    await r.handle.close().catch(() => undefined);
  }

  return {
    path: opts.path,
    get behind() {
      return behind;
    },
    get finished() {
      return state === 'deleted' && !current && retired.length === 0;
    },
    async poll() {
      const out: TailedLine[] = [];
      const budget = { left: opts.maxReadBytes };
      behind = false;
      try {
        for (const r of [...retired]) {
          await readInto(r, budget, out);
          if (opts.clock.now() - r.lastGrowth >= opts.renameGraceMs) {
            await retire(r, out);
            retired.splice(retired.indexOf(r), 1);
          }
        }
        let st: { ino: number; dev: number; size: number; mtimeMs: number } | null = null;
        try {
          st = await fsp.stat(opts.path);
        } catch (err) {
          if (errno(err) !== 'ENOENT') throw err;
        }
        if (current && !st) {
          // Deleted (or unlinked by a rotator that gzips and recreates): the open handle still reads it to its end.
          const r = current;
          current = null;
          await readInto(r, budget, out);
          retired.push(r);
          previous = { id: r.id, openedAt: r.openedAt };
          state = 'deleted';
          event('deleted', `${opts.path} was deleted; reading what is left of it, and a new file there will be followed from its start`);
          return out;
        }
        if (current && st && (st.ino !== current.id.ino || st.dev !== current.id.dev)) {
          const old = current;
          current = null;
          await readInto(old, budget, out);
          retired.push(old);
          previous = { id: old.id, openedAt: old.openedAt };
          event('rotated', `${opts.path} was replaced by a new file (rename rotation); finishing the old one first`);
        }
        // The stat may be older than the truncation it should show (see readInto): its size is taken
        // as this file's only when it showed the truncation itself or no truncation was found.
        let sizeSeen = st?.size ?? 0;
        if (!current) {
          if (!st) return out;
          append(out, await openAt(st));
        } else if (st && st.size < current.pos) {
          await truncated(current, out, `size ${st.size} < offset ${current.pos}`);
        } else if (st && st.mtimeMs !== current.mtimeMs && current.id.head !== null) {
          // Written to since the last look: it may have been truncated and grown back to (or past) our
          // offset. No first line at all where there was one is a truncation too (the new first line is not complete yet).
          const head = await readHead(current.handle);
          if (head !== current.id.head) {
            await truncated(current, out, 'its first line changed');
            sizeSeen = 0;
          }
        }
        if (current && st) current.mtimeMs = st.mtimeMs;
        if (current) {
          current.size = Math.max(current.size, sizeSeen);
          if ((await readInto(current, budget, out, true)) === 'replaced') {
            await truncated(current, out, 'its first line changed while it was read');
            // Replaced again already: looked at again next poll, whatever the mtime says.
            if ((await readInto(current, budget, out, true)) === 'replaced') current.mtimeMs = Number.NaN;
          }
        }
        lastError = null;
        if (current) state = 'following';
      } catch (err) {
        lastError = `${opts.path}: ${(err as Error).message}`;
        state = 'error';
        event('error', lastError);
      }
      return out;
    },
    positions() {
      const list: SavedOffset[] = [];
      for (const r of [...retired, ...(current ? [current] : [])]) list.push({ dev: r.id.dev, ino: r.id.ino, head: r.id.head, offset: r.splitter.committed });
      // Not opened yet this run: keep what the offsets file said, so a restart before the first poll loses nothing.
      if (saved) list.push(...saved);
      return list;
    },
    status() {
      return { state, offset: current ? current.splitter.committed : null, size: current ? current.size : null, error: lastError };
    },
    async close() {
      for (const r of [...retired, ...(current ? [current] : [])]) await r.handle.close().catch(() => undefined);
      retired.length = 0;
      current = null;
    },
  };
}
