import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBinaries, entryProblem, inspectArchive, unpackArchive } from './unpack';

const TOP = 'prometheus-3.14.0.darwin-arm64';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-unpack-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An archive of `files` (relative to a stage dir) made by node-tar; preservePaths keeps hostile names as given. */
async function archive(name: string, build: (stage: string) => Promise<string[]>, preservePaths = false): Promise<string> {
  const stage = path.join(dir, `stage-${name}`);
  await mkdir(stage, { recursive: true });
  const entries = await build(stage);
  const file = path.join(dir, `${name}.tar.gz`);
  await tar.c({ gzip: true, file, cwd: stage, preservePaths }, entries);
  return file;
}

const good = () =>
  archive('good', async (stage) => {
    await mkdir(path.join(stage, TOP), { recursive: true });
    await writeFile(path.join(stage, TOP, 'prometheus'), '#!/bin/sh\necho "prometheus, version 3.14.0"\n', { mode: 0o755 });
    await writeFile(path.join(stage, TOP, 'LICENSE'), 'license\n');
    await symlink('prometheus', path.join(stage, TOP, 'alias'));
    return [TOP];
  });

describe('entryProblem', () => {
  const e = (p: string, type = 'File', extra: { size?: number; linkpath?: string } = {}) => entryProblem({ path: p, type, size: extra.size ?? 10, linkpath: extra.linkpath }, TOP);
  it('accepts files, dirs and links inside the top dir', () => {
    expect(e(`${TOP}/`, 'Directory')).toBeNull();
    expect(e(`./${TOP}/prometheus`)).toBeNull();
    expect(e(`${TOP}/alias`, 'SymbolicLink', { linkpath: 'prometheus' })).toBeNull();
  });
  it('refuses escapes, absolute paths, devices, links out and absurd sizes', () => {
    expect(e(`${TOP}/../../etc/passwd`)).toMatch(/escapes/);
    expect(e('/etc/passwd')).toMatch(/absolute/);
    expect(e('other-dir/prometheus')).toMatch(/outside the expected directory/);
    expect(e(`${TOP}/dev`, 'CharacterDevice')).toMatch(/CharacterDevice entries are not allowed/);
    expect(e(`${TOP}/x`, 'SymbolicLink', { linkpath: '/etc/passwd' })).toMatch(/absolute/);
    expect(e(`${TOP}/x`, 'SymbolicLink', { linkpath: '../../outside' })).toMatch(/outside the archive/);
    expect(e(`${TOP}/big`, 'File', { size: 3 * 1024 ** 3 })).toMatch(/more than any release binary/);
  });
});

describe('unpackArchive', () => {
  it('unpacks the top dir into the target, keeping modes and in-archive links', async () => {
    const file = await good();
    const into = path.join(dir, 'into');
    await mkdir(into);
    await unpackArchive(file, { into, topDir: TOP });
    expect((await readdir(into)).sort()).toEqual(['LICENSE', 'alias', 'prometheus']);
    const bins = await checkBinaries(into, ['prometheus', 'alias'], 'good.tar.gz');
    expect(bins.prometheus).toBe(path.join(into, 'prometheus'));
  });

  it('refuses an archive with a symlink pointing out of it, before writing anything', async () => {
    const file = await archive('evil-link', async (stage) => {
      await mkdir(path.join(stage, TOP), { recursive: true });
      await symlink('/etc/passwd', path.join(stage, TOP, 'prometheus'));
      return [TOP];
    });
    const into = path.join(dir, 'into');
    await mkdir(into);
    await expect(unpackArchive(file, { into, topDir: TOP })).rejects.toMatchObject({ kind: 'bad-archive', message: expect.stringMatching(/link to an absolute path \(\/etc\/passwd\).*nothing was installed/) });
    expect(await readdir(into)).toEqual([]);
  });

  it('refuses ".." entries and files outside the expected directory', async () => {
    const file = await archive(
      'evil-dotdot',
      async (stage) => {
        await mkdir(path.join(stage, TOP), { recursive: true });
        await writeFile(path.join(stage, TOP, 'prometheus'), 'x');
        await writeFile(path.join(dir, 'victim'), 'x');
        return [TOP, `${TOP}/../../victim`];
      },
      true,
    );
    await expect(inspectArchive(file, TOP)).rejects.toMatchObject({ kind: 'bad-archive', message: expect.stringMatching(/escapes the archive/) });
    const wrongTop = await good();
    await expect(inspectArchive(wrongTop, 'alertmanager-0.34.0.darwin-arm64')).rejects.toMatchObject({ message: expect.stringMatching(/outside the expected directory alertmanager-0.34.0/) });
  });

  it('refuses more entries or bytes than the limits allow', async () => {
    const file = await good();
    await expect(inspectArchive(file, TOP, { maxEntries: 2, maxEntryBytes: 1e9, maxTotalBytes: 1e9 })).rejects.toMatchObject({ message: expect.stringMatching(/4 entries \(more than 2\)/) });
    await expect(inspectArchive(file, TOP, { maxEntries: 100, maxEntryBytes: 1e9, maxTotalBytes: 10 })).rejects.toMatchObject({ message: expect.stringMatching(/bytes unpacked \(more than 10\)/) });
  });

  it('refuses something that is not a tar.gz at all', async () => {
    const file = path.join(dir, 'html.tar.gz');
    await writeFile(file, '<html>rate limited</html>');
    await expect(inspectArchive(file, TOP)).rejects.toMatchObject({ kind: 'bad-archive' });
  });

  it('stops when cancelled and leaves only what the caller cleans up', async () => {
    const file = await good();
    const into = path.join(dir, 'into');
    await mkdir(into);
    const ac = new AbortController();
    ac.abort();
    await expect(unpackArchive(file, { into, topDir: TOP, signal: ac.signal })).rejects.toMatchObject({ kind: 'cancelled' });
  });
});

describe('checkBinaries', () => {
  it('names a missing or non-executable binary', async () => {
    await writeFile(path.join(dir, 'promtool'), 'x');
    await chmod(path.join(dir, 'promtool'), 0o644);
    await expect(checkBinaries(dir, ['prometheus'], 'a.tar.gz')).rejects.toMatchObject({ message: expect.stringMatching(/no usable prometheus \(ENOENT\)/) });
    await expect(checkBinaries(dir, ['promtool'], 'a.tar.gz')).rejects.toMatchObject({ message: expect.stringMatching(/no usable promtool/) });
    expect(await readFile(path.join(dir, 'promtool'), 'utf8')).toBe('x');
  });
});
