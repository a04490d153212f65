import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcReader } from './proc-reader';

describe('ProcReader (kept descriptors, one pread per read)', () => {
  const reader = new ProcReader();
  let dir: string | null = null;
  afterEach(async () => {
    reader.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('re-reads /proc afresh through the same descriptor', async () => {
    const a = await reader.read('/proc/self/stat');
    await new Promise((r) => setTimeout(r, 30));
    const b = await reader.read('/proc/self/stat');
    expect(a.split(' ')[0]).toBe(String(process.pid));
    // utime/stime/vsize move as this test runs; at minimum the text is complete both times.
    expect(b.split(' ').length).toBe(a.split(' ').length);
  });

  it('reads a file larger than its first buffer whole, and sees a rewritten file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'proc-reader-'));
    const file = path.join(dir, 'big');
    const big = 'x'.repeat(100_000);
    await writeFile(file, big);
    expect(await reader.read(file)).toBe(big);
    await writeFile(file, 'short');
    expect(await reader.read(file)).toBe('short');
  });

  it('a kept /proc/<pid> file fails once that process is gone (so a reused pid is never read as it)', async () => {
    const child = spawn('sleep', ['30']);
    const file = `/proc/${child.pid}/stat`;
    expect(await reader.read(file)).toContain('(sleep)');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Reaped: the kernel answers ESRCH on the old descriptor.
    await expect(reader.read(file)).rejects.toMatchObject({ code: 'ESRCH' });
  });
});
