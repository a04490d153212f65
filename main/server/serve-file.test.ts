import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paths as homePaths, type Paths } from '../core/paths';
import { readServeFile, removeServeFile, writeServeFile } from './serve-file';

describe('serve file', () => {
  let dir: string;
  let paths: Paths;
  const info = { url: 'http://127.0.0.1:9469', port: 9469, token: 't'.repeat(43), pid: process.pid };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-serve-file-'));
    paths = homePaths(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is written 0600 without leaving a temp file, and read back while its pid lives', async () => {
    await writeServeFile(paths, info);
    expect((await stat(paths.serveFile)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['serve.json']);
    expect(await readServeFile(paths)).toEqual(info);
  });

  it('tightens the mode of a file that was left world-readable', async () => {
    await writeFile(paths.serveFile, '{}', { mode: 0o644 });
    await writeServeFile(paths, info);
    expect((await stat(paths.serveFile)).mode & 0o777).toBe(0o600);
  });

  it('is removed only by the pid it names', async () => {
    await writeServeFile(paths, { ...info, pid: 1 });
    expect(await removeServeFile(paths)).toBe(false);
    expect((await stat(paths.serveFile)).isFile()).toBe(true);
    expect(await removeServeFile(paths, 1)).toBe(true);
    await expect(stat(paths.serveFile)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await removeServeFile(paths)).toBe(false);
  });

  it('reads as null when missing, malformed or left by a dead pid', async () => {
    expect(await readServeFile(paths)).toBeNull();
    await writeFile(paths.serveFile, '{"url": 1}');
    expect(await readServeFile(paths)).toBeNull();
    await writeFile(paths.serveFile, 'not json');
    expect(await readServeFile(paths)).toBeNull();
    // Pids are at most 2^22 on Linux and 99999 on macOS; this one cannot exist.
    await writeServeFile(paths, { ...info, pid: 2 ** 30 });
    expect(await readServeFile(paths)).toBeNull();
  });
});
