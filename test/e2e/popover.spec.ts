// The popover as a user sees it, in Chromium against `lookout serve`, the real stack and the reference
// services: start the stack, watch live figures move, inject a fault and see the alert, ack it and see
// it move to Silenced, and change a threshold (a bad value is refused beside the field, a good one applied).
// It also takes the README's screenshots: light and dark, healthy and alerting.
import { expect, test, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { notifySendStandIn, type NotifySendStandIn } from '../support/alerting';
import { startDemo, type RunningDemo } from '../support/reference';
import { startServe, type RunningServe } from '../support/serve';
import { makeHome, type TestHome } from '../support/stack-env';

const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const STACK = ['node_exporter', 'alertmanager', 'prometheus'];

let env: TestHome | null = null;
let serve: RunningServe | null = null;
let demo: RunningDemo | null = null;
let notify: NotifySendStandIn | null = null;

test.afterAll(async () => {
  await demo?.stop();
  await serve?.stop();
  await env?.cleanup();
  notify?.restore();
});

async function shoot(page: Page, name: string) {
  await mkdir(SHOTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.locator('main').screenshot({ path: path.join(SHOTS, `popover-${scheme}-${name}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('the popover: live figures, an injected fault becomes an alert, ack silences it, a threshold is validated', async ({ page }) => {
  test.setTimeout(240_000);
  // node-notifier runs notify-send on Linux: a stand-in keeps the desktop quiet and the run honest.
  notify = await notifySendStandIn();
  // Fast scrapes and a short for: keep the run short; the shipped defaults are measured by the bench.
  env = await makeHome((ports) => ({
    stack: {
      scrapeInterval: '1s',
      evaluationInterval: '1s',
      components: {
        prometheus: { port: ports.prometheus },
        alertmanager: { port: ports.alertmanager },
        node_exporter: { port: ports.node_exporter },
        grafana: { enabled: false },
      },
    },
    alerts: { evaluationInterval: '1s', rules: { HighErrorRate: { for: '3s' } } },
  }));
  serve = await startServe(env.home);
  await page.setViewportSize({ width: 400, height: 560 });
  await page.goto(serve.printedUrl);

  // Start the stack from the header button.
  await page.getByRole('button', { name: 'Start stack' }).click();
  for (const id of STACK) await expect(page.getByTestId(`state-${id}`)).toHaveText('running', { timeout: 30_000 });

  // Live figures (the Machine view): CPU and memory show real values, and new samples keep arriving (about one a second).
  await page.getByRole('tab', { name: 'Machine' }).click();
  const machine = page.getByRole('region', { name: 'Machine' });
  await expect(machine.getByTestId('value-cpu')).toHaveText(/%$/, { timeout: 15_000 });
  await expect(machine.getByTestId('value-memory')).toHaveText(/(MB|GB)$/);
  const sampleAt = async () => Number(await machine.getAttribute('data-sample-at'));
  const first = await sampleAt();
  await expect.poll(sampleAt, { timeout: 10_000 }).toBeGreaterThan(first);
  const second = await sampleAt();
  await expect.poll(sampleAt, { timeout: 10_000 }).toBeGreaterThan(second);

  // The reference services with steady traffic; healthy screenshots once their targets are up.
  demo = await startDemo(env.home, ['--traffic', '10']);
  await page.getByRole('tab', { name: 'Overview' }).click();
  await expect(page.getByText('Nothing fires.')).toBeVisible();
  await shoot(page, 'healthy');

  // Inject a fault: every GUI request fails → HighErrorRate fires for job gui.
  await demo.faults('gui', { errorRate: 1 });
  // The overview shows it among its top alerts; the Alerts view has the actions.
  await expect(page.getByRole('list', { name: 'Top firing alerts' }).getByRole('listitem', { name: /^HighErrorRate gui/ }).first()).toBeVisible({ timeout: 90_000 });
  await shoot(page, 'alerting');
  await page.getByRole('tab', { name: 'Alerts' }).click();
  const firing = page.getByRole('list', { name: 'Firing alerts' });
  const alertRow = firing.getByRole('listitem', { name: /^HighErrorRate gui/ });
  await expect(alertRow).toBeVisible({ timeout: 90_000 });
  await expect(alertRow).toContainText(/critical|warning/);

  // Ack: it moves to Silenced, saying it was acknowledged. (At a 100 % error rate both the warning and
  // the critical HighErrorRate fire; the warning one is inhibited by the critical, so it is silenced already.)
  await expect(firing.getByRole('listitem', { name: /^HighErrorRate gui/ })).toHaveCount(1);
  await alertRow.getByRole('button', { name: 'Ack' }).click();
  const silenced = page.getByRole('list', { name: 'Silenced alerts' });
  await expect(silenced.getByRole('listitem', { name: /^HighErrorRate gui/ }).filter({ hasText: 'Acknowledged' })).toHaveCount(1, { timeout: 30_000 });
  await expect(firing.getByRole('listitem', { name: /^HighErrorRate gui/ })).toHaveCount(0);

  // A threshold (the Settings view): a bad value is refused beside the field and nothing changes; a good one is applied.
  await page.getByRole('tab', { name: 'Settings' }).click();
  // Every scraped service is listed, the demo's too, with Prometheus' up and where it came from (issue 16.4).
  const scraped = page.getByRole('list', { name: 'Scraped services' });
  for (const name of ['llm', 'memory', 'gui']) {
    await expect(scraped.getByRole('listitem', { name })).toHaveText(/^up .* from lookout demo$/, { timeout: 30_000 });
  }
  const threshold = page.getByLabel('Error rate: warning at');
  await threshold.fill('lots');
  await threshold.press('Enter');
  // The field names its issue only once the save has been refused: wait for that before reading which it is.
  await expect(threshold).toHaveAttribute('aria-invalid', 'true');
  const issue = page.locator(`#${await threshold.getAttribute('aria-describedby')}`);
  await expect(issue).toContainText(/number|ratio/);
  await threshold.fill('0.1');
  await threshold.press('Enter');
  await expect(threshold).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('saved', { exact: true })).toBeVisible();
  // Applied: Prometheus now evaluates the new threshold.
  await expect
    .poll(async () => {
      const res = await fetch(`http://127.0.0.1:${env!.ports.prometheus}/api/v1/rules`);
      const body = (await res.json()) as { data: { groups: Array<{ rules: Array<{ name: string; query: string }> }> } };
      return body.data.groups.flatMap((g) => g.rules).filter((r) => r.name === 'HighErrorRate').map((r) => r.query).join(' | ');
    }, { timeout: 30_000 })
    .toContain('0.1');
});
