/**
 * Attach mode against a real Prometheus the test starts by hand (its own basic auth, outside the Lookout
 * home): Lookout neither starts nor stops it, probes it with the attach credentials for its state, and its
 * clients, links and Grafana datasource use its URL; Alertmanager and node_exporter stay Lookout's own.
 * Then the attach setting is removed and Lookout's own Prometheus takes over.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ComponentStatus } from '../../common/model';
import type { Core } from '../../main/core/core';
import { startCore } from '../support/core';
import { freePorts, makeHome, processesUsing, waitFor, type TestHome } from '../support/stack-env';

describe('attached to a Prometheus Lookout does not run', () => {
  let env: TestHome;
  let core: Core;
  let outside: string;
  let port: number;
  let theirs: ChildProcess;
  const password = 'their-prometheus-password';

  const prometheusStatus = async (): Promise<ComponentStatus> => (await core.handlers['stack:get']({})).components.find((c) => c.id === 'prometheus')!;

  async function startTheirs(): Promise<ChildProcess> {
    const child = spawn('prometheus', [
      `--config.file=${outside}/prometheus.yml`,
      `--storage.tsdb.path=${outside}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.config.file=${outside}/web.yml`,
    ], { stdio: 'ignore' });
    await waitFor('their Prometheus ready', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/-/ready`, { headers: { Authorization: `Basic ${Buffer.from(`ops:${password}`).toString('base64')}` } }).catch(() => null);
      return res?.ok;
    }, 30_000, 100);
    return child;
  }

  beforeAll(async () => {
    outside = await mkdtemp(path.join(os.tmpdir(), 'lookout-attached-'));
    [port] = (await freePorts(1)) as [number];
    await writeFile(`${outside}/prometheus.yml`, `global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: theirs\n    basic_auth: { username: ops, password: ${password} }\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`);
    await writeFile(`${outside}/web.yml`, `basic_auth_users:\n  ops: ${bcrypt.hashSync(password, 10)}\n`);
    await writeFile(`${outside}/password`, `${password}\n`, { mode: 0o600 });
    theirs = await startTheirs();
    env = await makeHome();
    env.settings = {
      ...env.settings,
      stack: {
        ...env.settings.stack,
        lockdown: { enabled: true },
        components: { ...env.settings.stack!.components, prometheus: { port: env.ports.prometheus, attach: { url: `http://127.0.0.1:${port}/`, username: 'ops', passwordFile: `${outside}/password` } } },
      },
    };
    await env.writeSettings(env.settings);
    core = await startCore(env.home, { healthIntervalMs: 500 });
  });
  afterAll(async () => {
    await core?.dispose({ stopStack: true });
    theirs?.kill('SIGTERM');
    await env?.cleanup();
    await rm(outside, { recursive: true, force: true });
  });

  it('watches it as running (no pid of its own) and runs the rest of the stack itself', async () => {
    const snap = await core.handlers['stack:start']({});
    const byId = Object.fromEntries(snap.components.map((c) => [c.id, c]));
    expect(byId.prometheus).toMatchObject({ state: 'running', pid: null, url: `http://127.0.0.1:${port}`, port, detail: `attached to http://127.0.0.1:${port}` });
    expect(byId.alertmanager!.state).toBe('running');
    expect(byId.node_exporter!.state).toBe('running');
    // Two processes of Lookout's own: Alertmanager and node_exporter. No Prometheus in the home.
    const ours = await processesUsing(env.home);
    expect(ours.map((p) => path.basename(p.argv[0]!)).sort()).toEqual(['prometheus-alertmanager', 'prometheus-node-exporter']);
  });

  it("talks to it with its credentials: the alert watchdog's probe, the query client, links and Grafana", async () => {
    const alerts = await waitFor('Prometheus reachable for the alerting loop', async () => {
      const s = await core.handlers['alerts:get']({});
      return s.prometheus.reachable ? s : null;
    }, 20_000, 250);
    expect(alerts.prometheus.error).toBeNull();
    const history = await core.handlers['metrics:history']({ range: '1h' });
    expect(history.error).toBeNull();
    const { links } = await core.handlers['links:get']({});
    const promLinks = links.filter((l) => l.url.includes(`:${port}/`));
    expect(promLinks.length).toBeGreaterThan(0);
    expect(links.some((l) => l.url.includes(`:${env.ports.prometheus}/`))).toBe(false);
    const ds = parse(await readFile(path.join(env.home, 'stack', 'grafana', 'provisioning', 'datasources', 'lookout.yaml'), 'utf8')) as { datasources: Array<Record<string, unknown>> };
    expect(ds.datasources[0]).toMatchObject({ url: `http://127.0.0.1:${port}`, basicAuth: true, basicAuthUser: 'ops', secureJsonData: { basicAuthPassword: `$__file{${outside}/password}` } });
  });

  it('stop leaves it running (only the watching stops); a Prometheus that goes away is unhealthy, not restarted', async () => {
    await core.handlers['stack:stop']({});
    expect(theirs.exitCode).toBeNull();
    expect(await prometheusStatus()).toMatchObject({ state: 'stopped', detail: expect.stringMatching(/Lookout does not stop it/) });
    await core.handlers['stack:start']({});
    theirs.kill('SIGTERM');
    await new Promise((r) => theirs.once('exit', r));
    const down = await waitFor('attached Prometheus unhealthy', async () => {
      const s = await prometheusStatus();
      return s.state === 'unhealthy' ? s : null;
    }, 20_000, 200);
    expect(down.lastError).toMatch(/is not answering: ECONNREFUSED/);
    expect(await processesUsing(`127.0.0.1:${port}`)).toEqual([]);
    theirs = await startTheirs();
    await waitFor('running again once it is back', async () => (await prometheusStatus()).state === 'running', 20_000, 200);
  });

  it('says so when it refuses the attach credentials', async () => {
    await writeFile(`${outside}/password`, 'wrong\n');
    const refused = await waitFor('attached Prometheus unhealthy with 401', async () => {
      const s = await prometheusStatus();
      return s.state === 'unhealthy' ? s : null;
    }, 20_000, 200);
    expect(refused.lastError).toMatch(/HTTP 401/);
    await writeFile(`${outside}/password`, `${password}\n`);
    await waitFor('running with the right password again', async () => (await prometheusStatus()).state === 'running', 20_000, 200);
  });

  it('without the attach setting, Lookout runs its own Prometheus on its own port and stops watching theirs', async () => {
    env.settings = { ...env.settings, stack: { ...env.settings.stack, components: { ...env.settings.stack!.components, prometheus: { port: env.ports.prometheus } } } };
    await env.writeSettings(env.settings);
    const own = await waitFor('Lookout\'s own Prometheus running', async () => {
      const s = await prometheusStatus();
      return s.state === 'running' && s.pid !== null ? s : null;
    }, 60_000, 250);
    expect(own).toMatchObject({ port: env.ports.prometheus, url: `http://127.0.0.1:${env.ports.prometheus}` });
    expect(theirs.exitCode).toBeNull();
  });
});
