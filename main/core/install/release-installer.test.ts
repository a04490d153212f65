import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstallProgress } from '../../../common/install';
import { startReleaseServer, type ReleaseServer } from '../../../test/fakes/release-server-stand-in';
import { createCommandRunner } from '../adapters/command-runner';
import { createReleaseInstaller } from './release-installer';
import { RELEASES, type Platform } from './release-catalog';

const P: Platform = { os: 'linux', arch: 'amd64' };
const DIR = (v: string) => `/prometheus/prometheus/releases/download/v${v}`;
let work: string;
let home: string;
let server: ReleaseServer;

/** A release archive in promu's layout whose "binaries" are shell scripts printing a version like Go programs do. */
async function release(version: string, opts: { versionOutput?: string; padBytes?: number } = {}): Promise<{ archive: Buffer; sha: string }> {
  const top = `prometheus-${version}.linux-amd64`;
  const stage = path.join(work, `stage-${version}`);
  await mkdir(path.join(stage, top), { recursive: true });
  const say = opts.versionOutput ?? `prometheus, version ${version} (branch: HEAD)`;
  for (const bin of ['prometheus', 'promtool']) {
    await writeFile(path.join(stage, top, bin), `#!/bin/sh\necho "${say}"\n`, { mode: 0o755 });
  }
  // Incompressible padding so downloads are large enough to cut halfway.
  await writeFile(path.join(stage, top, 'NOTICE'), randomBytes(opts.padBytes ?? 0));
  const file = path.join(work, `${top}.tar.gz`);
  await tar.c({ gzip: true, file, cwd: stage, portable: true }, [top]);
  const archive = await readFile(file);
  return { archive, sha: createHash('sha256').update(archive).digest('hex') };
}

async function publish(version: string, opts: Parameters<typeof release>[1] = {}) {
  const r = await release(version, opts);
  server.files.set(`${DIR(version)}/prometheus-${version}.linux-amd64.tar.gz`, r.archive);
  server.files.set(`${DIR(version)}/sha256sums.txt`, Buffer.from(`${r.sha}  prometheus-${version}.linux-amd64.tar.gz\n`));
  return r;
}

const installer = (extra: Partial<Parameters<typeof createReleaseInstaller>[0]> = {}) =>
  createReleaseInstaller({ home, runner: createCommandRunner(), mirror: server.url, platform: P, ...extra });

beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'lookout-ri-'));
  home = path.join(work, 'home');
  server = await startReleaseServer(new Map());
});
afterEach(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

describe('release installer', () => {
  it('installs: sums → download with progress → verify → unpack → --version → current', async () => {
    await publish('3.14.0', { padBytes: 600_000 });
    const events: InstallProgress[] = [];
    const result = await installer().install('prometheus', { onProgress: (e) => events.push(e) });
    const dir = path.join(home, 'runtimes', 'prometheus', '3.14.0');
    expect(result).toEqual({ component: 'prometheus', source: 'release', version: '3.14.0', dir, binaries: { prometheus: `${dir}/prometheus`, promtool: `${dir}/promtool` } });
    expect(await readlink(path.join(home, 'runtimes', 'prometheus', 'current'))).toBe('3.14.0');
    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases).toEqual(['resolving', 'downloading', 'verifying', 'unpacking', 'done']);
    const last = events.filter((e) => e.phase === 'downloading').at(-1)!;
    expect(last.bytesDone).toBe(last.bytesTotal);
    // The archive is gone once unpacked; only the install remains.
    expect(await readdir(path.join(home, 'runtimes', '.downloads'))).toEqual([]);
    expect(await installer().installedVersion('prometheus')).toBe('3.14.0');
  });

  it('refuses a tampered archive before unpacking anything, and removes the download', async () => {
    const { archive } = await publish('3.14.0');
    const tampered = Buffer.from(archive);
    tampered[tampered.length - 10] = tampered[tampered.length - 10]! ^ 0xff;
    server.files.set(`${DIR('3.14.0')}/prometheus-3.14.0.linux-amd64.tar.gz`, tampered);
    const events: InstallProgress[] = [];
    const err = await installer().install('prometheus', { onProgress: (e) => events.push(e) }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'checksum', message: expect.stringMatching(/checksum mismatch for prometheus-3.14.0.linux-amd64.tar.gz.*corrupted or tampered with, so nothing was unpacked/) });
    expect(events.map((e) => e.phase)).not.toContain('unpacking');
    expect(events.at(-1)).toMatchObject({ phase: 'failed', failure: { kind: 'checksum' } });
    expect(await readdir(path.join(home, 'runtimes', 'prometheus')).catch(() => [])).toEqual([]);
    expect(await readdir(path.join(home, 'runtimes', '.downloads'))).toEqual([]);
  });

  it('resumes a cut download and the result verifies', async () => {
    const { archive } = await publish('3.14.0', { padBytes: 800_000 });
    server.faults.set(`${DIR('3.14.0')}/prometheus-3.14.0.linux-amd64.tar.gz`, { cutAfter: Math.floor(archive.length / 2) });
    await installer().install('prometheus');
    const gets = server.requests.filter((r) => r.path.endsWith('.tar.gz'));
    expect(gets.map((r) => r.status)).toEqual([200, 206]);
    expect(gets[1]!.range).toMatch(/^bytes=\d+-$/);
  });

  it('retries once from scratch when a resumed download does not verify (the part came from another file)', async () => {
    const { archive } = await publish('3.14.0', { padBytes: 100_000 });
    expect(archive.length).toBeGreaterThan(100_000);
    await mkdir(path.join(home, 'runtimes', '.downloads'), { recursive: true });
    await writeFile(path.join(home, 'runtimes', '.downloads', 'prometheus-3.14.0.linux-amd64.tar.gz.part'), Buffer.alloc(1000, 7));
    await installer().install('prometheus');
    const gets = server.requests.filter((r) => r.path.endsWith('.tar.gz'));
    expect(gets.map((r) => [r.range, r.status])).toEqual([
      ['bytes=1000-', 206],
      [null, 200],
    ]);
  });

  it('says "not published" for a version without sums, or a platform missing from them', async () => {
    await expect(installer().install('prometheus', { version: '9.9.9' })).rejects.toMatchObject({ kind: 'not-published', message: expect.stringMatching(/Prometheus 9.9.9 is not published \(HTTP 404/) });
    await publish('3.14.0');
    await expect(installer({ platform: { os: 'darwin', arch: 'arm64' } }).install('prometheus')).rejects.toMatchObject({
      kind: 'not-published',
      message: expect.stringMatching(/prometheus-3.14.0.darwin-arm64.tar.gz is not listed .* no build for darwin\/arm64/),
    });
    await expect(installer().install('grafana')).rejects.toMatchObject({ kind: 'not-published', fix: expect.stringContaining('brew install grafana') });
    await expect(installer().install('prometheus', { version: '../../etc' })).rejects.toMatchObject({ kind: 'not-published' });
  });

  it('refuses a binary that does not run, leaving nothing installed', async () => {
    await publish('3.14.0', { versionOutput: 'Segmentation fault' });
    await expect(installer().install('prometheus')).rejects.toMatchObject({ kind: 'broken-binary', message: expect.stringContaining('does not run on this machine') });
    expect(await readdir(path.join(home, 'runtimes', 'prometheus'))).toEqual([]);
  });

  it('refuses when the disk cannot hold the download and its unpacked files', async () => {
    await publish('3.14.0', { padBytes: 100_000 });
    await expect(installer({ freeBytes: async () => 10 * 1024 * 1024 }).install('prometheus')).rejects.toMatchObject({ kind: 'disk-full', message: expect.stringMatching(/needs about \d+ MB .* 10 MB is free/) });
  });

  it('cancel mid-download leaves no install and no part file', async () => {
    const { archive } = await publish('3.14.0', { padBytes: 2_000_000 });
    server.faults.set(`${DIR('3.14.0')}/prometheus-3.14.0.linux-amd64.tar.gz`, { cutAfter: Math.floor(archive.length / 3), times: 1 });
    const ac = new AbortController();
    const p = installer().install('prometheus', { signal: ac.signal, onProgress: (e) => e.phase === 'downloading' && (e.bytesDone ?? 0) > 0 && ac.abort() });
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' });
    expect(await readdir(path.join(home, 'runtimes', '.downloads'))).toEqual([]);
    expect(await readdir(path.join(home, 'runtimes', 'prometheus')).catch(() => [])).toEqual([]);
  });

  it('refuses a second install of the same component while one runs', async () => {
    await publish('3.14.0', { padBytes: 500_000 });
    const inst = installer();
    const first = inst.install('prometheus');
    await expect(inst.install('prometheus')).rejects.toMatchObject({ kind: 'busy' });
    await first;
  });

  it('upgrades side by side, keeps the old version for rollback, and confirm removes it', async () => {
    await publish('3.13.2');
    await publish('3.14.0');
    const old = installer({ catalog: { prometheus: { ...RELEASES.prometheus!, version: '3.13.2' } } });
    await old.install('prometheus');
    const inst = installer();
    expect(await inst.upgradeInfo('prometheus')).toEqual({ component: 'prometheus', source: 'release', installed: '3.13.2', available: '3.14.0', newer: true });
    await inst.install('prometheus');
    const base = path.join(home, 'runtimes', 'prometheus');
    expect(await readlink(path.join(base, 'current'))).toBe('3.14.0');
    expect(await readlink(path.join(base, 'previous'))).toBe('3.13.2');
    expect(await inst.rollback('prometheus')).toBe('3.13.2');
    expect(await inst.installedVersion('prometheus')).toBe('3.13.2');
    await inst.install('prometheus'); // already unpacked: switches back without downloading again
    expect(server.requests.filter((r) => r.path.includes('v3.14.0'))).toHaveLength(2);
    expect(await inst.confirm('prometheus')).toEqual(['3.13.2']);
    expect((await readdir(base)).sort()).toEqual(['3.14.0', 'current']);
    expect(await inst.upgradeInfo('prometheus')).toMatchObject({ installed: '3.14.0', newer: false });
  });

  it('cleans up after a Lookout killed mid-install: stale staging dirs go, a version dir without its marker is replaced', async () => {
    await publish('3.14.0');
    const base = path.join(home, 'runtimes', 'prometheus');
    await mkdir(path.join(base, '.staging-3.14.0-dead'), { recursive: true });
    await mkdir(path.join(base, '3.14.0'), { recursive: true });
    await writeFile(path.join(base, '3.14.0', 'prometheus'), 'half written');
    const result = await installer().install('prometheus');
    expect((await readdir(base)).sort()).toEqual(['3.14.0', 'current']);
    expect(await readFile(result.binaries.prometheus!, 'utf8')).toContain('version 3.14.0');
  });

  it('reports availability and what it supports', async () => {
    expect(await installer().available()).toMatchObject({ ok: true, detail: expect.stringContaining('linux/amd64') });
    const inst = installer();
    expect(['prometheus', 'alertmanager', 'node_exporter', 'jaeger', 'grafana'].map((c) => inst.supports(c as never))).toEqual([true, true, true, true, false]);
  });
});
