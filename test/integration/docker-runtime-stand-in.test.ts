/**
 * The Docker runtime behind the supervisor (issue 13), end to end against the docker STAND-IN's "engine"
 * scenario (test/fakes/docker-stand-in-engine.mjs): no Docker engine runs on these machines, so a
 * "container" there is the Debian build of the image's program, run with the command from the compose file
 * Lookout rendered. Everything on Lookout's side is real: the rendered compose project and configs, the
 * supervisor, readiness on the published loopback ports, the compose commands through the real process port.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ComponentId, ComponentStatus } from '../../common/model';
import type { Core } from '../../main/core/core';
import { IMAGES } from '../../main/core/runtime/compose-file';
import { installDockerStandIn, type DockerStandIn } from '../fakes/install-docker-stand-in';
import { startCore } from '../support/core';
import { makeHome, processesUsing, waitFor, type TestHome } from '../support/stack-env';

const IDS: ComponentId[] = ['node_exporter', 'alertmanager', 'prometheus'];
const SERVICES = { node_exporter: 'node-exporter', alertmanager: 'alertmanager', prometheus: 'prometheus' } as const;

let env: TestHome;
let docker: DockerStandIn;
let core: Core;

const status = async (id: ComponentId): Promise<ComponentStatus> => (await core.handlers['stack:get']({})).components.find((c) => c.id === id)!;
const binaryPid = async (service: string) => Number(await readFile(path.join(docker.binDir, 'containers', `${service}.exit.pid`), 'utf8'));
const composeCalls = async (sub: string) => (await docker.invocations()).filter((a) => a[0] === 'compose' && a[5] === sub);

beforeAll(async () => {
  env = await makeHome();
  // The stand-in's dir inside the home, so the home's cleanup also sweeps its "containers".
  docker = await installDockerStandIn(path.join(env.home, 'docker-stand-in'), { scenario: 'engine' });
  await env.writeSettings({
    ...env.settings,
    stack: {
      ...env.settings.stack,
      components: Object.fromEntries(
        Object.entries(env.settings.stack!.components!).map(([id, c]) => [id, IDS.includes(id as ComponentId) ? { ...c, runtime: 'docker' } : c]),
      ),
    },
    docker: { binary: docker.docker, waitTimeoutSeconds: 30 },
  });
  core = await startCore(env.home, { startTimeoutMs: 30_000 });
});
afterAll(async () => {
  await core?.dispose({ stopStack: true });
  await env?.cleanup();
});

describe('components with runtime "docker" (docker stand-in)', () => {
  it('renders one compose project with loopback-only ports, and configs that use container addresses', async () => {
    const compose = parse(await readFile(path.join(env.home, 'stack', 'docker-compose.yml'), 'utf8')) as { services: Record<string, { ports: string[]; image: string }> };
    expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'node-exporter', 'prometheus']);
    for (const s of Object.values(compose.services)) for (const p of s.ports) expect(p).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    const prom = parse(await readFile(path.join(env.home, 'stack', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
      alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    };
    const targets = Object.fromEntries(prom.scrape_configs.map((j) => [j.job_name, j.static_configs[0]!.targets[0]]));
    expect(targets).toMatchObject({
      prometheus: `prometheus:${env.ports.prometheus}`,
      alertmanager: `alertmanager:${env.ports.alertmanager}`,
      node_exporter: `node-exporter:${env.ports.node_exporter}`,
      lookout: `host.docker.internal:${env.ports.lookout}`,
    });
    expect(prom.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual([`alertmanager:${env.ports.alertmanager}`]);
    const am = await readFile(path.join(env.home, 'stack', 'alertmanager.yml'), 'utf8');
    expect(am).toContain(`http://host.docker.internal:${env.ports.lookout}/`);
  });

  it('starts each as a container: running, ready on its published port, the image tag as version, no host pid', async () => {
    await core.handlers['stack:start']({});
    const snap = await waitFor('all three running', async () => {
      const s = await core.handlers['stack:get']({});
      return s.components.every((c) => c.state === 'running') ? s : null;
    });
    expect(snap.components.map((c) => c.id)).toEqual(IDS);
    for (const c of snap.components) {
      expect(c.container).toBe(`lookout-${SERVICES[c.id as keyof typeof SERVICES]}-1`);
      expect(c.pid).toBeNull();
      expect(c.version).toBe(IMAGES[c.id].split(':v')[1]);
      expect(c.binary).toBe(docker.docker);
    }
    expect((await fetch(`http://127.0.0.1:${env.ports.prometheus}/-/ready`)).status).toBe(200);
    // One `up --wait --no-deps <service>` each, in dependency order.
    const ups = await composeCalls('up');
    expect(ups).toHaveLength(3);
    expect(ups.slice(0, 2).map((a) => a.at(-1)).sort()).toEqual(['alertmanager', 'node-exporter']);
    expect(ups[2]!.at(-1)).toBe('prometheus');
    for (const a of ups) expect(a).toEqual(expect.arrayContaining(['--detach', '--wait', '--no-deps']));
  });

  it('sees a container die through compose events and brings it back', async () => {
    const before = await status('prometheus');
    const pid = await binaryPid('prometheus');
    process.kill(pid, 'SIGKILL');
    const after = await waitFor('Prometheus running again in a new container', async () => {
      const s = await status('prometheus');
      return s.state === 'running' && s.restarts === before.restarts + 1 ? s : null;
    });
    expect(after.lastExit).toMatchObject({ code: 137, expected: false });
    expect(await binaryPid('prometheus')).not.toBe(pid);
  });

  it('recreates a container whose compose service changed with the settings', async () => {
    const pid = await binaryPid('prometheus');
    await core.handlers['settings:update']({ changes: [{ path: ['stack', 'retention', 'time'], value: '3d' }] });
    await waitFor('Prometheus recreated with the new retention', async () => {
      const s = await status('prometheus');
      if (s.state !== 'running') return null;
      const next = await binaryPid('prometheus').catch(() => pid);
      return next !== pid ? next : null;
    }, 60_000);
    const compose = await readFile(path.join(env.home, 'stack', 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('--storage.tsdb.retention.time=3d');
  });

  it('is adopted by the next Lookout through `ps`, not started again', async () => {
    await core.dispose({ stopStack: false });
    const ups = (await composeCalls('up')).length;
    core = await startCore(env.home, { startTimeoutMs: 30_000 });
    const s = await waitFor('Prometheus adopted', async () => {
      const st = await status('prometheus');
      return st.state === 'running' ? st : null;
    });
    expect(s).toMatchObject({ adopted: true, container: 'lookout-prometheus-1' });
    expect((await composeCalls('up')).length).toBe(ups);
  });

  it('stops every container with its grace period, leaving no process behind', async () => {
    const snap = await core.handlers['stack:stop']({});
    expect(snap.components.every((c) => c.state === 'stopped')).toBe(true);
    const stops = await composeCalls('stop');
    expect(stops.find((a) => a.at(-1) === 'prometheus')).toEqual(expect.arrayContaining(['-t', '30']));
    await waitFor('no component process left', async () => (await processesUsing(path.join(env.home, 'docker-stand-in'))).length === 0);
  });
});
