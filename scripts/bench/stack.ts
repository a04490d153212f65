/**
 * Stack cold start and stop: from the "Start stack" request (what the button sends) to every
 * component ready, on a fresh home each run, through a real `lookout serve` and real components.
 * Stack stop: from the "Stop stack" request to every process gone, and whether SIGKILL was needed.
 */
import { chromium, type Browser } from '@playwright/test';
import type { StackSnapshot } from '../../common/model';
import { startServe } from '../../test/support/serve';
// COMPONENT_IDS here: what a test home runs, every component with a real binary (Grafana has none; it is off in test homes).
import { makeHome, processesUsing, REAL_COMPONENT_IDS as COMPONENT_IDS } from '../../test/support/stack-env';
import { met as ok, quantile, type BenchSection } from './report';

/** The page's document, as far as the function evaluated in Chromium uses it (this script has no DOM types). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Run {
  startMs: number;
  stopMs: number;
  allRunning: boolean;
  forced: boolean;
  leftovers: number;
}

/** Through the API: the request the "Start stack" button sends, answered once every component is ready. */
async function apiRun(): Promise<Run> {
  const env = await makeHome();
  const serve = await startServe(env.home);
  try {
    const call = async (verb: 'start' | 'stop') => {
      const t0 = performance.now();
      const res = await fetch(`${serve.info.url}/api/v1/stack/${verb}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${serve.info.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      const snap = (await res.json()) as StackSnapshot;
      return { ms: performance.now() - t0, snap };
    };
    const started = await call('start');
    const stopped = await call('stop');
    return {
      startMs: started.ms,
      stopMs: stopped.ms,
      allRunning: started.snap.components.every((c) => c.state === 'running'),
      forced: stopped.snap.components.some((c) => c.lastExit?.forced) || !stopped.snap.components.every((c) => c.state === 'stopped'),
      leftovers: (await processesUsing(env.home)).length,
    };
  } finally {
    await serve.stop();
    await env.cleanup();
  }
}

/** Through the UI in Chromium: a real click, until every state badge reads running (then stopped). */
async function uiRun(browser: Browser): Promise<{ startMs: number; stopMs: number }> {
  const env = await makeHome();
  const serve = await startServe(env.home);
  const page = await browser.newPage();
  try {
    await page.goto(serve.printedUrl);
    await page.getByRole('button', { name: 'Start stack' }).waitFor();
    // Checked in the page on every animation frame, so the time is when the user could see it.
    const badges = (want: string) =>
      page.waitForFunction(
        ({ ids, want }) => ids.every((id) => document.querySelector(`[data-testid="state-${id}"]`)?.textContent === want),
        { ids: [...COMPONENT_IDS] as string[], want },
        { polling: 'raf', timeout: 30_000 },
      );
    let t0 = performance.now();
    await page.getByRole('button', { name: 'Start stack' }).click();
    await badges('running');
    const startMs = performance.now() - t0;
    t0 = performance.now();
    await page.getByRole('button', { name: 'Stop stack' }).click();
    await badges('stopped');
    return { startMs, stopMs: performance.now() - t0 };
  } finally {
    await page.close();
    await serve.stop();
    await env.cleanup();
  }
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function benchStack(): Promise<BenchSection> {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await apiRun();
    runs.push(r);
    console.log(`api run ${i + 1}/${RUNS}: start ${fmt(r.startMs)} (all running: ${r.allRunning}), stop ${fmt(r.stopMs)} (SIGKILL: ${r.forced}, leftovers: ${r.leftovers})`);
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const uiRuns: Array<{ startMs: number; stopMs: number }> = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const r = await uiRun(browser);
      uiRuns.push(r);
      console.log(`ui run ${i + 1}/${RUNS}: click → all running ${fmt(r.startMs)}, click → all stopped ${fmt(r.stopMs)}`);
    }
  } finally {
    await browser.close();
  }
  const uiStarts = uiRuns.map((r) => r.startMs);
  const uiStops = uiRuns.map((r) => r.stopMs);
  const starts = runs.map((r) => r.startMs);
  const stops = runs.map((r) => r.stopMs);
  return {
    title: 'Stack cold start and stop',
    body: `Real Prometheus, Alertmanager and node_exporter supervised by a real \`lookout serve\`, a fresh
\`LOOKOUT_HOME\` per run, ${RUNS} runs of each. "UI" rows: a real click in Chromium (Playwright) until
every state badge reads \`running\` (or \`stopped\`). "API" rows: the request the button sends, until
its answer, which comes once every component is ready (or every process has exited).

| figure | goal | median | worst | goal met |
| --- | --- | --- | --- | --- |
| cold start, UI: click → all badges \`running\` | ≤ 3 s | ${fmt(quantile(uiStarts, 0.5))} | ${fmt(Math.max(...uiStarts))} | ${ok(Math.max(...uiStarts) <= 3000)} |
| cold start, API: request → all components ready | ≤ 3 s | ${fmt(quantile(starts, 0.5))} | ${fmt(Math.max(...starts))} | ${ok(Math.max(...starts) <= 3000 && runs.every((r) => r.allRunning))} |
| stop, UI: click → all badges \`stopped\` | ≤ 5 s | ${fmt(quantile(uiStops, 0.5))} | ${fmt(Math.max(...uiStops))} | ${ok(Math.max(...uiStops) <= 5000)} |
| stop, API: request → every process exited | ≤ 5 s | ${fmt(quantile(stops, 0.5))} | ${fmt(Math.max(...stops))} | ${ok(Math.max(...stops) <= 5000)} |
| SIGKILL needed on stop | none | ${runs.filter((r) => r.forced).length} of ${RUNS} runs | | ${ok(runs.every((r) => !r.forced))} |
| processes left after stop | none | ${runs.reduce((n, r) => n + r.leftovers, 0)} | | ${ok(runs.every((r) => r.leftovers === 0))} |`,
  };
}
