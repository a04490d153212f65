/**
 * The release-download installer end to end, for real: archives in the official layout built from
 * the Debian binaries (test/fakes/release-archive-stand-ins.ts), served over loopback HTTP by the
 * release server stand-in with a sums file, installed into a temp home, verified, and then the
 * installed binaries are started and answer their readiness endpoints.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstallComponentId, InstallProgress } from '../../common/install';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import { createReleaseInstaller } from '../../main/core/install/release-installer';
import { currentPlatform } from '../../main/core/install/release-catalog';
import { findBinary, findTool } from '../../main/core/stack/binaries';
import { buildRelease, DEBIAN_VERSIONS, type BuiltRelease } from '../fakes/release-archive-stand-ins';
import { startReleaseServer, type ReleaseServer } from '../fakes/release-server-stand-in';
import { startInstalled } from '../support/installed-components';

const run = promisify(execFile);
const COMPONENTS = ['prometheus', 'alertmanager', 'node_exporter'] as const satisfies readonly InstallComponentId[];
const platform = currentPlatform();

let work: string;
let server: ReleaseServer;
const built = new Map<InstallComponentId, BuiltRelease>();

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'lookout-release-it-'));
  const files = new Map<string, Buffer>();
  for (const c of COMPONENTS) {
    const b = await buildRelease(work, c, DEBIAN_VERSIONS[c]!, platform);
    built.set(c, b);
    for (const [p, bytes] of b.files) files.set(p, bytes);
  }
  server = await startReleaseServer(files);
});

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

const freshHome = () => mkdtemp(path.join(work, 'home-'));
const installer = (home: string) => createReleaseInstaller({ home, runner: createCommandRunner(), mirror: server.url });

describe('release install from a loopback mirror (Debian binaries in the official layout)', () => {
  it('builds archives exactly as upstream lays them out', async () => {
    const { stdout } = await run('tar', ['-tzf', built.get('alertmanager')!.archivePath]);
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(
      ['alertmanager-0.25.0.linux-amd64/', 'alertmanager-0.25.0.linux-amd64/LICENSE', 'alertmanager-0.25.0.linux-amd64/NOTICE', 'alertmanager-0.25.0.linux-amd64/alertmanager', 'alertmanager-0.25.0.linux-amd64/amtool'].sort(),
    );
    const sums = await readFile(built.get('prometheus')!.sumsPath, 'utf8');
    expect(sums).toContain(`${built.get('prometheus')!.sha256}  prometheus-2.42.0.linux-amd64.tar.gz`);
  });

  it('installs all three, each checked against the sums, then starts them: install → ready', async () => {
    const home = await freshHome();
    const inst = installer(home);
    const events: InstallProgress[] = [];
    const started = [];
    try {
      for (const c of COMPONENTS) {
        const result = await inst.install(c, { version: DEBIAN_VERSIONS[c], onProgress: (e) => events.push(e) });
        expect(result.dir).toBe(path.join(home, 'runtimes', c, DEBIAN_VERSIONS[c]!));
        expect(await readlink(path.join(home, 'runtimes', c, 'current'))).toBe(DEBIAN_VERSIONS[c]);
        // The installed binary answers --version with the Debian package's own version.
        const { stdout, stderr } = await run(result.binaries[c]!, ['--version']);
        expect(`${stdout}${stderr}`).toMatch(new RegExp(`${c}, version ${DEBIAN_VERSIONS[c]!.replace(/\./g, '\\.')}`));
        started.push(await startInstalled(result, home));
      }
      for (const s of started) expect((await fetch(s.readyUrl)).status).toBe(200);
      // Every component went through the same phases, and the download reported bytes up to its size.
      for (const c of COMPONENTS) {
        const mine = events.filter((e) => e.component === c);
        expect([...new Set(mine.map((e) => e.phase))]).toEqual(['resolving', 'downloading', 'verifying', 'unpacking', 'done']);
        const last = mine.filter((e) => e.phase === 'downloading').at(-1)!;
        expect(last.bytesDone).toBe(built.get(c)!.files.get([...built.get(c)!.files.keys()][0]!)!.length);
        expect(last.bytesTotal).toBe(last.bytesDone);
      }
    } finally {
      await Promise.all(started.map((s) => s.stop()));
    }
  });

  it('the binary search finds the installed binaries in runtimes/<id>/current, and promtool beside prometheus', async () => {
    const home = await freshHome();
    await installer(home).install('prometheus', { version: '2.42.0' });
    const searchDirs = [path.join(home, 'runtimes', 'prometheus', 'current')];
    const prometheus = await findBinary(['prometheus'], { searchDirs, envPath: '' });
    expect(prometheus).toBe(path.join(home, 'runtimes', 'prometheus', 'current', 'prometheus'));
    expect(await findTool('promtool', prometheus, { searchDirs: [], envPath: '' })).toBe(path.join(home, 'runtimes', 'prometheus', 'current', 'promtool'));
  });

  it('refuses a tampered archive: checksum mismatch, nothing unpacked, the download deleted', async () => {
    const home = await freshHome();
    const b = built.get('node_exporter')!;
    const archivePath = [...b.files.keys()].find((p) => p.endsWith('.tar.gz'))!;
    const original = b.files.get(archivePath)!;
    const tampered = Buffer.from(original);
    // One flipped byte in the middle of the binary's compressed data.
    const mid = Math.floor(tampered.length / 2);
    tampered[mid] = tampered[mid]! ^ 0x01;
    server.files.set(archivePath, tampered);
    try {
      const err = await installer(home).install('node_exporter', { version: '1.5.0' }).catch((e) => e);
      expect(err).toMatchObject({ kind: 'checksum', message: expect.stringContaining('the download was corrupted or tampered with, so nothing was unpacked') });
      expect(await readdir(path.join(home, 'runtimes', 'node_exporter')).catch(() => [])).toEqual([]);
      expect(await readdir(path.join(home, 'runtimes', '.downloads'))).toEqual([]);
    } finally {
      server.files.set(archivePath, original);
    }
  });

  it('resumes after the connection drops halfway: the second request uses Range and the file verifies', async () => {
    const home = await freshHome();
    const b = built.get('prometheus')!;
    const archivePath = [...b.files.keys()].find((p) => p.endsWith('.tar.gz'))!;
    const size = b.files.get(archivePath)!.length;
    server.faults.set(archivePath, { cutAfter: Math.floor(size / 2), times: 1 });
    const before = server.requests.length;
    try {
      const result = await installer(home).install('prometheus', { version: '2.42.0' });
      const gets = server.requests.slice(before).filter((r) => r.path === archivePath);
      expect(gets).toHaveLength(2);
      expect(gets[0]).toMatchObject({ range: null, status: 200 });
      const resumedAt = Number(/^bytes=(\d+)-$/.exec(gets[1]!.range ?? '')?.[1]);
      expect(gets[1]!.status).toBe(206);
      // It resumed from what had arrived (at most half), not from zero.
      expect(resumedAt).toBeGreaterThan(0);
      expect(resumedAt).toBeLessThanOrEqual(Math.floor(size / 2));
      const ready = await startInstalled(result, home);
      await ready.stop();
    } finally {
      server.faults.delete(archivePath);
    }
  });

  it('says which version is not published for this platform (404)', async () => {
    const home = await freshHome();
    await expect(installer(home).install('alertmanager', { version: '0.99.0' })).rejects.toMatchObject({
      kind: 'not-published',
      message: expect.stringContaining('Alertmanager 0.99.0 is not published (HTTP 404'),
    });
  });
});
