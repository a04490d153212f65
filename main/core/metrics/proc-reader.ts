import fs from 'node:fs';

/** A buffer this large holds any /proc or /sys file the collectors read; a bigger one is read whole another way. */
const INITIAL_BUFFER = 16 * 1024;
const MAX_BUFFER = 4 * 1024 * 1024;
/** Open files kept at most (the hot /proc files plus a few per watched process). */
const MAX_OPEN = 64;

interface Kept {
  fd: number;
  buffer: Buffer;
}

/**
 * Reads /proc and /sys files through descriptors kept open between runs: each read is one pread at
 * offset 0, which makes the kernel generate the file afresh. That is one round trip to the
 * threadpool instead of fs.readFile's open, stat, read, read, close — a quarter of the main-thread
 * time, which is what a tick every two seconds is judged by. Still fully asynchronous.
 *
 * A kept /proc/<pid>/… descriptor belongs to that one process: once it exits, reads fail (ESRCH)
 * even if the pid is reused, so a stale descriptor can never report another process.
 */
export class ProcReader {
  private readonly kept = new Map<string, Kept>();
  private readonly pending = new Map<string, Promise<string>>();

  read(path: string): Promise<string> {
    const running = this.pending.get(path);
    if (running) return running;
    const p = this.readKept(path).finally(() => this.pending.delete(path));
    this.pending.set(path, p);
    return p;
  }

  /** Forget a path (its process is gone), closing its descriptor. */
  drop(path: string): void {
    const k = this.kept.get(path);
    if (!k) return;
    this.kept.delete(path);
    fs.close(k.fd, () => undefined);
  }

  /** Drop every kept descriptor under a prefix (a watched process that went away). */
  dropPrefix(prefix: string): void {
    for (const path of [...this.kept.keys()]) if (path.startsWith(prefix)) this.drop(path);
  }

  close(): void {
    for (const path of [...this.kept.keys()]) this.drop(path);
  }

  private async readKept(path: string): Promise<string> {
    let k = this.kept.get(path);
    if (!k) {
      const fd = await new Promise<number>((resolve, reject) => fs.open(path, 'r', (err, fd) => (err ? reject(err) : resolve(fd))));
      if (this.kept.size >= MAX_OPEN) this.drop(this.kept.keys().next().value!);
      k = { fd, buffer: Buffer.allocUnsafe(INITIAL_BUFFER) };
      this.kept.set(path, k);
    } else {
      // Least recently used goes first when the map is full.
      this.kept.delete(path);
      this.kept.set(path, k);
    }
    for (;;) {
      let n: number;
      try {
        n = await pread(k.fd, k.buffer);
      } catch (err) {
        this.drop(path);
        throw Object.assign(err as Error, { path });
      }
      if (n < k.buffer.length) return k.buffer.toString('utf8', 0, n);
      // The file did not fit: grow and read it again from the start (a pread never sees half an update).
      if (k.buffer.length >= MAX_BUFFER) throw new Error(`${path} is larger than ${MAX_BUFFER} bytes`);
      k.buffer = Buffer.allocUnsafe(k.buffer.length * 4);
    }
  }
}

function pread(fd: number, buffer: Buffer): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buffer, 0, buffer.length, 0, (err, n) => (err ? reject(err) : resolve(n))));
}
