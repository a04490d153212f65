/**
 * Fault injection moves the metrics as it should, checked through the real Prometheus (1 s scrapes)
 * scraping a real `lookout demo`: error rate, added latency, IPC delay, a hang and a crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowSeconds, rawSamples, single } from '../support/promql';
import { inBatches, startScrapedDemo, type ScrapedDemo } from '../support/reference';
import { waitFor } from '../support/stack-env';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let prompts = 0;
/** A prompt never asked before, so the LLM cache misses and the LLM asks memory over IPC. */
const freshPrompt = () => `fault test question ${++prompts} ${Math.random()}`;

describe('fault injection, seen through Prometheus', () => {
  let s: ScrapedDemo;

  beforeAll(async () => {
    s = await startScrapedDemo();
  });
  afterAll(async () => {
    await s?.stop();
  });

  /** Time of the newest stored `up` sample of a job. */
  const lastScrape = async (job: string) => {
    const [series] = await rawSamples(s.prom, `up{job="${job}"}`, 5, nowSeconds());
    return series?.values.at(-1)?.[0] ?? 0;
  };

  /**
   * Run `send` inside a measured window: t0 is taken after a scrape and a scrape follows before any
   * request; t1 is taken after a scrape of `job` that began once `send` had finished. Prometheus' values at t0
   * and t1 then differ by exactly what `send` caused.
   */
  async function measured(job: string, send: () => Promise<void>): Promise<{ t0: number; t1: number; delta(q: string): Promise<number>; window: string }> {
    const t0 = nowSeconds();
    await sleep(1200);
    await send();
    const done = nowSeconds();
    await waitFor(`a scrape of ${job} after the requests`, async () => (await lastScrape(job)) > done + 0.05, 10_000, 100);
    const t1 = nowSeconds();
    return {
      t0,
      t1,
      window: `${Math.ceil(t1 - t0)}s`,
      async delta(q) {
        return ((await single(s.prom, q, t1)) ?? 0) - ((await single(s.prom, q, t0)) ?? 0);
      },
    };
  }

  const complete = async (want: number) => {
    const res = await fetch(`${s.demo.url('llm')}/v1/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: freshPrompt() }) });
    await res.arrayBuffer();
    if (res.status !== want) throw new Error(`completion answered ${res.status}, expected ${want}`);
    return res.status;
  };
  const completeAny = async () => {
    const res = await fetch(`${s.demo.url('llm')}/v1/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: freshPrompt() }) });
    await res.arrayBuffer();
    return res.status;
  };
  const llm = (extra: string) => `{job="llm",method="POST",route="/v1/completions"${extra}}`;

  it('error rate 0.25 → exactly a quarter of the requests counted as 500, and the PromQL error ratio reads 0.25', async () => {
    await s.demo.faults('llm', { errorRate: 0.25 });
    // Warm-up: both status series exist before the window.
    expect((await inBatches(Array.from({ length: 4 }), 1, completeAny)).sort()).toEqual([200, 200, 200, 500]);
    await waitFor('warm-up scraped', async () => (await single(s.prom, `http_requests_total${llm(',status="500"')}`)) === 1, 10_000, 100);
    const m = await measured('llm', async () => {
      const statuses = await inBatches(Array.from({ length: 40 }), 8, completeAny);
      expect(statuses.filter((x) => x === 500)).toHaveLength(10);
    });
    await s.demo.faults('llm', { errorRate: 0 });
    expect(await m.delta(`http_requests_total${llm(',status="500"')}`)).toBe(10);
    expect(await m.delta(`http_requests_total${llm(',status="200"')}`)).toBe(30);
    const ratio = await single(
      s.prom,
      `sum(increase(http_requests_total${llm(',status=~"5.."')}[${m.window}])) / sum(increase(http_requests_total${llm('')}[${m.window}]))`,
      m.t1,
    );
    expect(ratio).toBeCloseTo(0.25, 6);
    console.log(`error rate: 40 sent at errorRate 0.25 → Prometheus counted 10×500, 30×200; error ratio ${ratio}`);
  });

  it('added latency 600 ms → every completion lands above the 0.5 s bucket; the model\'s own duration does not move', async () => {
    const p90 = (metric: string, extra: string, m: { window: string; t1: number }) =>
      single(s.prom, `histogram_quantile(0.9, sum by (le) (increase(${metric}_bucket${extra}[${m.window}])))`, m.t1);
    const before = await measured('llm', async () => void (await inBatches(Array.from({ length: 10 }), 5, () => complete(200))));
    await s.demo.faults('llm', { latencyMs: 600 });
    const during = await measured('llm', async () => void (await inBatches(Array.from({ length: 10 }), 10, () => complete(200))));
    await s.demo.faults('llm', { latencyMs: 0 });
    const bucket = (le: string) => `http_request_duration_seconds_bucket${llm(`,status="200",le="${le}"`)}`;
    expect(await before.delta(bucket('0.25'))).toBe(10);
    expect(await during.delta(bucket('0.5'))).toBe(0);
    expect(await during.delta(bucket('2.5'))).toBe(10);
    const httpBefore = (await p90('http_request_duration_seconds', llm(',status="200"'), before))!;
    const httpDuring = (await p90('http_request_duration_seconds', llm(',status="200"'), during))!;
    const modelDuring = (await p90('llm_request_duration_seconds', '{job="llm"}', during))!;
    expect(httpBefore).toBeLessThan(0.25);
    expect(httpDuring).toBeGreaterThan(0.5);
    expect(modelDuring).toBeLessThan(0.5);
    console.log(`latency: HTTP p90 ${httpBefore.toFixed(3)} s → ${httpDuring.toFixed(3)} s with 600 ms added; model p90 stays ${modelDuring.toFixed(3)} s`);
  });

  it('IPC delay 300 ms on memory → the LLM\'s IPC round trips to memory move from below 0.1 s to the 0.25–0.5 s bucket', async () => {
    const ipc = (le: string) => `ipc_request_duration_seconds_bucket{job="llm",peer="memory",le="${le}"}`;
    const before = await measured('llm', async () => void (await inBatches(Array.from({ length: 10 }), 5, () => complete(200))));
    await s.demo.faults('memory', { ipcDelayMs: 300 });
    const during = await measured('llm', async () => void (await inBatches(Array.from({ length: 10 }), 10, () => complete(200))));
    await s.demo.faults('memory', { ipcDelayMs: 0 });
    expect(await before.delta(ipc('0.1'))).toBe(10);
    expect(await during.delta(ipc('0.25'))).toBe(0);
    expect(await during.delta(ipc('0.5'))).toBe(10);
    expect(await during.delta('ipc_requests_total{job="llm",peer="memory",status="ok"}')).toBe(10);
    const meanDuring = (await during.delta('ipc_request_duration_seconds_sum{job="llm",peer="memory"}')) / 10;
    expect(meanDuring).toBeGreaterThanOrEqual(0.3);
    console.log(`ipc delay: mean llm→memory round trip ${(meanDuring * 1000).toFixed(0)} ms with 300 ms injected (all 10 in the 0.25–0.5 s bucket)`);
  });

  it('hang → Prometheus records the GUI down (scrapes time out) until the hang is lifted; the held request then completes', async () => {
    const gui = s.demo.url('gui');
    await s.demo.faults('gui', { hang: true });
    const hungAt = nowSeconds();
    const held = fetch(`${gui}/api/complete`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"prompt":"are you there?"}' });
    await waitFor('up{job="gui"} == 0', async () => (await single(s.prom, 'up{job="gui"}')) === 0, 15_000, 200);
    const downAfter = nowSeconds() - hungAt;
    await s.demo.faults('gui', { hang: false });
    const res = await held;
    expect(res.status).toBe(200);
    await waitFor('up{job="gui"} == 1 again', async () => (await single(s.prom, 'up{job="gui"}')) === 1, 15_000, 200);
    const [series] = await rawSamples(s.prom, 'up{job="gui"}', Math.ceil(nowSeconds() - hungAt) + 1, nowSeconds());
    expect(series!.values.some(([, v]) => v === '0')).toBe(true);
    console.log(`hang: up{job="gui"} went to 0 ${downAfter.toFixed(1)} s after the hang; held request answered 200 after release`);
  });

  it('crash → the memory process exits, up{job="memory"} goes to 0, and the LLM keeps answering while its IPC errors are counted', async () => {
    const pid = s.demo.pid('memory');
    const res = await fetch(`${s.demo.url('memory')}/admin/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"crash":true}' });
    expect(res.status).toBe(202);
    await waitFor('the memory process gone', () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 10_000);
    await waitFor('up{job="memory"} == 0', async () => (await single(s.prom, 'up{job="memory"}')) === 0, 15_000, 200);
    expect(s.demo.output()).toContain('memory crashed (injected fault)');
    const m = await measured('llm', async () => void (await inBatches(Array.from({ length: 5 }), 5, () => complete(200))));
    expect(await m.delta('ipc_requests_total{job="llm",peer="memory",status="error"}')).toBe(5);
    console.log('crash: memory exited (code 70), up 0, LLM answered 5/5 without context, 5 IPC errors counted');
  });
});
