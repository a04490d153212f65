// The whole path a user takes in browser mode: `lookout serve` → open the printed URL → Start stack →
// every component running (real Prometheus, Alertmanager, node_exporter) → Stop stack → quit cleanly.
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { findBinary } from '../../main/core/stack/binaries';
import { CATALOG } from '../../main/core/stack/catalog';
import { notifySendStandIn } from '../support/alerting';
import { CLI, startServe, type RunningServe } from '../support/serve';
// COMPONENT_IDS here: what a test home runs, every component with a real binary (Grafana has none; it is off in test homes).
import { makeHome, processesUsing, REAL_COMPONENT_IDS as COMPONENT_IDS, type TestHome } from '../support/stack-env';

const SCREENSHOT = path.resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots', 'stack-running.png');

let env: TestHome | null = null;
let serve: RunningServe | null = null;

test.beforeAll(async () => {
  expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`).toBe(true);
  for (const id of COMPONENT_IDS) {
    expect(await findBinary(CATALOG[id].binaries), `${id} binary not found (looked for: ${CATALOG[id].binaries.join(', ')})`).not.toBeNull();
  }
});

test.afterAll(async () => {
  if (serve?.child.exitCode === null) serve.child.kill('SIGKILL');
  await env?.cleanup();
});

test('start and stop the stack from the browser UI', async ({ page }) => {
  env = await makeHome();
  serve = await startServe(env.home);
  expect(serve.info.port).toBe(env.ports.lookout);
  expect(serve.info.pid).toBe(serve.child.pid);
  expect(serve.printedUrl).toBe(`${serve.info.url.replace(/\/$/, '')}/#token=${serve.info.token}`);

  await page.goto(serve.printedUrl);
  // The token moves to sessionStorage and leaves the visible URL.
  await expect(page).not.toHaveURL(/token=/);
  // The stack's component list (other views have lists of their own).
  const list = page.getByRole('region', { name: 'Stack' }).getByRole('list');
  for (const id of COMPONENT_IDS) await expect(page.getByTestId(`state-${id}`)).toHaveText('stopped');
  await expect(list.getByRole('listitem')).toHaveCount(COMPONENT_IDS.length);

  await page.getByRole('button', { name: 'Start stack' }).click();
  for (const id of COMPONENT_IDS) await expect(page.getByTestId(`state-${id}`)).toHaveText('running', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Stop stack' })).toBeEnabled();
  await expect(list.getByRole('listitem', { name: 'Prometheus' })).toContainText(String(env.ports.prometheus));
  await expect(page.getByRole('button', { name: 'Stop Prometheus' })).toBeVisible();
  // The leftover check at the end is only worth something if it finds these three while they run.
  expect((await processesUsing(env.home)).length, 'running stack processes found via /proc').toBe(COMPONENT_IDS.length);
  await mkdir(path.dirname(SCREENSHOT), { recursive: true });
  await page.locator('main').screenshot({ path: SCREENSHOT });

  await page.getByRole('button', { name: 'Stop stack' }).click();
  for (const id of COMPONENT_IDS) await expect(page.getByTestId(`state-${id}`)).toHaveText('stopped', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Start stack' })).toBeEnabled();

  // A tab opened without the token cannot call the API and says where the token comes from.
  const bare = await page.context().newPage();
  await bare.goto(serve.info.url);
  await expect(bare.getByRole('alert')).toContainText('open the URL printed by lookout serve');
  await bare.close();

  const code = await serve.stop();
  expect(code, `lookout serve exit code after SIGTERM:\n${serve.output()}`).toBe(0);
  expect(await processesUsing(env.home), 'stack processes left behind after serve exited').toEqual([]);
});

// Issue 15, "no noise": a stack the user starts from stopped is a state, not an alert. Sampled in the page
// every 100 ms from the click until 15 s after every component runs: no alert card, no warning or critical
// banner, and no desktop notification (notify-send stand-in) at any sample.
test('a start from stopped is quiet: no alert card, banner or notification at any 100 ms sample', async ({ page }) => {
  test.setTimeout(120_000);
  const notify = await notifySendStandIn();
  const home = await makeHome((ports) => ({ stack: { scrapeInterval: '1s', evaluationInterval: '1s', components: { prometheus: { port: ports.prometheus }, alertmanager: { port: ports.alertmanager }, node_exporter: { port: ports.node_exporter }, grafana: { enabled: false } } }, alerts: { evaluationInterval: '1s' } }));
  let quiet: RunningServe | null = null;
  try {
    quiet = await startServe(home.home);
    await page.goto(quiet.printedUrl);
    for (const id of COMPONENT_IDS) await expect(page.getByTestId(`state-${id}`)).toHaveText('stopped');
    await page.evaluate(() => {
      const w = globalThis as unknown as { noise: string[]; samples: number; document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } };
      w.noise = [];
      w.samples = 0;
      setInterval(() => {
        w.samples++;
        for (const el of Array.from(w.document.querySelectorAll('[data-testid="alert-card"], .banner-warning, .banner-critical'))) w.noise.push(`${Date.now()}: ${el.textContent}`);
      }, 100);
    });
    const startedAt = Date.now();
    await page.getByRole('button', { name: 'Start stack' }).click();
    for (const id of COMPONENT_IDS) await expect(page.getByTestId(`state-${id}`)).toHaveText('running', { timeout: 30_000 });
    // Past the readiness time of the watchdog and a few rule evaluations.
    await page.waitForTimeout(15_000);
    const { noise, samples } = await page.evaluate(() => {
      const w = globalThis as unknown as { noise: string[]; samples: number };
      return { noise: w.noise, samples: w.samples };
    });
    const notified = (await notify.calls()).filter((c) => c.at >= startedAt);
    console.log(`quiet start: ${samples} samples, ${noise.length} noisy, ${notified.length} notifications`);
    expect(samples).toBeGreaterThan(100);
    expect([...new Set(noise.map((n) => n.replace(/^\d+: /, '')))], 'alert cards or banners during the start').toEqual([]);
    expect(notified.map((c) => c.args.join(' ')), 'notifications during the start').toEqual([]);
    await page.getByRole('button', { name: 'Stop stack' }).click();
    for (const id of COMPONENT_IDS) await expect(page.getByTestId(`state-${id}`)).toHaveText('stopped', { timeout: 30_000 });
  } finally {
    await quiet?.stop();
    await home.cleanup();
    notify.restore();
  }
});
