/**
 * The defects fault testing found (issue 17), each against a real `lookout serve` and the real stack:
 * concurrent saves, flags Prometheus refuses, shutdown with stopOnExit, disk errors, a crash-looping
 * start, a binary changed while running, and the minor ones (field removal, 422, many event streams,
 * file modes). Each of these failed before its fix.
 */
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../common/http-client';
import type { ComponentStatus, SettingsChange, StackSnapshot } from '../../common/model';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import { ALERTMANAGER_SPEC } from '../../main/core/alertmanager/component';
import { PROMETHEUS_SPEC } from '../../main/core/prometheus/component';
import { lockDir, unlockDir } from '../support/locked-dir';
import { startServe, type RunningServe } from '../support/serve';
import { makeHome, processesUsing, waitFor, type TestHome } from '../support/stack-env';

let env: TestHome | null = null;
let serve: RunningServe | null = null;
afterEach(async () => {
  await serve?.stop();
  await env?.cleanup();
  serve = null;
  env = null;
});

async function start(extra: Parameters<typeof makeHome>[0] = () => ({})): Promise<{ env: TestHome; serve: RunningServe; client: HttpClient }> {
  env = await makeHome(extra);
  serve = await startServe(env.home);
  return { env, serve, client: createHttpClient({ baseUrl: serve.info.url, token: serve.info.token }) };
}

/** POST /api/v1/settings as any HTTP client would, without the typed client's help. */
async function save(s: RunningServe, changes: SettingsChange[]): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${s.info.url}/api/v1/settings`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${s.info.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ changes }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const component = (snap: StackSnapshot, id: string): ComponentStatus => snap.components.find((c) => c.id === id)!;

describe('reliability (issue 17)', () => {
  it('1. 12 concurrent saves of different fields, 10 rounds: every one 200, every change kept, settings.json valid JSON', async () => {
    const { env, serve } = await start();
    for (let round = 0; round < 10; round++) {
      const names = Array.from({ length: 12 }, (_, i) => `r${round}svc${i}`);
      const answers = await Promise.all(names.map((name, i) => save(serve, [{ path: ['services', i], value: { name, url: `http://127.0.0.1:${20_000 + i}` } }])));
      expect(answers.map((a) => a.status), `round ${round}`).toEqual(names.map(() => 200));
      const saved = JSON.parse(await readFile(path.join(env.home, 'settings.json'), 'utf8')) as { services: Array<{ name: string }> };
      expect(saved.services.map((s) => s.name), `round ${round}`).toEqual(names);
    }
    expect((await readdir(env.home)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('2. a retention Prometheus cannot hold is refused naming the field, and Prometheus keeps running; the binary itself is asked about new flags', async () => {
    const { serve, client } = await start();
    const before = component(await client.stack.start({ components: ['prometheus'] }), 'prometheus');
    expect(before.state).toBe('running');
    for (const [field, value] of [['time', '99999999999999999999y'], ['size', '99999999999999999999EB']] as const) {
      const refused = await save(serve, [{ path: ['stack', 'retention', field], value }]);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ ok: false, issues: [{ path: `stack.retention.${field}`, message: expect.stringMatching(/out of range/) }] });
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const after = component(await client.stack.get(), 'prometheus');
    expect([after.state, after.pid]).toEqual(['running', before.pid]);

    // The dry run behind a flag change: the real binaries say what they refuse, and accept the rest.
    const runner = createCommandRunner();
    const args = ['--config.file=/x/prometheus.yml', '--storage.tsdb.path=/x/data', '--web.listen-address=127.0.0.1:9090'];
    expect(await PROMETHEUS_SPEC.checkFlags!('/usr/bin/prometheus', [...args, '--storage.tsdb.retention.time=106752d'], { runner })).toBe('duration out of range');
    expect(await PROMETHEUS_SPEC.checkFlags!('/usr/bin/prometheus', [...args, '--storage.tsdb.retention.time=30d'], { runner })).toBeNull();
    const am = ['--config.file=/x/a.yml', '--storage.path=/x/d', '--web.listen-address=127.0.0.1:9093', '--cluster.listen-address='];
    expect(await ALERTMANAGER_SPEC.checkFlags!('/usr/bin/prometheus-alertmanager', [...am, '--data.retention=forever'], { runner })).toMatch(/invalid duration/);
    expect(await ALERTMANAGER_SPEC.checkFlags!('/usr/bin/prometheus-alertmanager', am, { runner })).toBeNull();
  });

  it('3. stopOnExit and SIGTERM: serve exits after every component has stopped, with no pid file left', async () => {
    const { env, serve, client } = await start((p) => ({ stack: { stopOnExit: true, components: { prometheus: { port: p.prometheus }, alertmanager: { port: p.alertmanager }, node_exporter: { port: p.node_exporter }, grafana: { enabled: false, port: p.grafana } } } }));
    const snap = await client.stack.start({});
    expect(snap.components.map((c) => c.state)).toEqual(['running', 'running', 'running']);
    expect(await serve.stop(60_000)).toBe(0);
    expect((await processesUsing(path.join(env.home, 'stack'))).map((p) => p.argv[0])).toEqual([]);
    expect(await readdir(path.join(env.home, 'run'))).toEqual([]);
  });

  it('4. disk errors reach the UI naming the path, leave nothing behind, and the apply is retried when the disk takes it again', async () => {
    const { env, serve, client } = await start();
    await client.stack.start({ components: ['prometheus'] });
    const stackDir = path.join(env.home, 'stack');
    lockDir(stackDir);
    try {
      expect((await save(serve, [{ path: ['stack', 'scrapeInterval'], value: '7s' }])).status).toBe(200);
      const refused = await waitFor('the config error', async () => (await client.stack.get()).configError, 10_000);
      expect(refused).toContain(stackDir);
      expect(refused).toMatch(/permission denied|EPERM|EACCES/i);
      expect(refused).toMatch(/tries again/);
    } finally {
      unlockDir(stackDir);
    }
    await waitFor('the retried apply', async () => (await client.stack.get()).configError === null, 30_000);
    expect(await readFile(path.join(stackDir, 'prometheus.yml'), 'utf8')).toContain('scrape_interval: 7s');

    // settings.json itself cannot be replaced: a clear error naming it, and no temp file left behind.
    lockDir(env.home);
    try {
      const failed = await save(serve, [{ path: ['stack', 'scrapeInterval'], value: '9s' }]);
      expect(failed.status).toBe(500);
      expect((failed.body.error as { message: string; code: string })).toMatchObject({ code: 'io_error', message: expect.stringContaining(path.join(env.home, 'settings.json')) });
    } finally {
      unlockDir(env.home);
    }
    expect((await readdir(env.home)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('5. starting a crash-looping component answers at its first failure, and a binary changed while it runs is applied by a restart', async () => {
    const bin = await makeHome();
    const crash = path.join(bin.home, 'crashing-prometheus');
    await writeFile(crash, '#!/bin/sh\necho "level=error msg=\\"cannot start\\"" >&2\nexit 1\n');
    await chmod(crash, 0o755);
    const wrapper = path.join(bin.home, 'node_exporter');
    await writeFile(wrapper, '#!/bin/sh\nexec /usr/bin/prometheus-node-exporter "$@"\n');
    await chmod(wrapper, 0o755);
    try {
      const { serve, client } = await start();
      await client.stack.start({ components: ['node_exporter'] });
      expect((await save(serve, [{ path: ['stack', 'components', 'prometheus', 'binary'], value: crash }])).status).toBe(200);
      await waitFor('the new binary in force', async () => component(await client.stack.get(), 'prometheus').binary === crash, 10_000);
      const t0 = Date.now();
      const snap = await client.stack.start({ components: ['prometheus'] });
      const tookMs = Date.now() - t0;
      expect(tookMs).toBeLessThan(10_000);
      expect(component(snap, 'prometheus')).toMatchObject({ restarts: expect.any(Number) });
      expect(component(snap, 'prometheus').lastError).toMatch(/exited unexpectedly/);

      const before = component(await client.stack.get(), 'node_exporter');
      expect((await save(serve, [{ path: ['stack', 'components', 'node_exporter', 'binary'], value: wrapper }])).status).toBe(200);
      const after = await waitFor('node_exporter restarted on the new binary', async () => {
        const c = component(await client.stack.get(), 'node_exporter');
        return c.binary === wrapper && c.state === 'running' && c.pid !== before.pid ? c : null;
      }, 20_000);
      process.stdout.write(`crash loop answered in ${tookMs} ms; node_exporter pid ${before.pid} → ${after.pid} on ${after.binary}\n`);
    } finally {
      await bin.cleanup();
    }
  });

  it('6. a field is removed through the API, schema refusals are 422, 200 event streams raise no listener warning, the home is 0700 and its log 0600', async () => {
    const { env, serve } = await start();
    expect((await save(serve, [{ path: ['stack', 'evaluationInterval'], value: '20s' }])).status).toBe(200);
    const removed = await save(serve, [{ path: ['stack', 'evaluationInterval'] }]);
    expect(removed.status).toBe(200);
    expect((removed.body.settings as { stack: { evaluationInterval: string } }).stack.evaluationInterval).toBe('15s');
    expect((await save(serve, [{ path: ['stack', 'scrapeInterval'], value: 'soon' }])).status).toBe(422);

    const streams = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const controller = new AbortController();
        const res = await fetch(`${serve.info.url}/api/v1/events`, { headers: { Authorization: `Bearer ${serve.info.token}` }, signal: controller.signal });
        expect(res.status).toBe(200);
        return controller;
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    for (const c of streams) c.abort();
    expect(serve.output()).not.toMatch(/MaxListenersExceededWarning/);

    expect((await stat(env.home)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(env.home, 'logs', 'lookout.log'))).mode & 0o777).toBe(0o600);
  });
});
