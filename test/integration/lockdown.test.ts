/**
 * Endpoint lock-down against the real Prometheus, Alertmanager and node_exporter, run by the built
 * `lookout serve` as a user would: every component refuses a request without the stack credential
 * (and one with a foreign Host, as a DNS-rebinding page sends), while everything of Lookout's — readiness,
 * reloads, scrapes, alerts through Alertmanager to Lookout's webhook, history queries, doctor and the
 * Grafana datasources it provisions — works with it. Then lock-down is turned off and doctor notices.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DoctorCheck } from '../../main/core/doctor-check';
import { statusOf } from '../../main/core/lockdown/doctor-checks';
import { createHttpClient, type HttpClient } from '../../common/http-client';
import { CLI, startServe, type RunningServe } from '../support/serve';
import { getJson, stackAuthHeaders } from '../support/stack-auth';
import { makeHome, waitFor, type TestHome } from '../support/stack-env';

const run = promisify(execFile);
const IDS = ['node_exporter', 'alertmanager', 'prometheus'] as const;

/** Every file under dir, recursively (what a leaked secret could hide in). */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function doctor(home: string): Promise<DoctorCheck[]> {
  const r = await run(process.execPath, [CLI, 'doctor', '--json'], { env: { ...process.env, LOOKOUT_HOME: home } }).catch((e: { stdout: string }) => e);
  return JSON.parse(r.stdout) as DoctorCheck[];
}

describe('lock-down on (the default): the real stack behind basic auth', () => {
  let env: TestHome;
  let serve: RunningServe;
  let api: HttpClient;
  let auth: Record<string, string>;
  const url = (id: (typeof IDS)[number], p: string) => `http://127.0.0.1:${env.ports[id]}${p}`;

  beforeAll(async () => {
    env = await makeHome();
    env.settings = { ...env.settings, stack: { ...env.settings.stack, lockdown: { enabled: true } } };
    await env.writeSettings(env.settings);
    serve = await startServe(env.home);
    api = createHttpClient({ baseUrl: serve.info.url, token: serve.info.token, timeoutMs: 90_000 });
    auth = await stackAuthHeaders(env.home);
  });
  afterAll(async () => {
    if (api) await api.stack.stop({}).catch(() => undefined);
    await serve?.stop();
    await env?.cleanup();
  });

  it('starts and readies all three with the credential (readiness probes authenticate)', async () => {
    const snap = await api.stack.start({});
    expect(snap.components.map((c) => [c.id, c.state])).toEqual(IDS.map((id) => [id, 'running']));
    for (const c of snap.components) {
      const argv = (await readFile(`/proc/${c.pid}/cmdline`, 'utf8')).split('\0');
      expect(argv).toContain(`--web.config.file=${path.join(env.home, 'stack', 'web-config.yml')}`);
    }
  });

  it('keeps the password in one 0600 file; the web config holds only its bcrypt hash and promtool accepts it', async () => {
    const secret = path.join(env.home, 'secrets', 'stack-password');
    const password = (await readFile(secret, 'utf8')).trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(secret)).mode & 0o777).toBe(0o600);
    const webConfig = path.join(env.home, 'stack', 'web-config.yml');
    expect((await stat(webConfig)).mode & 0o777).toBe(0o600);
    const doc = parse(await readFile(webConfig, 'utf8')) as { basic_auth_users: Record<string, string> };
    expect(doc.basic_auth_users.lookout).toMatch(/^\$2[aby]\$10\$/);
    const { stdout, stderr } = await run('promtool', ['check', 'web-config', webConfig]);
    expect(`${stdout}${stderr}`).toContain('SUCCESS');
    // Not in settings, a rendered config, a log line or anything else under the home but its own file.
    const leaks: string[] = [];
    for (const f of await filesUnder(env.home)) {
      if (f === secret || f.includes(`${path.sep}data${path.sep}`)) continue;
      if ((await readFile(f)).includes(password)) leaks.push(path.relative(env.home, f));
    }
    expect(leaks).toEqual([]);
  });

  it('answers 401 to a request without credentials, with a wrong password, and with a rebinding Host', async () => {
    const wrong = { Authorization: `Basic ${Buffer.from('lookout:guess').toString('base64')}` };
    const paths = { prometheus: ['/', '/-/ready', '/metrics', '/api/v1/query?query=up', '/api/v1/admin/tsdb/snapshot'], alertmanager: ['/', '/-/ready', '/api/v2/alerts', '/metrics'], node_exporter: ['/', '/metrics'] };
    const table: string[] = [];
    for (const id of IDS) {
      for (const p of paths[id]) {
        const anonymous = await statusOf(url(id, p));
        const guessed = await statusOf(url(id, p), wrong);
        const rebound = await statusOf(url(id, p), { Host: `attacker.example:${env.ports[id]}` });
        table.push(`${id}${p}: ${anonymous} / ${guessed} / ${rebound}`);
        expect([anonymous, guessed, rebound], `${id}${p}`).toEqual([401, 401, 401]);
      }
    }
    // The admin API behind the lock, with the credential: a POST is the only way in.
    const snapshot = await fetch(url('prometheus', '/api/v1/admin/tsdb/snapshot?skip_head=true'), { method: 'POST' });
    expect(snapshot.status).toBe(401);
    console.log(`unauthenticated / wrong password / foreign Host:\n  ${table.join('\n  ')}`);
  });

  it('scrapes its own components through the lock, and sends alerts to Alertmanager and on to Lookout', async () => {
    const prom = `http://127.0.0.1:${env.ports.prometheus}`;
    await waitFor('prometheus, alertmanager and node_exporter targets up', async () => {
      const data = await getJson<{ data: { activeTargets: Array<{ labels: { job: string }; health: string }> } }>(`${prom}/api/v1/targets?state=active`, auth);
      const up = new Set(data.data.activeTargets.filter((t) => t.health === 'up').map((t) => t.labels.job));
      return IDS.every((j) => up.has(j));
    }, 30_000, 500);
    const ams = await getJson<{ data: { activeAlertmanagers: Array<{ url: string }> } }>(`${prom}/api/v1/alertmanagers`, auth);
    expect(ams.data.activeAlertmanagers.map((a) => a.url)).toEqual([`http://127.0.0.1:${env.ports.alertmanager}/api/v2/alerts`]);
    // The Watchdog fires always: it must reach Alertmanager (basic auth) and then Lookout's webhook.
    await waitFor('the Watchdog in Alertmanager', async () => {
      const alerts = await getJson<Array<{ labels: { alertname: string } }>>(url('alertmanager', '/api/v2/alerts'), auth);
      return alerts.some((a) => a.labels.alertname === 'Watchdog');
    }, 60_000, 500);
    const snap = await waitFor('the Watchdog at Lookout, and both sources reachable', async () => {
      const s = await api.alerts.get({});
      return s.lastWatchdogAt !== null && s.alertmanager.reachable && s.prometheus.reachable ? s : null;
    }, 60_000, 500);
    expect(snap.alertmanager.error).toBeNull();
  });

  it('reads history through the Prometheus client with the credential', async () => {
    const history = await api.metrics.history({ range: '1h' });
    // Every query failing (as all would with a 401) sets error; a client that authenticates gets none.
    expect(history.error).toBeNull();
  });

  it('reloads Prometheus (POST /-/reload with the credential) for a new scrape target, without a restart', async () => {
    const before = (await api.stack.get({})).components.find((c) => c.id === 'prometheus')!;
    env.settings = { ...env.settings, services: [{ name: 'llm', url: 'http://127.0.0.1:1' }] };
    await env.writeSettings(env.settings);
    await waitFor("the llm job in Prometheus' running config", async () => {
      const body = await getJson<{ data: { yaml: string } }>(url('prometheus', '/api/v1/status/config'), auth);
      return body.data.yaml.includes('job_name: llm');
    }, 20_000, 250);
    const after = (await api.stack.get({})).components.find((c) => c.id === 'prometheus')!;
    expect(after.pid).toBe(before.pid);
    expect(after.lastError).toBeNull();
  });

  it("provisions Grafana's datasources with a login that the real components accept ($__file expanded as Grafana does)", async () => {
    // Grafana cannot run here: expand the provisioning file the way Grafana does (split on $$, $__file{} → file
    // content trimmed) and log in to each datasource's URL with what it yields.
    const file = path.join(env.home, 'stack', 'grafana', 'provisioning', 'datasources', 'lookout.yaml');
    const doc = parse(await readFile(file, 'utf8')) as { datasources: Array<{ type: string; url: string; basicAuth?: boolean; basicAuthUser?: string; secureJsonData?: Record<string, string> }> };
    const expand = async (v: string) => {
      const m = /^\$__file\{(.+)\}$/.exec(v);
      if (!m) throw new Error(`not a $__file reference: ${v}`);
      return (await readFile(m[1]!, 'utf8')).trim();
    };
    for (const ds of doc.datasources) {
      expect(ds.basicAuth).toBe(true);
      const password = await expand(ds.secureJsonData!.basicAuthPassword!);
      const headers = { Authorization: `Basic ${Buffer.from(`${ds.basicAuthUser}:${password}`).toString('base64')}` };
      const probe = ds.type === 'prometheus' ? '/api/v1/query?query=up' : '/api/v2/status';
      expect(await statusOf(ds.url + probe, headers), ds.type).toBe(200);
      expect(await statusOf(ds.url + probe), `${ds.type} without the login`).toBe(401);
    }
  });

  it('doctor checks the lock: 401 without credentials, 2xx with them, for each component', async () => {
    const checks = (await doctor(env.home)).filter((c) => c.name.startsWith('lock-down'));
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['lock-down: Prometheus', true],
      ['lock-down: Alertmanager', true],
      ['lock-down: node_exporter', true],
    ]);
    for (const c of checks) expect(c.detail).toMatch(/^401 without credentials \(also to a foreign Host\), 200 with the stack credential$/);
  });

  it('turned off, the components restart without the web config and answer anyone; doctor flags an open one', async () => {
    const before = (await api.stack.get({})).components;
    env.settings = { ...env.settings, stack: { ...env.settings.stack, lockdown: { enabled: false } } };
    await env.writeSettings(env.settings);
    await waitFor('all three restarted without --web.config.file', async () => {
      const snap = await api.stack.get({});
      return snap.components.every((c) => c.state === 'running' && c.pid !== before.find((b) => b.id === c.id)!.pid);
    }, 60_000, 250);
    for (const id of IDS) expect(await statusOf(url(id, id === 'node_exporter' ? '/' : '/-/ready')), id).toBe(200);
    // Without the lock the admin API is off too.
    const snapshot = await fetch(url('prometheus', '/api/v1/admin/tsdb/snapshot'), { method: 'POST' });
    expect(snapshot.ok).toBe(false);
    const off = (await doctor(env.home)).filter((c) => c.name.startsWith('lock-down'));
    expect(off).toEqual([expect.objectContaining({ name: 'lock-down', ok: true, detail: expect.stringMatching(/^off \(stack\.lockdown\.enabled\)/) })]);

    // Settings say on but the running processes still lack the flag (as after a hand-started component): doctor says so.
    const stale = { ...env.settings, stack: { ...env.settings.stack, lockdown: { enabled: true } } };
    await serve.stop();
    await env.writeSettings(stale);
    const checks = (await doctor(env.home)).filter((c) => c.name.startsWith('lock-down'));
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['lock-down: Prometheus', false],
      ['lock-down: Alertmanager', false],
      ['lock-down: node_exporter', false],
    ]);
    expect(checks[0]!.detail).toMatch(/without credentials it answers 200; to a foreign Host it answers 200 instead of 401/);
    console.log(`doctor on an open stack:\n  ${checks.map((c) => `${c.name}: ${c.detail}`).join('\n  ')}`);
  });
});
