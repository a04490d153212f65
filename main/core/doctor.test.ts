import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommandRunner } from './adapters/command-runner';
import { createPortProbe } from './adapters/port-probe';
import type { DoctorCheck } from './doctor-check';
import { formatDoctor, runDoctor, type DoctorDeps } from './doctor';
import { paths as makePaths, type Paths } from './paths';
import { settingsSchema, type SettingsInput } from './settings/schema';
import { createSettingsStore } from './settings/store';

// Real binaries (/usr/bin), real promtool/amtool, real sockets: nothing here is faked.
const runner = createCommandRunner();
const probe = createPortProbe(runner);
let home: string;
let paths: Paths;
const children: ChildProcess[] = [];

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => resolve(s)); })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** A child process holding 127.0.0.1:port. */
function holdPort(port: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.log('up')); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', () => resolve(child.pid!));
  });
}

/** Settings on free ports, so the machine's own services never make a test flaky. */
async function input(extra: SettingsInput = {}): Promise<SettingsInput> {
  const [p, a, n, l] = await freePorts(4);
  return {
    ...extra,
    lookout: { port: l!, ...extra.lookout },
    stack: {
      ...extra.stack,
      components: {
        prometheus: { port: p!, ...extra.stack?.components?.prometheus },
        alertmanager: { port: a!, ...extra.stack?.components?.alertmanager },
        node_exporter: { port: n!, ...extra.stack?.components?.node_exporter },
        // No Grafana on these machines (main/core/grafana/doctor.test.ts checks it with a stand-in).
        grafana: { enabled: false, ...extra.stack?.components?.grafana },
      },
    },
  };
}

async function doctor(settingsInput: SettingsInput, extra: Partial<DoctorDeps> = {}) {
  const checks = await runDoctor({ settings: settingsSchema.parse(settingsInput), paths, runner, ports: probe, searchDirs: [], envPath: '/usr/bin', ...extra });
  const byName = (name: string): DoctorCheck => {
    const c = checks.find((x) => x.name === name);
    if (!c) throw new Error(`no check named ${name}: ${checks.map((x) => x.name).join(', ')}`);
    return c;
  };
  return { checks, byName };
}

beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'lookout-doctor-'));
  paths = makePaths(home);
});
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await fs.rm(home, { recursive: true, force: true });
});

describe('runDoctor', () => {
  it('all green with the real Debian binaries and free ports; never touches the stack dir', async () => {
    const s = await input();
    const { checks, byName } = await doctor(s);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'settings',
      'node_exporter binary',
      'Alertmanager binary',
      'Prometheus binary',
      'Grafana binary',
      'Jaeger binary',
      'promtool',
      'amtool',
      `port ${s.stack!.components!.node_exporter!.port} (node_exporter)`,
      `port ${s.stack!.components!.alertmanager!.port} (Alertmanager)`,
      `port ${s.stack!.components!.prometheus!.port} (Prometheus)`,
      `port ${s.lookout!.port} (Lookout)`,
      'rendered config',
      // Installers: no Homebrew here, which is fine with install.source "auto"; no Docker check without a docker component.
      'Homebrew',
      'Release downloads',
      // Lock-down is on by default; nothing runs here, so each says it is checked once it runs.
      'lock-down: Prometheus',
      'lock-down: Alertmanager',
      'lock-down: node_exporter',
    ]);
    expect(byName('lock-down: Prometheus').detail).toBe('not answering (ECONNREFUSED); checked when it runs');
    expect(byName('Prometheus binary').detail).toBe('/usr/bin/prometheus (version 2.42.0+ds)');
    expect(byName('Alertmanager binary').detail).toBe('/usr/bin/prometheus-alertmanager (version 0.25.0)');
    expect(byName('node_exporter binary').detail).toBe('/usr/bin/prometheus-node-exporter (version 1.5.0)');
    expect(byName('amtool').detail).toBe('/usr/bin/amtool (version 0.25.0)');
    expect(byName('rendered config').detail).toBe('passes promtool and amtool');
    expect(byName('settings').detail).toMatch(/does not exist yet; the defaults apply/);
    await expect(fs.stat(paths.stackDir)).rejects.toThrow(/ENOENT/);
  });

  it('names the process holding a component port, with a fix', async () => {
    const s = await input();
    const port = s.stack!.components!.prometheus!.port!;
    const pid = await holdPort(port);
    const check = (await doctor(s)).byName(`port ${port} (Prometheus)`);
    expect(check).toEqual({
      name: `port ${port} (Prometheus)`,
      ok: false,
      detail: `in use by node (pid ${pid})`,
      fix: `stop that process, or set stack.components.prometheus.port to a free port in ${paths.settings}`,
    });
  });

  it("counts a port held by the component Lookout runs (its pid file) as fine", async () => {
    const s = await input();
    const port = s.stack!.components!.alertmanager!.port!;
    const pid = await holdPort(port);
    await fs.mkdir(paths.runDir, { recursive: true });
    await fs.writeFile(paths.pidFile('alertmanager'), JSON.stringify({ pid, binary: '/usr/bin/prometheus-alertmanager', startedAt: Date.now() }));
    expect((await doctor(s)).byName(`port ${port} (Alertmanager)`)).toEqual({ name: `port ${port} (Alertmanager)`, ok: true, detail: `in use by Lookout's alertmanager, pid ${pid}` });
    // The same pid recorded for another component does not excuse this port.
    await fs.rm(paths.pidFile('alertmanager'));
    await fs.writeFile(paths.pidFile('prometheus'), JSON.stringify({ pid }));
    expect((await doctor(s)).byName(`port ${port} (Alertmanager)`).ok).toBe(false);
    // Two whole doctor runs with the real tools (promtool, amtool, --version of each binary): seconds on a busy 2-core machine.
  }, 20_000);

  it("counts Lookout's own port held by this process as fine", async () => {
    const s = await input();
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(s.lookout!.port, '127.0.0.1', r));
    try {
      expect((await doctor(s)).byName(`port ${s.lookout!.port} (Lookout)`)).toMatchObject({ ok: true, detail: `in use by this Lookout, pid ${process.pid}` });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('reports missing binaries and tools with install commands, and the config check names the tool', async () => {
    const empty = path.join(home, 'empty-bin');
    await fs.mkdir(empty);
    const { checks, byName } = await doctor(await input(), { envPath: empty, platform: 'linux' });
    expect(byName('Prometheus binary')).toEqual({
      name: 'Prometheus binary',
      ok: false,
      detail: 'not found (looked for prometheus in PATH)',
      fix: 'apt-get install prometheus',
    });
    expect(byName('Alertmanager binary').detail).toBe('not found (looked for alertmanager or prometheus-alertmanager in PATH)');
    expect((await doctor(await input(), { envPath: empty, platform: 'darwin' })).byName('node_exporter binary').fix).toBe(`brew install node_exporter, or set stack.components.node_exporter.enabled to false in ${paths.settings}`);
    expect(byName('promtool')).toMatchObject({ ok: false, fix: 'apt-get install prometheus' });
    expect(byName('amtool')).toMatchObject({ ok: false, fix: 'apt-get install prometheus-alertmanager' });
    expect(byName('rendered config')).toMatchObject({ ok: false, detail: 'promtool not found in PATH; install it: apt-get install prometheus' });
    // On a Mac every hint is Homebrew's, and none mentions apt-get (issue 16.9).
    const mac = await doctor(await input(), { envPath: empty, platform: 'darwin' });
    expect(mac.byName('Prometheus binary').fix).toBe('brew install prometheus');
    expect(mac.byName('amtool').fix).toBe('brew install alertmanager');
    expect(mac.byName('rendered config').detail).toBe('promtool not found in PATH; install it: brew install prometheus');
    expect(mac.checks.filter((c) => /apt-get/.test(`${c.detail} ${c.fix ?? ''}`))).toEqual([]);
    // node_exporter is optional: missing, it warns instead of failing.
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toHaveLength(5);
    expect(byName('node_exporter binary')).toMatchObject({ ok: true, warning: true });
  });

  it('a missing optional component (Grafana) is a warning, not a failure, and its fix offers enabled: false (issue 16.8)', async () => {
    const { checks, byName } = await doctor(await input({ stack: { components: { grafana: { enabled: true } } } }), { platform: 'linux' });
    // `lookout doctor` exits 1 only when a check is not ok.
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    const grafana = byName('Grafana binary');
    expect(grafana).toMatchObject({ ok: true, warning: true });
    expect(grafana.detail).toMatch(/^not found \(looked for .*\); optional: Grafana adds the dashboards/);
    expect(grafana.fix).toMatch(new RegExp(`, or set stack\\.components\\.grafana\\.enabled to false in ${paths.settings.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(formatDoctor([grafana])).toMatch(/^! Grafana binary: not found/);
  });

  it('skips disabled components, and their validators are not required', async () => {
    const empty = path.join(home, 'only-prom');
    await fs.mkdir(empty);
    await fs.symlink('/usr/bin/prometheus', path.join(empty, 'prometheus'));
    await fs.symlink('/usr/bin/promtool', path.join(empty, 'promtool'));
    const s = await input({ stack: { components: { alertmanager: { enabled: false }, node_exporter: { enabled: false } } } });
    const { checks, byName } = await doctor(s, { envPath: empty });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(byName('Alertmanager binary').detail).toBe('disabled in settings');
    expect(byName('amtool').detail).toBe('not found; not needed while Alertmanager is disabled');
    expect(checks.some((c) => c.name.endsWith('(Alertmanager)'))).toBe(false);
    expect(byName('rendered config').detail).toBe('passes promtool');
  });

  it('flags a binary override that is not executable, naming what is used instead', async () => {
    const bogus = path.join(home, 'prometheus-custom');
    await fs.writeFile(bogus, 'not a program', { mode: 0o644 });
    const check = (await doctor(await input({ stack: { components: { prometheus: { binary: bogus } } } }))).byName('Prometheus binary');
    expect(check.ok).toBe(false);
    expect(check.detail).toBe(`stack.components.prometheus.binary (${bogus}) is not an executable file; using /usr/bin/prometheus (version 2.42.0+ds) instead`);
  });

  it('reports installer and runtime readiness: Homebrew, release downloads, Docker when a component needs it, each release install', async () => {
    const empty = path.join(home, 'no-tools');
    await fs.mkdir(empty);
    // A complete release install of Alertmanager at an older version than the catalog's, and a dangling one of Prometheus.
    const am = path.join(home, 'runtimes', 'alertmanager');
    await fs.mkdir(path.join(am, '0.30.0'), { recursive: true });
    await fs.writeFile(path.join(am, '0.30.0', '.lookout-install.json'), JSON.stringify({ component: 'alertmanager', version: '0.30.0', archive: 'a.tar.gz', sha256: 'x', binaries: { alertmanager: 'alertmanager' }, installedAt: '2026-12-01T00:00:00Z' }));
    await fs.symlink('0.30.0', path.join(am, 'current'));
    await fs.mkdir(path.join(home, 'runtimes', 'prometheus'), { recursive: true });
    await fs.symlink('3.14.0', path.join(home, 'runtimes', 'prometheus', 'current'));

    const auto = await doctor(await input(), { envPath: empty });
    expect(auto.byName('Homebrew')).toMatchObject({ ok: true, detail: expect.stringMatching(/Homebrew/), fix: expect.any(String) });
    expect(auto.byName('Release downloads')).toEqual({ name: 'Release downloads', ok: true, detail: expect.stringMatching(/^release downloads for linux\/(amd64|arm64) from github.com$/) });
    expect(auto.checks.some((c) => c.name === 'Docker')).toBe(false);
    expect(auto.byName('alertmanager (release install)')).toEqual({ name: 'alertmanager (release install)', ok: true, detail: expect.stringMatching(/^0\.30\.0 installed; \d+\.\d+\.\d+ is available \(lookout install alertmanager upgrades, keeping the data\)$/) });
    expect(auto.byName('prometheus (release install)')).toEqual({
      name: 'prometheus (release install)',
      ok: false,
      detail: `${path.join(home, 'runtimes', 'prometheus', 'current')} points at an incomplete install`,
      fix: 'lookout install prometheus --source release',
    });

    // Homebrew asked for but missing, and node_exporter in Docker without a docker CLI: both fail, naming the fix.
    const strict = await doctor(await input({ install: { source: 'brew' }, stack: { components: { node_exporter: { runtime: 'docker' } } } }), { envPath: empty });
    expect(strict.byName('Homebrew')).toMatchObject({ ok: false, fix: expect.stringMatching(/brew/i) });
    expect(strict.byName('Docker')).toMatchObject({ ok: false, detail: expect.stringContaining('(needed by node_exporter)'), fix: expect.stringMatching(/Docker Desktop|docker/) });
  });

  it('runs the runtime checks it is given instead of the real installers', async () => {
    const { byName } = await doctor(await input(), { runtime: async (s) => [{ name: 'Homebrew', ok: false, detail: `source ${s.install.source}`, fix: 'stand-in' }] });
    expect(byName('Homebrew')).toEqual({ name: 'Homebrew', ok: false, detail: 'source auto', fix: 'stand-in' });
  });

  it('reports an invalid settings file, from the store or by reading the file', async () => {
    await fs.writeFile(paths.settings, JSON.stringify({ lookout: { port: 'x' } }));
    const store = createSettingsStore(paths, pino({ level: 'silent' }));
    await store.load();
    const fromStore = (await doctor({}, { settings: store })).byName('settings');
    expect(fromStore).toMatchObject({ ok: false, detail: expect.stringContaining('lookout.port:'), fix: `edit ${paths.settings}; Lookout applies it as soon as it is valid` });
    const fromFile = (await doctor(await input())).byName('settings');
    expect(fromFile).toMatchObject({ ok: false, detail: expect.stringContaining('lookout.port:') });
  });
});

describe('formatDoctor', () => {
  it('prints one line per check and the fix indented below', () => {
    const text = formatDoctor([
      { name: 'settings', ok: false, detail: '/h/settings.json has invalid settings:\n  lookout.port: bad\n  stack: unknown key\nThe last valid settings stay in force.', fix: 'edit /h/settings.json' },
      { name: 'Prometheus binary', ok: true, detail: '/usr/bin/prometheus (version 2.42.0+ds)' },
    ]);
    expect(text).toBe(
      [
        '✗ settings: /h/settings.json has invalid settings: lookout.port: bad; stack: unknown key; The last valid settings stay in force.',
        '    fix: edit /h/settings.json',
        '✓ Prometheus binary: /usr/bin/prometheus (version 2.42.0+ds)',
      ].join('\n'),
    );
  });
});
