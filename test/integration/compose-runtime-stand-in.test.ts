/**
 * The Docker Compose runtime against the docker STAND-IN (test/fakes/docker-stand-in.mjs; formats and
 * sources in test/fakes/docker-stand-in.md): no Docker engine runs on these machines. The runtime runs
 * it through the real ProcessStreamer and CommandRunner, with the compose file it rendered itself.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InstallProgress } from '../../common/install';
import pino from 'pino';
import { installCommand } from '../../main/cli/install';
import { createInstallService } from '../../main/core/install/service';
import { paths as homePaths } from '../../main/core/paths';
import { settingsSchema } from '../../main/core/settings/schema';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import { renderCompose } from '../../main/core/runtime/compose-file';
import type { ComposeEvent } from '../../main/core/runtime/compose-output';
import { createComposeRuntime } from '../../main/core/runtime/compose-runtime';
import { detectDocker } from '../../main/core/runtime/docker-detect';
import { createProcessStreamer } from '../../main/core/runtime/process-stream';
import { installDockerStandIn, type DockerStandIn } from '../fakes/install-docker-stand-in';

let dir: string;
let docker: DockerStandIn;
let file: string;
const runner = createCommandRunner();

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-compose-'));
  docker = await installDockerStandIn(dir);
  file = path.join(dir, 'docker-compose.yml');
  await writeFile(file, renderCompose({ stackDir: path.join(dir, 'stack'), components: { prometheus: { port: 19090 }, alertmanager: { port: 19093 }, node_exporter: { port: 19100 } } }));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const runtime = async () => {
  const found = await detectDocker(runner, { searchDirs: [docker.binDir], envPath: '' });
  expect(found.ok).toBe(true);
  return createComposeRuntime({ streamer: createProcessStreamer(), runner, docker: found.docker!, file, progressJson: found.progressJson! });
};

describe('Docker detection (docker stand-in)', () => {
  it('names the engine behind the current context: Docker Desktop, OrbStack, Colima', async () => {
    expect(await detectDocker(runner, { searchDirs: [docker.binDir], envPath: '' })).toMatchObject({
      ok: true,
      engine: 'Docker Desktop',
      context: 'desktop-linux',
      serverVersion: '29.1.2',
      composeVersion: '2.39.1',
      progressJson: true,
      detail: 'Docker Desktop (context desktop-linux), engine 29.1.2, Compose 2.39.1',
    });
    await docker.configure({ context: 'orbstack', operatingSystem: 'OrbStack' });
    expect((await detectDocker(runner, { searchDirs: [docker.binDir], envPath: '' })).engine).toBe('OrbStack');
    await docker.configure({ context: 'colima', operatingSystem: 'Ubuntu 24.04.2 LTS', composeVersion: '2.20.2' });
    expect(await detectDocker(runner, { searchDirs: [docker.binDir], envPath: '' })).toMatchObject({ engine: 'Colima', progressJson: false });
  });

  it('engine not running: "Cannot connect to the Docker daemon" becomes a reason and the fix', async () => {
    await docker.configure({ scenario: 'daemon-down' });
    expect(await detectDocker(runner, { searchDirs: [docker.binDir], envPath: '' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^the Docker engine is not running \(context desktop-linux\): Cannot connect to the Docker daemon at unix:\/\/\/Users\/me\/.docker\/run\/docker.sock/),
      fix: expect.stringContaining('colima start'),
    });
  });

  it('no docker at all', async () => {
    expect(await detectDocker(runner, { searchDirs: [path.join(dir, 'none')], envPath: '' })).toMatchObject({ ok: false, reason: expect.stringContaining('docker command was not found') });
  });
});

describe('Compose runtime (docker stand-in)', () => {
  it('start: pulls with per-component byte progress, then up -d --wait; status from ps --format json', async () => {
    const rt = await runtime();
    const events: InstallProgress[] = [];
    const steps: string[] = [];
    const status = await rt.start({ onProgress: (e) => events.push(e), onContainer: (s, t) => steps.push(`${s} ${t}`) });
    expect(status).toEqual([
      { service: 'node-exporter', state: 'running', health: 'healthy', exitCode: 0, ports: ['127.0.0.1:19100->19100/tcp'] },
      { service: 'alertmanager', state: 'running', health: 'healthy', exitCode: 0, ports: ['127.0.0.1:19093->19093/tcp'] },
      { service: 'prometheus', state: 'running', health: 'healthy', exitCode: 0, ports: ['127.0.0.1:19090->19090/tcp'] },
    ]);
    const prom = events.filter((e) => e.component === 'prometheus');
    expect(prom[0]).toMatchObject({ source: 'docker', phase: 'downloading', message: 'Pulling prom/prometheus:v3.14.0' });
    expect(prom.at(-1)).toMatchObject({ phase: 'done', message: 'Pulled prom/prometheus:v3.14.0' });
    const bytes = prom.filter((e) => e.bytesTotal);
    expect(bytes.at(-1)).toMatchObject({ bytesDone: 15_500_000, bytesTotal: 15_500_000 });
    expect(bytes[0]!.bytesDone).toBeLessThan(bytes[0]!.bytesTotal!);
    expect(steps).toContain('prometheus Healthy');
    const argv = await docker.invocations();
    expect(argv).toContainEqual(['compose', '--progress', 'json', '-p', 'lookout', '-f', file, 'up', '--detach', '--wait', '--wait-timeout', '180', '--remove-orphans']);
    expect(argv).toContainEqual(['compose', '-p', 'lookout', '-f', file, 'ps', '--all', '--format', 'json']);
  });

  it('up --wait failure: the unhealthy container is named', async () => {
    await docker.configure({ scenario: 'unhealthy' });
    const rt = await runtime();
    await expect(rt.start()).rejects.toMatchObject({ message: 'a container did not become healthy: Container lookout-prometheus-1: Error container lookout-prometheus-1 is unhealthy', fix: expect.stringContaining('logs') });
  });

  it('reads ps from Compose before 2.21 (one JSON array) and uses plain progress before 2.29', async () => {
    await docker.configure({ composeVersion: '2.20.2' });
    const rt = await runtime();
    const status = await rt.start();
    expect(status.map((s) => `${s.service}:${s.state}:${s.health}`)).toEqual(['node-exporter:running:healthy', 'alertmanager:running:healthy', 'prometheus:running:healthy']);
    expect((await docker.invocations()).some((a) => a.includes('--progress') && a[a.indexOf('--progress') + 1] === 'plain')).toBe(true);
  });

  it('events: state changes as they happen, a crash with its exit code; stop ends the stream', async () => {
    await docker.configure({ scenario: 'crash' });
    const rt = await runtime();
    await rt.start();
    const seen: ComposeEvent[] = [];
    const watch = rt.watch((e) => seen.push(e));
    const t0 = Date.now();
    while (!seen.some((e) => e.action === 'die') && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    watch.stop();
    expect(await watch.ended).toBeNull();
    expect(seen.filter((e) => e.action === 'start').map((e) => e.service)).toEqual(['node-exporter', 'alertmanager', 'prometheus']);
    expect(seen.filter((e) => e.health === 'healthy')).toHaveLength(3);
    expect(seen.find((e) => e.action === 'die')).toMatchObject({ service: 'prometheus', exitCode: 2 });
  });

  it('stop: docker compose down, never with -v, so the named volumes (the data) stay', async () => {
    const rt = await runtime();
    await rt.start();
    await rt.stop();
    expect(await docker.state()).toMatchObject({ up: false, volumes: ['alertmanager-data', 'prometheus-data'] });
    expect(await rt.status()).toEqual([]);
    const down = (await docker.invocations()).find((a) => a.includes('down'))!;
    expect(down).toEqual(['compose', '-p', 'lookout', '-f', file, 'down', '--remove-orphans']);
  });

  it('engine down after detection: every command says so, with the fix', async () => {
    const rt = await runtime();
    await docker.configure({ scenario: 'daemon-down' });
    await expect(rt.start()).rejects.toMatchObject({ message: expect.stringContaining('the Docker engine is not running: Cannot connect to the Docker daemon'), fix: expect.stringContaining('OrbStack') });
    await expect(rt.status()).rejects.toMatchObject({ message: expect.stringContaining('Cannot connect to the Docker daemon') });
    await expect(rt.stop()).rejects.toMatchObject({ fix: expect.stringContaining('colima start') });
  });
});

describe('lookout install --runtime docker (docker stand-in)', () => {
  const before = process.env.LOOKOUT_HOME;
  afterEach(() => {
    vi.restoreAllMocks();
    if (before === undefined) delete process.env.LOOKOUT_HOME;
    else process.env.LOOKOUT_HOME = before;
  });

  it('pulls the images with byte progress and switches the components to runtime "docker" in settings.json', async () => {
    const home = path.join(dir, 'home');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'settings.json'), JSON.stringify({ docker: { binary: docker.docker } }));
    process.env.LOOKOUT_HOME = home;
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (out.push(String(s)), true));
    expect(await installCommand.run(['prometheus', 'alertmanager'], { runtime: 'docker' })).toBe(0);
    const text = out.join('');
    expect(text).toContain('docker: Docker Desktop (context desktop-linux)');
    expect(text).toMatch(/prometheus\s+downloading\s+\d+\.\d \/ \d+\.\d MiB/);
    expect(text).toContain('prometheus    runs as container lookout-prometheus-1');
    expect(text).toContain('alertmanager  runs as container lookout-alertmanager-1');
    const saved = JSON.parse(await readFile(path.join(home, 'settings.json'), 'utf8'));
    expect(saved.stack.components).toMatchObject({ prometheus: { runtime: 'docker' }, alertmanager: { runtime: 'docker' } });
    expect(saved.stack.components.node_exporter?.runtime).toBeUndefined();
    const pull = (await docker.invocations()).find((a) => a.includes('pull'))!;
    expect(pull).toEqual(expect.arrayContaining(['--progress', 'json', '-p', 'lookout']));
  });

  it('names the fix when there is no engine, and changes nothing', async () => {
    const home = path.join(dir, 'home2');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'settings.json'), JSON.stringify({ docker: { binary: docker.docker } }));
    await docker.configure({ scenario: 'daemon-down' });
    process.env.LOOKOUT_HOME = home;
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    expect(await installCommand.run(['prometheus'], { runtime: 'docker' })).toBe(1);
    expect(err.join('')).toMatch(/the Docker engine is not running[\s\S]*fix: start Docker Desktop or OrbStack, or run `colima start`/);
    expect(JSON.parse(await readFile(path.join(home, 'settings.json'), 'utf8'))).toEqual({ docker: { binary: docker.docker } });
  });
});

describe('install:start with source "docker" (docker stand-in)', () => {
  it('switches the components to containers, reports pull progress per component, and install:status counts them installed', async () => {
    const home = path.join(dir, 'home3');
    await mkdir(home, { recursive: true });
    const p = homePaths(home);
    await writeFile(p.settings, JSON.stringify({ docker: { binary: docker.docker } }));
    let current = settingsSchema.parse({ docker: { binary: docker.docker } });
    const events: InstallProgress[] = [];
    const service = createInstallService({
      paths: p,
      runner,
      logger: pino({ level: 'silent' }),
      settings: () => current,
      search: { envPath: '' },
      onProgress: (e) => events.push(e),
      onInstalled: () => undefined,
    });
    const started = await service.handlers['install:start']({ components: ['prometheus', 'grafana'], source: 'docker' });
    expect(started.started).toEqual(['prometheus', 'grafana']);
    const done = () => [...new Set(events.filter((e) => e.phase === 'done' && /runs as a container/.test(e.message)).map((e) => e.component))].sort();
    for (let i = 0; i < 100 && done().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(done()).toEqual(['grafana', 'prometheus']);
    const pulled = events.filter((e) => e.component === 'grafana' && e.phase === 'downloading' && e.bytesTotal);
    expect(pulled.length).toBeGreaterThan(0);
    current = settingsSchema.parse(JSON.parse(await readFile(p.settings, 'utf8')));
    expect(current.stack.components.grafana.runtime).toBe('docker');
    const status = await service.handlers['install:status']({});
    expect(status.components.find((c) => c.component === 'grafana')).toMatchObject({ installed: true, origin: 'docker', binary: 'grafana/grafana:12.4.3', version: '12.4.3' });
    expect(status.components.find((c) => c.component === 'alertmanager')).toMatchObject({ origin: null });
    service.dispose();
  });
});
