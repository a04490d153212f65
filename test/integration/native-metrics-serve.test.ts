/**
 * The native collectors in a real `lookout serve` watching a real `lookout demo` (the reference llm,
 * memory and gui services): /metrics passes promtool, the real Prometheus scrapes it with up == 1,
 * the live API and event stream carry samples and collector health, the UI's round trips are
 * recorded, and `lookout doctor` shows what the running instance sees.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorStatus, MetricsSnapshot } from '../../common/model';
import { valueOf } from '../support/exposition';
import { instant, single } from '../support/promql';
import { CLI, promtoolCheckMetrics, startDemo, type RunningDemo } from '../support/reference';
import { startServe, type RunningServe } from '../support/serve';
import { makeHome, processesUsing, waitFor, type TestHome } from '../support/stack-env';

describe('lookout serve with the reference services watched (real demo, real Prometheus)', () => {
  let env: TestHome;
  let demo: RunningDemo;
  let serve: RunningServe;
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${serve.info.url}${p}`, { ...init, headers: { Authorization: `Bearer ${serve.info.token}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
  const metricsText = async () => (await fetch(`${serve.info.url}/metrics`)).text();
  const live = async () => (await (await api('/api/v1/metrics/live')).json()) as MetricsSnapshot;

  beforeAll(async () => {
    env = await makeHome((ports) => ({
      stack: {
        scrapeInterval: '1s',
        evaluationInterval: '1s',
        components: {
          prometheus: { port: ports.prometheus },
          alertmanager: { enabled: false, port: ports.alertmanager },
          node_exporter: { enabled: false, port: ports.node_exporter },
          grafana: { enabled: false, port: ports.grafana },
        },
      },
      metrics: { fastIntervalSeconds: 1, slowIntervalSeconds: 2 },
    }));
    demo = await startDemo(env.home);
    serve = await startServe(env.home);
  });
  afterAll(async () => {
    await api('/api/v1/stack/stop', { method: 'POST', body: '{}' }).catch(() => undefined);
    await serve?.stop();
    await demo?.stop();
    await env?.cleanup();
  });

  it('watches the demo’s IPC endpoints and processes: the memory server’s Unix socket answers its ping, llm/memory/gui are up', async () => {
    const body = await waitFor('the memory socket probed', async () => {
      const text = await metricsText();
      return valueOf(text, 'lookout_ipc_probe_success', { target: 'memory/unix', transport: 'unix' }) === 1 ? text : null;
    }, 20_000, 250);
    for (const target of ['memory/http', 'llm/http', 'gui/http']) expect(valueOf(body, 'lookout_ipc_probe_success', { target }), target).toBe(1);
    expect(valueOf(body, 'lookout_ipc_probe_duration_seconds_count', { target: 'memory/unix' })).toBeGreaterThanOrEqual(1);
    for (const service of ['llm', 'memory', 'gui'] as const) {
      expect(valueOf(body, 'lookout_service_process_up', { service }), service).toBe(1);
      const status = await readFile(`/proc/${demo.pid(service)}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024;
      expect(Math.abs(valueOf(body, 'lookout_service_process_resident_memory_bytes', { service })! - rss), `${service} rss`).toBeLessThan(16 * 2 ** 20);
      expect(valueOf(body, 'lookout_service_process_context_switches_total', { service, kind: 'voluntary' })).toBeGreaterThan(0);
    }
  });

  it('serves /metrics that promtool check metrics accepts, with every collector’s series in it', async () => {
    const body = await metricsText();
    expect(promtoolCheckMetrics(body)).toEqual({ code: 0, output: '' });
    for (const name of [
      'lookout_cpu_seconds_total', 'lookout_cpu_cores', 'lookout_load_average', 'lookout_memory_used_bytes', 'lookout_memory_pressure_ratio',
      'lookout_filesystem_avail_bytes', 'lookout_disk_read_bytes_total', 'lookout_network_receive_bytes_total', 'lookout_ipc_probe_success',
      'lookout_service_process_cpu_seconds_total', 'lookout_collector_up', 'lookout_service_process_resident_memory_bytes', 'lookout_nodejs_eventloop_lag_seconds',
    ]) {
      expect(body, name).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
    }
    const samples = body.split('\n').filter((l) => l && !l.startsWith('#')).length;
    console.log(`promtool check metrics: Lookout /metrics ok (${samples} samples)`);
  });

  it('metrics:get returns the live ring buffer and each collector’s health; metrics:sample arrives on the event stream', async () => {
    const first = await live();
    await new Promise((r) => setTimeout(r, 2_200));
    const second = await live();
    expect(second.samples.length).toBeGreaterThan(first.samples.length);
    const latest = second.samples.at(-1)!;
    expect(latest.values['cpu.usage_ratio']).toBeGreaterThanOrEqual(0);
    expect(latest.values['memory.total_bytes']).toBeGreaterThan(0);
    expect(latest.values['lookout.rss_bytes']).toBeGreaterThan(0);
    expect(latest.values['ipc.memory/unix.latency_seconds']).toBeGreaterThan(0);
    expect(latest.values['gpu.utilization_ratio']).toBeUndefined();
    const byId = Object.fromEntries(second.collectors.map((c: CollectorStatus) => [c.id, c]));
    expect(byId.gpu).toMatchObject({ up: false, unavailable: true, reason: expect.stringContaining('no GPU readable') });
    for (const id of ['cpu', 'memory', 'disk', 'filesystem', 'network', 'ipc', 'processes', 'lookout']) expect(byId[id]?.up, id).toBe(true);

    const ac = new AbortController();
    const res = await api('/api/v1/events', { signal: ac.signal });
    const reader = res.body!.getReader();
    let text = '';
    const event = await waitFor('a metrics:sample event', async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      const m = /event: metrics:sample\ndata: (.*)\n/.exec(text);
      return m ? (JSON.parse(m[1]!) as { at: number; values: Record<string, number> }) : null;
    }, 5_000, 0);
    ac.abort();
    expect(event.values['memory.used_bytes']).toBeGreaterThan(0);
  });

  it('the UI’s round-trip pings land in lookout_app_ipc_roundtrip_seconds; an absurd one is refused', async () => {
    for (const s of [0.004, 0.006]) expect((await api('/api/v1/metrics/ping', { method: 'POST', body: JSON.stringify({ roundTripSeconds: s }) })).status).toBe(200);
    expect((await api('/api/v1/metrics/ping', { method: 'POST', body: JSON.stringify({ roundTripSeconds: 3600 }) })).status).toBe(400);
    const body = await metricsText();
    expect(valueOf(body, 'lookout_app_ipc_roundtrip_seconds_count')).toBe(2);
    expect(valueOf(body, 'lookout_app_ipc_roundtrip_seconds_sum')).toBeCloseTo(0.01, 9);
    expect(valueOf(body, 'lookout_app_ipc_roundtrip_seconds_bucket', { le: '0.005' })).toBe(1);
  });

  it('the real Prometheus scrapes Lookout with up == 1 and stores the collectors’ series', async () => {
    const started = await api('/api/v1/stack/start', { method: 'POST', body: JSON.stringify({ components: ['prometheus'] }) });
    expect(started.status).toBe(200);
    const prom = `http://127.0.0.1:${env.ports.prometheus}`;
    await waitFor('Prometheus: up{job="lookout"} == 1', async () => (await instant(prom, 'up{job="lookout"} == 1')).length === 1, 30_000, 250);
    const cpuUp = await waitFor('lookout_collector_up{collector="cpu"} stored', async () => single(prom, 'lookout_collector_up{job="lookout",collector="cpu"}'), 15_000, 250).catch(() => null);
    expect(cpuUp).toBe(1);
    expect(await single(prom, 'count(lookout_cpu_seconds_total{job="lookout",mode="idle"})')).toBeGreaterThanOrEqual(1);
    expect(await single(prom, 'lookout_ipc_probe_success{job="lookout",target="memory/unix"}')).toBe(1);
    expect(await single(prom, 'lookout_service_process_up{job="lookout",service="memory"}')).toBe(1);
    expect(await single(prom, 'lookout_collector_up{job="lookout",collector="gpu"}')).toBe(0);
    expect(await instant(prom, 'lookout_gpu_utilization_ratio')).toEqual([]);
  });

  it('lookout doctor lists every collector as the running instance sees it', () => {
    const run = spawnSync(process.execPath, [CLI, 'doctor', '--json', '--home', env.home], { encoding: 'utf8' });
    const checks = JSON.parse(run.stdout) as Array<{ name: string; ok: boolean; detail: string }>;
    const collectors = checks.filter((c) => c.name.startsWith('collector '));
    expect(collectors.map((c) => c.name)).toEqual(['cpu', 'memory', 'gpu', 'disk', 'filesystem', 'network', 'ipc', 'processes', 'lookout'].map((id) => `collector ${id}`));
    expect(collectors.every((c) => c.detail.includes(`from the running Lookout, pid ${serve.info.pid}`))).toBe(true);
    expect(collectors.find((c) => c.name === 'collector gpu')).toMatchObject({ ok: true, detail: expect.stringMatching(/^not available on this machine, no series exported: no GPU readable/) });
    expect(collectors.find((c) => c.name === 'collector cpu')).toMatchObject({ ok: true, detail: expect.stringMatching(/^up \(last run \d+ ms/) });
  });

  it('stopping leaves nothing behind', async () => {
    await api('/api/v1/stack/stop', { method: 'POST', body: '{}' });
    expect(await serve.stop()).toBe(0);
    expect(await demo.stop()).toBe(0);
    await waitFor('no process of the test home', async () => (await processesUsing(env.home)).length === 0, 10_000);
  });
});
