/**
 * The supervisor's Grafana handling, checked against a STAND-IN: Grafana itself cannot run on these machines,
 * so test/fakes/grafana/fake-grafana.mjs plays the `grafana` binary (recorded /api/health and --version output,
 * Grafana's ini layering and `$__file{}` expansion; see test/fixtures/grafana/README.md). Prometheus,
 * Alertmanager and node_exporter are the real ones. How the same was checked on a Mac with Homebrew's Grafana:
 * docs/architecture.md, "Grafana".
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComponentId, ComponentStatus } from '../../common/model';
import type { Core } from '../../main/core/core';
import { listeningSockets, socketInodesOf } from '../../main/core/adapters/port-probe';
import { LOCKED_SETTINGS } from '../../main/core/grafana/component';
import { grafanaSecretFiles } from '../../main/core/grafana/secret-files';
import { startLookout } from '../../main/index';
import type { SettingsInput } from '../../main/core/settings/schema';
import { installFakeGrafana, type FakeGrafana } from '../fakes/grafana/install';
import { startCore } from '../support/core';
import { freePorts, makeHome, processesUsing, waitFor, type TestHome } from '../support/stack-env';

const FAST = { readyPollMs: 100, healthIntervalMs: 500 };

async function status(core: Core, id: ComponentId): Promise<ComponentStatus> {
  const found = (await core.handlers['stack:get']({})).components.find((c) => c.id === id);
  if (!found) throw new Error(`${id} missing from the snapshot`);
  return found;
}

/** Settings of a test home with Grafana turned on and pointed at the stand-in. */
function withGrafana(env: TestHome, fake: FakeGrafana, patch: Record<string, unknown> = {}): SettingsInput {
  const settings = structuredClone(env.settings);
  settings.stack!.components!.grafana = { enabled: true, port: env.ports.grafana, binary: fake.binary, ...patch };
  return settings;
}

async function loopbackOnly(pid: number): Promise<string[]> {
  const inodes = await socketInodesOf(pid);
  return (await listeningSockets()).filter((s) => inodes.has(s.inode)).map((s) => `${s.address}:${s.port}`);
}

const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('Grafana supervised through a stand-in (fake grafana binary replaying recorded output; no real Grafana here)', () => {
  let env: TestHome;
  let fakeDir: string;
  let fake: FakeGrafana;
  let core: Core;

  beforeAll(async () => {
    fakeDir = await mkdtemp(path.join(os.tmpdir(), 'lookout-fake-grafana-'));
    fake = await installFakeGrafana(fakeDir);
    env = await makeHome();
    env.settings = withGrafana(env, fake);
    await env.writeSettings(env.settings);
    core = await startCore(env.home, FAST);
  });
  afterAll(async () => {
    await core?.dispose({ stopStack: true });
    await env?.cleanup();
    await rm(fakeDir, { recursive: true, force: true });
  });

  it('starts it after Prometheus as `grafana server --homepath … --config …`, ready on /api/health, on loopback only', async () => {
    const snap = await core.handlers['stack:start']({});
    const grafana = snap.components.find((c) => c.id === 'grafana')!;
    const prometheus = snap.components.find((c) => c.id === 'prometheus')!;
    expect(grafana).toMatchObject({ state: 'running', binary: fake.binary, version: '10.2.0-pre', port: env.ports.grafana, url: `http://127.0.0.1:${env.ports.grafana}` });
    expect(prometheus.state).toBe('running');
    // dependsOn: Grafana was started once Prometheus had settled.
    expect(grafana.since).toBeGreaterThanOrEqual(prometheus.since);

    const runs = (await fake.invocations()).filter((i) => i.argv[1] !== '--version');
    expect(runs.at(-1)).toEqual({
      pid: grafana.pid,
      argv: [fake.binary, 'server', '--homepath', fake.homepath, '--config', path.join(env.home, 'stack', 'grafana', 'grafana.ini'), ...LOCKED_SETTINGS],
    });
    expect((await fake.invocations()).some((i) => i.argv[1] === '--version')).toBe(true);

    const res = await fetch(`http://127.0.0.1:${env.ports.grafana}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(await readFile(path.resolve(import.meta.dirname, '../fixtures/grafana/api-health.json'), 'utf8')));
    expect(await loopbackOnly(grafana.pid!)).toEqual([`127.0.0.1:${env.ports.grafana}`]);
  });

  it('logs in with the password grafana:credentials hands out, never with admin/admin; the secret is only in its 0600 file', async () => {
    const creds = await core.handlers['grafana:credentials']({});
    expect(creds.user).toBe('admin');
    expect(creds.url).toBe(`http://127.0.0.1:${env.ports.grafana}/login`);
    expect(creds.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const user = `http://127.0.0.1:${env.ports.grafana}/api/user`;
    expect((await fetch(user, { headers: basic('admin', creds.password) })).status).toBe(200);
    expect((await fetch(user, { headers: basic('admin', 'admin') })).status).toBe(401);

    const files = grafanaSecretFiles({ secretsDir: path.join(env.home, 'secrets') });
    for (const file of [files.adminPassword, files.secretKey]) expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(env.home, 'secrets'))).mode & 0o777).toBe(0o700);
    const secretKey = (await readFile(files.secretKey, 'utf8')).trim();
    // Nowhere else in the home: not in settings, rendered configs, pid files or logs.
    const leaks: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (full !== path.join(env.home, 'secrets') && full !== path.join(env.home, 'data')) await walk(full);
        } else {
          const text = await readFile(full, 'utf8').catch(() => '');
          if (text.includes(creds.password) || text.includes(secretKey)) leaks.push(full);
        }
      }
    };
    await walk(env.home);
    expect(leaks).toEqual([]);
  });

  it('keeps Grafana on loopback even when GF_SERVER_HTTP_ADDR=0.0.0.0 is in the environment', async () => {
    process.env.GF_SERVER_HTTP_ADDR = '0.0.0.0';
    try {
      await core.handlers['stack:stop']({ components: ['grafana'] });
      const snap = await core.handlers['stack:start']({ components: ['grafana'] });
      const grafana = snap.components.find((c) => c.id === 'grafana')!;
      expect(grafana.state).toBe('running');
      expect(await loopbackOnly(grafana.pid!)).toEqual([`127.0.0.1:${env.ports.grafana}`]);
    } finally {
      delete process.env.GF_SERVER_HTTP_ADDR;
    }
  });

  it('restarts it when its port changes (grafana.ini changed), and serves on the new port', async () => {
    const before = await status(core, 'grafana');
    const [port] = (await freePorts(1)) as [number];
    env.settings = withGrafana(env, fake, { port });
    await env.writeSettings(env.settings);
    const after = await waitFor('Grafana restarted on the new port', async () => {
      const s = await status(core, 'grafana');
      return s.state === 'running' && s.pid !== before.pid && s.port === port ? s : null;
    }, 30_000);
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    expect(await readFile(path.join(env.home, 'stack', 'grafana', 'grafana.ini'), 'utf8')).toContain(`http_port = ${port}`);
    expect(after.lastExit).toMatchObject({ expected: true, forced: false });
  });

  it('stops it with SIGTERM (a clean exit, no SIGKILL) together with the stack', async () => {
    const snap = await core.handlers['stack:stop']({});
    const grafana = snap.components.find((c) => c.id === 'grafana')!;
    expect(grafana.state).toBe('stopped');
    expect(grafana.lastExit).toMatchObject({ code: 0, expected: true, forced: false });
    expect(await processesUsing(env.home)).toEqual([]);
    expect(await readFile(path.join(env.home, 'logs', 'grafana.log'), 'utf8')).toMatch(/Shutdown started/);
  });
});

describe('older and incomplete Grafana installs (stand-in binaries)', () => {
  let fakeDir: string;
  beforeAll(async () => {
    fakeDir = await mkdtemp(path.join(os.tmpdir(), 'lookout-fake-grafana-'));
  });
  afterAll(async () => {
    await rm(fakeDir, { recursive: true, force: true });
  });

  it('runs a legacy grafana-server stand-in without the `server` subcommand', async () => {
    const fake = await installFakeGrafana(path.join(fakeDir, 'legacy'), { name: 'grafana-server' });
    const env = await makeHome();
    await env.writeSettings(withGrafana(env, fake));
    const core = await startCore(env.home, FAST);
    try {
      const snap = await core.handlers['stack:start']({ components: ['grafana'] });
      const grafana = snap.components.find((c) => c.id === 'grafana')!;
      expect(grafana.state).toBe('running');
      // `grafana-server --version` is not a flag it knows (Go's flag package exits 2), so no version.
      expect(grafana.version).toBeNull();
      const runs = (await fake.invocations()).filter((i) => i.argv[1] !== '--version');
      expect(runs.at(-1)!.argv.slice(1, 3)).toEqual(['--homepath', fake.homepath]);
    } finally {
      await core.dispose({ stopStack: true });
      await env.cleanup();
    }
  });

  it('shows a Grafana whose homepath cannot be found as not-installed, naming the setting that fixes it', async () => {
    const fake = await installFakeGrafana(path.join(fakeDir, 'no-home'), { withHomepath: false });
    const env = await makeHome();
    await env.writeSettings(withGrafana(env, fake));
    const core = await startCore(env.home, FAST);
    try {
      const snap = await core.handlers['stack:start']({ components: ['grafana'] });
      const grafana = snap.components.find((c) => c.id === 'grafana')!;
      expect(grafana.state).toBe('not-installed');
      expect(grafana.lastError).toContain("Grafana's homepath");
      expect(grafana.fix).toContain('stack.components.grafana.homepath');
      expect((await fake.invocations()).filter((i) => i.argv[1] !== '--version')).toEqual([]);
    } finally {
      await core.dispose({ stopStack: true });
      await env.cleanup();
    }
  });
});

describe('grafana:credentials over the HTTP API (browser mode)', () => {
  it('hands the admin password to a caller with the API token only, by POST, uncached', async () => {
    const env = await makeHome();
    const lookout = await startLookout({ mode: 'serve', home: env.home, staticDir: null, logger: pino({ level: 'silent' }) });
    try {
      const url = `${lookout.server.url.replace(/\/$/, '')}/api/v1/grafana/credentials`;
      expect((await fetch(url, { method: 'POST' })).status).toBe(401);
      expect((await fetch(url, { method: 'POST', headers: { Authorization: 'Bearer not-the-token' } })).status).toBe(401);
      expect((await fetch(url, { headers: { Authorization: `Bearer ${lookout.token}` } })).status).toBe(405);
      const res = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${lookout.token}`, 'Content-Type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as { user: string; password: string; url: string };
      const file = grafanaSecretFiles({ secretsDir: path.join(env.home, 'secrets') }).adminPassword;
      expect(body).toEqual({ user: 'admin', password: (await readFile(file, 'utf8')).trim(), url: `http://127.0.0.1:${env.ports.grafana}/login` });
    } finally {
      await lookout.stop();
      await env.cleanup();
    }
  });
});
