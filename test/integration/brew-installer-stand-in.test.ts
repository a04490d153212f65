/**
 * The Homebrew installer against the brew STAND-IN (test/fakes/brew-stand-in.mjs; formats and their
 * sources in test/fakes/brew-stand-in.md): Homebrew cannot run on these machines. The installer runs it
 * through the real ProcessStreamer, as it would run the real brew.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstallProgress } from '../../common/install';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import { createBrewInstaller } from '../../main/core/install/brew-installer';
import { parseBrewLine } from '../../main/core/install/brew-output';
import { chooseInstaller } from '../../main/core/install/installer';
import { createReleaseInstaller } from '../../main/core/install/release-installer';
import { createProcessStreamer } from '../../main/core/runtime/process-stream';
import { installBrewStandIn, type BrewStandIn } from '../fakes/install-brew-stand-in';

let dir: string;
let brew: BrewStandIn;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-brew-'));
  brew = await installBrewStandIn(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const installer = (searchDirs = [brew.binDir]) => createBrewInstaller({ streamer: createProcessStreamer(), runner: createCommandRunner(), search: { searchDirs, envPath: '' } });

describe('Homebrew installer (brew stand-in)', () => {
  it('is available when brew is found, and says what it found', async () => {
    expect(await installer().available()).toEqual({ ok: true, detail: `Homebrew 6.0.18 (${brew.brew})` });
  });

  it('without brew: not available, with the fix; install fails with no-brew', async () => {
    const none = installer([path.join(dir, 'nowhere')]);
    expect(await none.available()).toMatchObject({ ok: false, reason: expect.stringContaining('Homebrew is not installed'), fix: expect.stringContaining('https://brew.sh') });
    await expect(none.install('prometheus')).rejects.toMatchObject({ kind: 'no-brew' });
  });

  it('installs prometheus: progress from brew’s own lines, binaries from the prefix, version from the summary', async () => {
    const events: InstallProgress[] = [];
    const result = await installer().install('prometheus', { onProgress: (e) => events.push(e) });
    expect(result).toEqual({
      component: 'prometheus',
      source: 'brew',
      version: '3.14.0',
      dir: path.join(brew.prefix, 'bin'),
      binaries: { prometheus: path.join(brew.prefix, 'bin', 'prometheus'), promtool: path.join(brew.prefix, 'bin', 'promtool') },
    });
    const messages = events.map((e) => `${e.phase}: ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'downloading: Fetching downloads for: prometheus',
        'downloading: Downloaded Bottle prometheus (3.14.0)',
        'unpacking: Pouring prometheus--3.14.0.arm64_sequoia.bottle.tar.gz',
        expect.stringMatching(/^unpacking: Installed prometheus 3.14.0 \(25 files, 270.1MB\)$/),
        expect.stringMatching(/^done: prometheus 3.14.0 installed/),
      ]),
    );
    // Phases only move forward.
    const order = ['resolving', 'downloading', 'unpacking', 'done'];
    const idx = events.map((e) => order.indexOf(e.phase));
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
    expect(await installer().installedVersion('prometheus')).toBe('3.14.0');
    const argvs = (await brew.invocations()).map((i) => i.argv.join(' '));
    expect(argvs).toContain('install --formula prometheus');
    expect(argvs.some((a) => a.startsWith('services'))).toBe(false);
  });

  it('a second install says already installed and still returns the binaries', async () => {
    await installer().install('alertmanager');
    const events: InstallProgress[] = [];
    const again = await installer().install('alertmanager', { onProgress: (e) => events.push(e) });
    expect(again.version).toBe('0.34.0');
    expect(events.some((e) => e.message === 'alertmanager 0.34.0 is already installed')).toBe(true);
  });

  it('offline: brew’s curl error becomes a dns failure naming the host', async () => {
    await brew.setScenario('offline');
    const events: InstallProgress[] = [];
    const err = await installer().install('node_exporter', { onProgress: (e) => events.push(e) }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'dns', message: expect.stringContaining('Could not resolve host: ghcr.io'), fix: expect.stringContaining('network') });
    expect(events.at(-1)).toMatchObject({ phase: 'failed', failure: { kind: 'dns' } });
  });

  it('Jaeger has no formula', async () => {
    await expect(installer().install('jaeger')).rejects.toMatchObject({ kind: 'no-formula', fix: expect.stringContaining('release') });
    expect(installer().supports('jaeger')).toBe(false);
  });

  it('brew’s unknown-formula output is classified as unknown-formula', async () => {
    const kinds: string[] = [];
    const proc = createProcessStreamer().start({ command: brew.brew, args: ['install', '--formula', 'nosuch'], onLine: (l) => { const p = parseBrewLine(l); if (p?.failureKind) kinds.push(p.failureKind); } });
    expect((await proc.exited).code).toBe(1);
    expect(kinds).toEqual(['unknown-formula', 'unknown-formula']);
  });

  it('cancel sends SIGTERM to brew and reports cancelled', async () => {
    await brew.setScenario('hang');
    const ac = new AbortController();
    const t0 = Date.now();
    const p = installer().install('grafana', { signal: ac.signal, onProgress: (e) => e.message.startsWith('Fetching downloads') && ac.abort() });
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('reports an upgrade when the formula’s stable version is newer than the linked keg', async () => {
    expect(await installer().upgradeInfo('grafana')).toEqual({ component: 'grafana', source: 'brew', installed: null, available: '12.4.3', newer: false });
    await brew.seedInstalled('grafana', '12.3.0');
    expect(await installer().upgradeInfo('grafana')).toEqual({ component: 'grafana', source: 'brew', installed: '12.3.0', available: '12.4.3', newer: true });
    await installer().install('grafana');
    expect(await installer().upgradeInfo('grafana')).toMatchObject({ installed: '12.4.3', newer: false });
  });

  it('auto picks brew when it has the formula, the release download for Jaeger, and explains a fixed choice that cannot work', async () => {
    const release = createReleaseInstaller({ home: dir, runner: createCommandRunner() });
    const brewInst = installer();
    expect((await chooseInstaller('prometheus', 'auto', [brewInst, release])).id).toBe('brew');
    expect((await chooseInstaller('jaeger', 'auto', [brewInst, release])).id).toBe('release');
    const noBrew = installer([path.join(dir, 'nowhere')]);
    expect((await chooseInstaller('prometheus', 'auto', [noBrew, release])).id).toBe('release');
    await expect(chooseInstaller('grafana', 'release', [brewInst, release])).rejects.toMatchObject({ message: expect.stringContaining('release cannot install grafana'), fix: expect.stringContaining('"brew"') });
    await expect(chooseInstaller('grafana', 'auto', [noBrew, release])).rejects.toMatchObject({ message: expect.stringContaining('Homebrew is not installed') });
  });
});
