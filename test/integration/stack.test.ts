/**
 * The supervisor against the real Prometheus, Alertmanager and node_exporter (Debian packages here,
 * Homebrew on a Mac). Every process is real; only the home directory and ports are the test's own.
 */
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComponentId, ComponentStatus } from '../../common/model';
import type { Core } from '../../main/core/core';
import { listeningSockets, socketInodesOf } from '../../main/core/adapters/port-probe';
import { findBinary } from '../../main/core/stack/binaries';
import { CATALOG } from '../../main/core/stack/catalog';
import { startCore } from '../support/core';
import { makeHome, processesUsing, waitFor, type TestHome } from '../support/stack-env';

const IDS: ComponentId[] = ['node_exporter', 'alertmanager', 'prometheus'];

async function status(core: Core, id: ComponentId): Promise<ComponentStatus> {
  const snap = await core.handlers['stack:get']({});
  const found = snap.components.find((c) => c.id === id);
  if (!found) throw new Error(`${id} missing from the snapshot`);
  return found;
}

const stateOf = async (core: Core, id: ComponentId) => (await status(core, id)).state;

beforeAll(async () => {
  // A missing binary fails here, naming it, instead of letting the suite skip.
  for (const id of IDS) {
    const found = await findBinary(CATALOG[id].binaries, {});
    if (!found) throw new Error(`${CATALOG[id].binaries.join(' / ')} not found: install it (${CATALOG[id].install.apt})`);
  }
});

describe('a supervised stack of real components', () => {
  let env: TestHome;
  let core: Core;

  beforeAll(async () => {
    env = await makeHome();
    core = await startCore(env.home);
  });
  afterAll(async () => {
    await core?.dispose({ stopStack: true });
    await env?.cleanup();
  });

  it('starts all three in dependency order, each ready, versioned and listening on loopback only', async () => {
    const t0 = Date.now();
    const snap = await core.handlers['stack:start']({});
    const elapsed = Date.now() - t0;
    expect(snap.components.map((c) => [c.id, c.state])).toEqual(IDS.map((id) => [id, 'running']));
    for (const c of snap.components) {
      expect(c.pid).toBeGreaterThan(0);
      expect(c.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(c.port).toBe(env.ports[c.id as keyof typeof env.ports]);
    }
    // Prometheus starts after what it depends on had settled.
    const since = Object.fromEntries(snap.components.map((c) => [c.id, c.since]));
    expect(since.prometheus).toBeGreaterThanOrEqual(Math.max(since.alertmanager!, since.node_exporter!));
    console.log(`stack cold start: ${elapsed} ms`);

    const sockets = await listeningSockets();
    for (const c of snap.components) {
      const inodes = await socketInodesOf(c.pid!);
      const mine = sockets.filter((s) => inodes.has(s.inode));
      expect(mine.length, `${c.id} has listening sockets`).toBeGreaterThan(0);
      for (const s of mine) expect(s.address, `${c.id} listens on ${s.address}:${s.port}`).toMatch(/^(127\.\d+\.\d+\.\d+|::1)$/);
    }
    // Exactly one process per component.
    expect((await processesUsing(env.home)).length).toBe(3);
  });

  it('restarts Prometheus after SIGKILL', async () => {
    const before = await status(core, 'prometheus');
    process.kill(before.pid!, 'SIGKILL');
    const after = await waitFor('Prometheus running again with a new pid', async () => {
      const s = await status(core, 'prometheus');
      return s.state === 'running' && s.pid !== before.pid ? s : null;
    });
    expect(after.restarts).toBe(before.restarts + 1);
    expect(after.lastExit).toMatchObject({ signal: 'SIGKILL', expected: false });
  });

  it('sees a SIGSTOPped Prometheus as unhealthy and recovers it', async () => {
    const before = await status(core, 'prometheus');
    process.kill(before.pid!, 'SIGSTOP');
    await waitFor('Prometheus unhealthy', async () => (await stateOf(core, 'prometheus')) === 'unhealthy', 15_000);
    const after = await waitFor('Prometheus recovered', async () => {
      const s = await status(core, 'prometheus');
      return s.state === 'running' && s.pid !== before.pid ? s : null;
    }, 45_000);
    // It was woken and asked to stop, so it shut down cleanly rather than being killed.
    expect(after.lastExit).toMatchObject({ code: 0, expected: true, forced: false });
  });

  it('reloads Prometheus for a new scrape target, without a restart', async () => {
    const before = await status(core, 'prometheus');
    await env.writeSettings({ ...env.settings, services: [{ name: 'llm', url: 'http://127.0.0.1:1', labels: { team: 'ai' } }] });
    await waitFor('the llm job in Prometheus\' running config', async () => {
      const res = await fetch(`http://127.0.0.1:${env.ports.prometheus}/api/v1/status/config`);
      const body = (await res.json()) as { data: { yaml: string } };
      return body.data.yaml.includes('job_name: llm');
    }, 15_000);
    expect((await status(core, 'prometheus')).pid).toBe(before.pid);
  });

  it('restarts a component whose flags changed', async () => {
    const before = await status(core, 'prometheus');
    env.settings = { ...env.settings, stack: { ...env.settings.stack, retention: { time: '7d' } } };
    await env.writeSettings(env.settings);
    const after = await waitFor('Prometheus restarted with the new retention', async () => {
      const s = await status(core, 'prometheus');
      return s.state === 'running' && s.pid !== before.pid ? s : null;
    }, 30_000);
    const argv = (await readFile(`/proc/${after.pid}/cmdline`, 'utf8')).split('\0');
    expect(argv).toContain('--storage.tsdb.retention.time=7d');
  });

  it('keeps the last valid settings and the running config when the settings file is invalid', async () => {
    const config = await readFile(path.join(env.home, 'stack', 'prometheus.yml'), 'utf8');
    const pid = (await status(core, 'prometheus')).pid;
    await writeFile(path.join(env.home, 'settings.json'), JSON.stringify({ ...env.settings, stack: { ...env.settings.stack, scrapeInterval: 'often' } }));
    const snap = await waitFor('a settings error', async () => {
      const s = await core.handlers['stack:get']({});
      return s.settingsError ? s : null;
    }, 10_000);
    expect(snap.settingsError).toContain('stack.scrapeInterval');
    expect(snap.settingsError).toContain('settings.json');
    expect(await readFile(path.join(env.home, 'stack', 'prometheus.yml'), 'utf8')).toBe(config);
    expect(core.settings().stack.scrapeInterval).toBe('5s');
    expect(snap.components.find((c) => c.id === 'prometheus')).toMatchObject({ state: 'running', pid });
    await env.writeSettings(env.settings);
    await waitFor('the settings error cleared', async () => !(await core.handlers['stack:get']({})).settingsError, 10_000);
  });

  it('keeps the running config when promtool rejects a rule file, and shows promtool\'s message', async () => {
    const config = await readFile(path.join(env.home, 'stack', 'prometheus.yml'), 'utf8');
    const badRules = path.join(env.home, 'my-rules.yml');
    await writeFile(badRules, 'groups:\n  - name: mine\n    rules:\n      - alert: Broken\n        expr: rate(http_requests_total[5m] > 1\n');
    await env.writeSettings({ ...env.settings, stack: { ...env.settings.stack, ruleFiles: [badRules] } });
    const snap = await waitFor('a config error', async () => {
      const s = await core.handlers['stack:get']({});
      return s.configError ? s : null;
    }, 15_000);
    expect(snap.configError).toMatch(/promtool/);
    expect(snap.configError).toMatch(/parse error|unclosed|expected/i);
    expect(await readFile(path.join(env.home, 'stack', 'prometheus.yml'), 'utf8')).toBe(config);
    expect(snap.components.every((c) => c.state === 'running')).toBe(true);
    await env.writeSettings(env.settings);
    await waitFor('the config error cleared', async () => !(await core.handlers['stack:get']({})).configError, 15_000);
  });

  it('adopts the running components after a Lookout restart instead of starting duplicates', async () => {
    const before = await core.handlers['stack:get']({});
    await core.dispose(); // stopOnExit is off: the stack keeps running
    core = await startCore(env.home);
    const snap = await waitFor('all adopted and running', async () => {
      const s = await core.handlers['stack:get']({});
      return s.components.every((c) => c.state === 'running') ? s : null;
    }, 15_000);
    for (const c of snap.components) {
      expect(c.adopted).toBe(true);
      expect(c.pid).toBe(before.components.find((b) => b.id === c.id)!.pid);
    }
    // Pressing start again adopts nothing new and spawns nothing.
    await core.handlers['stack:start']({});
    expect((await processesUsing(env.home)).length).toBe(3);
  });

  it('stops every process; Prometheus exits on SIGTERM and logs a clean shutdown', async () => {
    const t0 = Date.now();
    const snap = await core.handlers['stack:stop']({});
    console.log(`stack stop: ${Date.now() - t0} ms`);
    expect(snap.components.map((c) => c.state)).toEqual(['stopped', 'stopped', 'stopped']);
    for (const c of snap.components) expect(c.lastExit).toMatchObject({ expected: true, forced: false });
    expect(await processesUsing(env.home)).toEqual([]);
    const log = await readFile(path.join(env.home, 'logs', 'prometheus.log'), 'utf8');
    const tail = log.slice(log.lastIndexOf('Received SIGTERM'));
    expect(tail).toMatch(/Received SIGTERM, exiting gracefully/);
    expect(tail).toMatch(/See you next time!/);
  });
});

describe('a port already taken', () => {
  it('is reported with the process holding it, and nothing respawns into it', async () => {
    const env = await makeHome();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(env.ports.prometheus, '127.0.0.1', resolve));
    const core = await startCore(env.home);
    try {
      const snap = await core.handlers['stack:start']({});
      const prom = snap.components.find((c) => c.id === 'prometheus')!;
      expect(prom.state).toBe('failed');
      expect(prom.lastError).toContain(`port ${env.ports.prometheus} is already in use by pid ${process.pid}`);
      await new Promise((r) => setTimeout(r, 3000));
      const later = await status(core, 'prometheus');
      expect(later.state).toBe('failed');
      expect(later.restarts).toBe(0);
      expect((await processesUsing(env.home)).filter((p) => p.argv[0]!.endsWith('prometheus'))).toEqual([]);
    } finally {
      squatter.close();
      await core.dispose({ stopStack: true });
      await env.cleanup();
    }
  });
});
