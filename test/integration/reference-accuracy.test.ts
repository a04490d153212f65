/**
 * The reference services as the real Prometheus sees them: their /metrics pass promtool, what the test
 * sends is exactly what Prometheus stores, the scrape history has no gaps, and stopping the demo
 * removes its targets. Real processes throughout: `lookout demo` (built CLI), a real core, Prometheus 1 s scrapes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeTargets, instant, nowSeconds, range, rawSamples, single } from '../support/promql';
import { DEMO_JOBS, inBatches, promtoolCheckMetrics, startScrapedDemo, type ScrapedDemo } from '../support/reference';
import { processesUsing, waitFor } from '../support/stack-env';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reference services scraped by the real Prometheus', () => {
  let s: ScrapedDemo;
  const started = nowSeconds();

  beforeAll(async () => {
    s = await startScrapedDemo();
    console.log(`scraped demo ready after ${Math.round((nowSeconds() - started) * 1000)} ms`);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('serves /metrics that promtool check metrics accepts, for every service, with its own metrics in it', async () => {
    // One completion first, so the LLM and IPC series exist.
    const res = await fetch(`${s.demo.url('gui')}/api/complete`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"prompt":"promtool check"}' });
    expect(res.status).toBe(200);
    const expected: Record<string, string[]> = {
      memory: ['http_requests_total', 'http_request_duration_seconds_bucket', 'http_requests_in_flight', 'memory_items', 'memory_search_duration_seconds_bucket', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds'],
      llm: ['llm_tokens_processed_total', 'llm_request_duration_seconds_bucket', 'llm_cache_operations_total', 'ipc_requests_total', 'ipc_request_duration_seconds_bucket', 'process_resident_memory_bytes'],
      gui: ['http_requests_total', 'ipc_requests_total', 'ipc_request_duration_seconds_bucket'],
    };
    for (const job of DEMO_JOBS) {
      const body = await (await fetch(`${s.demo.url(job)}/metrics`)).text();
      const check = promtoolCheckMetrics(body);
      expect(check, `promtool check metrics on ${job}`).toEqual({ code: 0, output: '' });
      for (const name of expected[job]!) expect(body, `${job} exposes ${name}`).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
      console.log(`promtool check metrics: ${job} ok (${body.split('\n').filter((l) => l && !l.startsWith('#')).length} samples)`);
    }
  });

  it('stores exactly the requests sent: counts per status and histogram buckets, increase() within one scrape of extrapolation', async () => {
    const { prom, demo } = s;
    const memory = demo.url('memory');
    const created = await fetch(`${memory}/items`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"accuracy probe"}' });
    const { id } = (await created.json()) as { id: string };
    const get = async (itemId: string, want: number) => {
      const res = await fetch(`${memory}/items/${itemId}`);
      await res.arrayBuffer();
      if (res.status !== want) throw new Error(`GET /items/${itemId}: ${res.status}, expected ${want}`);
    };
    const sel = (status: number, extra = '') => `{job="memory",method="GET",route="/items/{id}",status="${status}"${extra}}`;
    const counter = (status: number) => `http_requests_total${sel(status)}`;
    const bucket = (le: string) => `http_request_duration_seconds_bucket${sel(200, `,le="${le}"`)}`;

    // Both series exist before the window, so increase() sees every request of the window.
    await get(id, 200);
    await get('no-such-item', 404);
    await waitFor('the warm-up requests in Prometheus', async () => (await single(prom, counter(200))) === 1 && (await single(prom, counter(404))) === 1, 15_000, 200);
    await sleep(1500);
    const t0 = nowSeconds();
    // At least one scrape between t0 and the first request, so the window starts flat.
    await sleep(1500);

    const sendStarted = Date.now();
    await inBatches(Array.from({ length: 20 }), 5, () => get(id, 200));
    await inBatches(Array.from({ length: 15 }), 5, () => get('no-such-item', 404));
    await demo.faults('memory', { latencyMs: 300 });
    await inBatches(Array.from({ length: 20 }), 10, () => get(id, 200));
    await demo.faults('memory', { latencyMs: 1200 });
    await inBatches(Array.from({ length: 10 }), 10, () => get(id, 200));
    await demo.faults('memory', { latencyMs: 0 });
    const sendMs = Date.now() - sendStarted;

    const base200 = (await single(prom, counter(200), t0))!;
    const base404 = (await single(prom, counter(404), t0))!;
    expect([base200, base404]).toEqual([1, 1]);
    await waitFor('every request sent counted by Prometheus', async () => (await single(prom, counter(200))) === base200 + 50 && (await single(prom, counter(404))) === base404 + 15, 15_000, 200);
    await sleep(1500);
    const t1 = nowSeconds();
    const window = Math.ceil(t1 - t0);

    // Raw counter values at t0 and t1: exact.
    const delta = async (q: string) => (await single(prom, q, t1))! - ((await single(prom, q, t0)) ?? 0);
    expect(await delta(counter(200))).toBe(50);
    expect(await delta(counter(404))).toBe(15);
    // Buckets: 20 fast (< 250 ms), 20 at 300 ms, 10 at 1200 ms.
    const buckets: Record<string, number> = {};
    for (const le of ['0.25', '0.5', '1', '2.5', '10', '+Inf']) buckets[le] = await delta(bucket(le));
    expect(buckets).toEqual({ '0.25': 20, '0.5': 40, '1': 40, '2.5': 50, '10': 50, '+Inf': 50 });
    expect(await delta(`http_request_duration_seconds_count${sel(200)}`)).toBe(50);
    const sum = await delta(`http_request_duration_seconds_sum${sel(200)}`);
    expect(sum).toBeGreaterThanOrEqual(20 * 0.3 + 10 * 1.2);
    expect(sum).toBeLessThan(20 * 0.3 + 10 * 1.2 + 50 * 0.1);

    // increase() over a window whose ends are scrapes (first before the first request, last after the last):
    // nothing to extrapolate, so it must equal the count exactly.
    const [raw] = await rawSamples(prom, counter(200), window, t1);
    const times = raw!.values.map(([t]) => t);
    const first = times[0]!;
    const last = times.at(-1)!;
    const alignedMs = Math.round((last - first) * 1000);
    const aligned = async (q: string) => (await single(prom, `increase(${q}[${alignedMs}ms])`, last))!;
    expect(await aligned(counter(200))).toBeCloseTo(50, 6);
    expect(await aligned(counter(404))).toBeCloseTo(15, 6);
    expect(await aligned(bucket('0.25'))).toBeCloseTo(20, 6);
    expect(await aligned(bucket('0.5'))).toBeCloseTo(40, 6);
    // Over any other window, increase() extrapolates to the window's edges by at most 1.1 average scrape
    // intervals at each end: it may read above the true count, never below. Stated tolerance: one scrape's
    // worth at each end, count × (1 + 2.2 × interval / sampled span).
    const span = last - first;
    const avg = span / (times.length - 1);
    const factor = 1 + (2.2 * avg) / span;
    const inc200 = (await single(prom, `increase(${counter(200)}[${window}s])`, t1))!;
    const inc404 = (await single(prom, `increase(${counter(404)}[${window}s])`, t1))!;
    const incBucket = (await single(prom, `increase(${bucket('0.5')}[${window}s])`, t1))!;
    expect(inc200).toBeGreaterThanOrEqual(50);
    expect(inc200).toBeLessThanOrEqual(50 * factor);
    expect(inc404).toBeGreaterThanOrEqual(15);
    expect(inc404).toBeLessThanOrEqual(15 * factor);
    expect(incBucket).toBeGreaterThanOrEqual(40);
    expect(incBucket).toBeLessThanOrEqual(40 * factor);
    console.log(
      `accuracy: sent 50×200 + 15×404 in ${sendMs} ms; raw deltas 50 / 15 (exact); buckets ${JSON.stringify(buckets)}; ` +
        `increase() over the scrape-aligned ${alignedMs} ms window = ${await aligned(counter(200))} / ${await aligned(counter(404))} (exact); ` +
        `over [${window}s] = ${inc200.toFixed(2)} / ${inc404.toFixed(2)} / le=0.5 ${incBucket.toFixed(2)} (tolerance ×${factor.toFixed(3)}: ${times.length} samples, avg interval ${avg.toFixed(3)} s)`,
    );

    // No gaps since the demo was first scraped: every scrape of every demo job is stored, and up is 1 at every step.
    const since = Math.ceil(s.readyAt);
    const history = Math.floor(t1) - since;
    for (const job of DEMO_JOBS) {
      const [up] = await rawSamples(prom, `up{job="${job}"}`, history, Math.floor(t1));
      const ts = up!.values.map(([t]) => t);
      const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
      expect(Math.max(...gaps), `largest gap between ${job} scrapes`).toBeLessThanOrEqual(1.5 * s.interval);
      expect(up!.values.every(([, v]) => v === '1')).toBe(true);
      expect(ts.length).toBeGreaterThanOrEqual(Math.floor(history / s.interval) - 1);
    }
    const steps = await range(s.prom, 'up{demo="true"}', since, Math.floor(t1), 1);
    const expectedSteps = Math.floor(t1) - since + 1;
    expect(steps.map((r) => r.metric.job).sort()).toEqual([...DEMO_JOBS]);
    for (const series of steps) {
      expect(series.values.length, `${series.metric.job}: up at every step`).toBe(expectedSteps);
      expect(series.values.every(([, v]) => v === '1')).toBe(true);
    }
    console.log(`no gaps: up present at all ${expectedSteps} steps (1 s) for ${DEMO_JOBS.join(', ')}`);
  });

  it('renders the demo targets into prometheus.yml with demo="true" and the job names', async () => {
    const yml = await readFile(path.join(s.env.home, 'stack', 'prometheus.yml'), 'utf8');
    for (const job of DEMO_JOBS) expect(yml).toContain(`job_name: ${job}`);
    const targets = await activeTargets(s.prom);
    for (const job of DEMO_JOBS) {
      const t = targets.find((x) => x.job === job);
      expect(t?.labels.demo).toBe('true');
      expect(t?.scrapeUrl).toBe(`${s.demo.url(job)}/metrics`);
    }
  });

  it('removes its targets and its processes when the demo stops', async () => {
    const pids = DEMO_JOBS.map((j) => s.demo.pid(j));
    const t0 = Date.now();
    expect(await s.demo.stop()).toBe(0);
    expect(s.demo.output()).toContain('Stopping the demo (SIGTERM)');
    await expect(readFile(path.join(s.env.home, 'demo.json'), 'utf8')).rejects.toThrow(/ENOENT/);
    for (const pid of pids) expect(() => process.kill(pid, 0), `service pid ${pid} gone`).toThrow();
    expect((await processesUsing(path.join(s.env.home, 'logs', 'demo-'))).length).toBe(0);
    await waitFor('Prometheus without the demo targets', async () => {
      const jobs = (await activeTargets(s.prom)).map((t) => t.job);
      return DEMO_JOBS.every((j) => !jobs.includes(j));
    }, 15_000, 200);
    console.log(`demo stop → targets gone from Prometheus in ${Date.now() - t0} ms`);
    // And nothing is scraped from them any more: no new up samples after the removal.
    const removedAt = nowSeconds();
    await sleep(3000);
    expect(await rawSamples(s.prom, 'up{demo="true"}', 2, nowSeconds())).toEqual([]);
    expect((await instant(s.prom, `count_over_time(up{demo="true"}[1s])`, removedAt + 2.5)).length).toBe(0);
  });
});
