/**
 * Upgrades that keep data and the last good config (issue 13), on a real core with a real Prometheus:
 * Prometheus runs from a release install of an older version; `install:start` brings the pinned version from
 * a loopback mirror (the release server STAND-IN, archives in the official layout). A build that does not
 * start is rolled back to the version that ran, with the same data dir; a good one is confirmed and the old
 * version removed.
 */
import { chmod, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InstallProgress } from '../../common/install';
import type { Core } from '../../main/core/core';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import { currentPlatform, RELEASES } from '../../main/core/install/release-catalog';
import { createReleaseInstaller } from '../../main/core/install/release-installer';
import { buildRelease } from '../fakes/release-archive-stand-ins';
import { startReleaseServer, type ReleaseServer } from '../fakes/release-server-stand-in';
import { startCore } from '../support/core';
import { makeHome, waitFor, type TestHome } from '../support/stack-env';

const OLD = '2.42.0';
const PINNED = RELEASES.prometheus!.version;
const platform = currentPlatform();

let work: string;
let good: ReleaseServer;
let broken: ReleaseServer;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'lookout-upgrade-it-'));
  // A build that answers --version (so the installer takes it) but exits at once when started.
  const bad = path.join(work, 'broken-prometheus');
  await writeFile(bad, '#!/bin/sh\n[ "$1" = "--version" ] && exec /usr/bin/prometheus --version\necho "broken build: exiting" >&2\nexit 1\n');
  await chmod(bad, 0o755);
  const old = await buildRelease(work, 'prometheus', OLD, platform);
  const pinned = await buildRelease(work, 'prometheus', PINNED, platform);
  good = await startReleaseServer(new Map([...old.files, ...pinned.files]));
  const pinnedBroken = await buildRelease(work, 'prometheus', PINNED, platform, 1, { prometheus: bad, promtool: '/usr/bin/promtool' });
  broken = await startReleaseServer(new Map([...old.files, ...pinnedBroken.files]));
});
afterAll(async () => {
  await good?.close();
  await broken?.close();
  await rm(work, { recursive: true, force: true });
});

describe('upgrading a running Prometheus from a release install', () => {
  let env: TestHome;
  let core: Core;
  const progress: InstallProgress[] = [];

  /** A home whose Prometheus (alone) runs the old release install, from `mirror`. */
  async function runningOld(mirror: ReleaseServer) {
    env = await makeHome(() => ({
      stack: { components: { alertmanager: { enabled: false }, node_exporter: { enabled: false } } },
      install: { source: 'release', mirror: mirror.url },
    }));
    await createReleaseInstaller({ home: env.home, runner: createCommandRunner(), mirror: mirror.url }).install('prometheus', { version: OLD });
    core = await startCore(env.home, { startTimeoutMs: 20_000 });
    core.on('install:progress', (e) => progress.push(e));
    await core.handlers['stack:start']({});
    const s = await prometheus();
    expect(s.state).toBe('running');
    expect(s.binary).toBe(path.join(env.home, 'runtimes', 'prometheus', OLD, 'prometheus'));
    return s;
  }
  const prometheus = async () => (await core.handlers['stack:get']({})).components.find((c) => c.id === 'prometheus')!;
  const versions = async () => (await readdir(path.join(env.home, 'runtimes', 'prometheus'))).filter((v) => /^\d/.test(v)).sort();
  const current = () => readlink(path.join(env.home, 'runtimes', 'prometheus', 'current'));

  afterEach(async () => {
    progress.length = 0;
    await core?.dispose({ stopStack: true });
    await env?.cleanup();
  });

  it('a build that does not start is rolled back: the old version runs again on the same data, and the UI hears why', async () => {
    const before = await runningOld(broken);
    await core.handlers['install:start']({ components: ['prometheus'] });
    const failed = await waitFor('the rollback reported', () => progress.find((e) => e.phase === 'failed' && /rolled back/.test(e.message)), 60_000);
    expect(failed.message).toContain(`prometheus ${PINNED} did not start`);
    expect(failed.message).toContain(`rolled back to ${OLD}`);
    const after = await waitFor('Prometheus running on the old version again', async () => {
      const s = await prometheus();
      return s.state === 'running' && s.binary === before.binary ? s : null;
    }, 30_000);
    expect(after.version).toMatch(new RegExp(`^${OLD.replace(/\./g, '\\.')}`));
    expect(await current()).toBe(OLD);
    // Both versions stay: the failed one can be looked at, or confirmed by hand.
    expect(await versions()).toEqual([OLD, PINNED].sort());
    // The data survived: the TSDB it wrote before the upgrade is still there and in use.
    expect(await readdir(path.join(env.home, 'data', 'prometheus'))).toContain('wal');
  });

  it('a good build is confirmed once it runs: the old version is removed', async () => {
    await runningOld(good);
    await core.handlers['install:start']({ components: ['prometheus'] });
    await waitFor('Prometheus running on the new version', async () => {
      const s = await prometheus();
      return s.state === 'running' && s.binary === path.join(env.home, 'runtimes', 'prometheus', PINNED, 'prometheus') ? s : null;
    }, 60_000);
    await waitFor('the old version removed', async () => (await versions()).join() === PINNED, 10_000);
    expect(await current()).toBe(PINNED);
    expect(progress.some((e) => e.phase === 'failed')).toBe(false);
  });
});
