/**
 * Installing several components at once (onboarding's "Install and start", `lookout install a b c`) and
 * the doctor's runtime checks, with the release installer against the loopback mirror (a real archive
 * built from Debian's node_exporter) and the brew and docker STAND-INS (test/fakes/*-stand-in.md).
 */
import { mkdtemp, rm, symlink, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstallProgress } from '../../common/install';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import { createBrewInstaller } from '../../main/core/install/brew-installer';
import { runtimeChecks } from '../../main/core/install/doctor-checks';
import { formatProgress, installMany, releaseUpgrades } from '../../main/core/install/install-many';
import { chooseInstaller } from '../../main/core/install/installer';
import { currentPlatform, RELEASES } from '../../main/core/install/release-catalog';
import { createReleaseInstaller } from '../../main/core/install/release-installer';
import { detectDocker } from '../../main/core/runtime/docker-detect';
import { createProcessStreamer } from '../../main/core/runtime/process-stream';
import { installBrewStandIn, type BrewStandIn } from '../fakes/install-brew-stand-in';
import { installDockerStandIn, type DockerStandIn } from '../fakes/install-docker-stand-in';
import { buildRelease } from '../fakes/release-archive-stand-ins';
import { startReleaseServer, type ReleaseServer } from '../fakes/release-server-stand-in';

let dir: string;
let server: ReleaseServer;
let brew: BrewStandIn;
let docker: DockerStandIn;
const runner = createCommandRunner();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-many-'));
  const b = await buildRelease(dir, 'node_exporter', '1.5.0', currentPlatform());
  server = await startReleaseServer(b.files);
  brew = await installBrewStandIn(path.join(dir, 'brew'));
  docker = await installDockerStandIn(path.join(dir, 'docker'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('installMany and the runtime checks', () => {
  it('installs from both sources at once; one failure does not stop the others', async () => {
    const home = await mkdtemp(path.join(dir, 'home-'));
    const release = createReleaseInstaller({ home, runner, mirror: server.url });
    const brewInst = createBrewInstaller({ streamer: createProcessStreamer(), runner, search: { searchDirs: [brew.binDir], envPath: '' } });
    const events: InstallProgress[] = [];
    const outcomes = await installMany(['prometheus', 'node_exporter', 'jaeger'], {
      // prometheus through brew (auto), node_exporter and jaeger by release download.
      choose: (c) => chooseInstaller(c, c === 'prometheus' ? 'auto' : 'release', [brewInst, release]),
      versions: { node_exporter: '1.5.0' },
      onProgress: (e) => events.push(e),
    });
    expect(outcomes.map((o) => ('installed' in o ? `${o.component}: ${o.installed.source} ${o.installed.version}` : `${o.component}: ${o.failure.kind}`))).toEqual([
      'prometheus: brew 3.14.0',
      'node_exporter: release 1.5.0',
      'jaeger: not-published',
    ]);
    const jaeger = outcomes[2]!;
    expect('failure' in jaeger && jaeger.failure.message).toMatch(/Jaeger 2.20.0 is not published \(HTTP 404 for http:\/\/127.0.0.1:\d+\/jaegertracing\/jaeger\/releases\/download\/v2.20.0\/jaeger-2.20.0.sha256sum.txt\)/);
    const line = formatProgress(events.find((e) => e.component === 'node_exporter' && e.phase === 'downloading' && e.bytesTotal)!);
    expect(line).toMatch(/^node_exporter downloading +\d+\.\d \/ \d+\.\d MiB +\d+% {2}Downloading node_exporter-1.5.0.linux-amd64.tar.gz$/);
    expect(formatProgress(events.find((e) => e.phase === 'failed')!)).toMatch(/^jaeger +failed +Jaeger 2.20.0 is not published .* — choose a published version/);
  });

  it('doctor: Homebrew, release downloads, Docker when a component needs it, install integrity and upgrades', async () => {
    const home = await mkdtemp(path.join(dir, 'home-'));
    const release = createReleaseInstaller({ home, runner, mirror: server.url, catalog: { ...RELEASES, node_exporter: { ...RELEASES.node_exporter!, version: '1.5.0' } } });
    await release.install('node_exporter');
    // A current link left pointing at nothing (a hand-deleted version dir).
    await mkdir(release.layout.componentDir('alertmanager'), { recursive: true });
    await symlink('0.30.0', release.layout.current('alertmanager'));
    const brewInst = createBrewInstaller({ streamer: createProcessStreamer(), runner, search: { searchDirs: [path.join(dir, 'none')], envPath: '' } });
    await docker.configure({ scenario: 'daemon-down' });
    const checks = await runtimeChecks({
      brew: brewInst,
      release,
      source: 'auto',
      dockerComponents: ['grafana'],
      detectDocker: () => detectDocker(runner, { searchDirs: [docker.binDir], envPath: '' }),
      components: ['node_exporter', 'alertmanager', 'prometheus'],
    });
    expect(checks.map((c) => `${c.ok ? 'ok' : 'NO'} ${c.name}: ${c.detail}`)).toEqual([
      expect.stringMatching(/^ok Homebrew: Homebrew is not installed/),
      expect.stringMatching(/^ok Release downloads: release downloads for linux\/amd64 from http:\/\/127.0.0.1/),
      expect.stringMatching(/^NO Docker: the Docker engine is not running .* \(needed by grafana\)$/),
      'ok node_exporter (release install): 1.5.0 installed',
      expect.stringMatching(/^NO alertmanager \(release install\): .*current points at an incomplete install$/),
    ]);
    expect(checks.find((c) => c.name === 'Docker')!.fix).toContain('colima start');
    // With the pinned (newer) catalog, the same install shows an upgrade.
    const pinned = createReleaseInstaller({ home, runner, mirror: server.url });
    expect(await pinned.upgradeInfo('node_exporter')).toMatchObject({ installed: '1.5.0', available: RELEASES.node_exporter!.version, newer: true });
    expect(releaseUpgrades({ node_exporter: '1.5.0', prometheus: null, grafana: '12.0.0' })).toEqual([
      { component: 'node_exporter', source: 'release', installed: '1.5.0', available: RELEASES.node_exporter!.version, newer: true },
      { component: 'prometheus', source: 'release', installed: null, available: RELEASES.prometheus!.version, newer: false },
    ]);
  });
});
