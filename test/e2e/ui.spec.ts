// The popover's layout and accessibility in Chromium, against a fake of main (test/e2e/fake-ui.ts) so each
// test sees exactly the data it names: the overview fits one popover screen, every view is reachable by
// keyboard, axe finds no serious or critical violation in light or dark, long alert text stays inside its
// card at 420 px, and the README's screenshots of each view are taken here.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { defaultData, FAKE_TRACE_ID, fakeAlert, openFakeUi } from './fake-ui';

/** The page's globals as far as the functions evaluated in Chromium use them (the e2e tsconfig has no DOM types). */
interface El {
  tagName: string;
  className: string;
  tabIndex: number;
  outerHTML: string;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  getBoundingClientRect(): { left: number; right: number; width: number; height: number };
  querySelectorAll(selector: string): Iterable<El>;
  blur(): void;
}
declare const document: { activeElement: El | null; documentElement: El; querySelectorAll(selector: string): Iterable<El> };
declare const window: { innerWidth: number };
declare const location: { hash: string };
type FakeWindow = { __fakeEmit(event: string, payload: unknown): void };
declare function getComputedStyle(el: El): { outlineStyle: string; textTransform: string };

const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');
/** The views and the heading each one shows. */
const VIEWS = [
  { id: 'overview', tab: 'Overview', hash: '#/', heading: 'Overview' },
  { id: 'alerts', tab: 'Alerts', hash: '#/alerts', heading: 'Alerts' },
  { id: 'machine', tab: 'Machine', hash: '#/machine', heading: 'Machine' },
  { id: 'logs', tab: 'Logs', hash: '#/logs', heading: 'Logs' },
  { id: 'traces', tab: 'Traces', hash: '#/traces', heading: 'Traces' },
  { id: 'settings', tab: 'Settings', hash: '#/settings', heading: 'Settings' },
] as const;

async function overviewReady(page: Page) {
  await expect(page.getByTestId('alert-card')).toHaveCount(3);
  await expect(page.getByTestId('mini-cpu')).toContainText('%');
  await expect(page.getByRole('link', { name: 'Grafana', exact: true })).toBeVisible();
}

async function viewReady(page: Page, id: (typeof VIEWS)[number]['id']) {
  if (id === 'overview') return overviewReady(page);
  if (id === 'alerts') return expect(page.getByRole('list', { name: 'Firing alerts' }).getByTestId('alert-card')).toHaveCount(3);
  if (id === 'machine') return expect(page.getByTestId('value-cpu')).toContainText('%');
  if (id === 'logs') return expect(page.getByText('recall failed: <*>').first()).toBeVisible();
  if (id === 'traces') return expect(page.getByRole('button', { name: 'POST /chat' })).toBeVisible();
  return expect(page.getByLabel('Scrape interval')).toHaveValue('5s');
}

test('the overview fits one popover screen at 400 px: 4 components, 3 alerts, the sparklines and the links', async ({ page }) => {
  await page.setViewportSize({ width: 400, height: 560 });
  await openFakeUi(page);
  await overviewReady(page);
  await expect(page.getByRole('region', { name: 'Stack' }).getByRole('listitem')).toHaveCount(4);
  for (const id of ['cpu', 'memory', 'gpu', 'ipc']) await expect(page.getByTestId(`mini-${id}`).locator('canvas')).toBeVisible();
  const height = await page.evaluate(() => Math.ceil((document.documentElement as El & { scrollHeight: number }).scrollHeight));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log(`overview at 400 px: ${height} px tall, ${width} px wide`);
  expect(height).toBeLessThanOrEqual(600);
  expect(width).toBeLessThanOrEqual(400);
  // The worst problem in one line: the critical alert.
  await expect(page.getByTestId('worst-problem')).toContainText('HighErrorRate');
  await expect(page.getByTestId('overall')).toHaveText('critical');
  // All running: Stop stack is offered, Start stack is not.
  await expect(page.getByRole('button', { name: 'Stop stack' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start stack' })).toHaveCount(0);
});

test('every view is reachable by keyboard: Tab to its tab and Enter, Ctrl/⌘+digit, and the tray\'s app:focus', async ({ page }) => {
  await openFakeUi(page);
  await overviewReady(page);
  for (const view of VIEWS) {
    // From the top of the page, Tab until the view's tab has the focus, then Enter.
    await page.locator('body').focus();
    await page.evaluate(() => document.activeElement?.blur());
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate((name) => document.activeElement?.getAttribute('role') === 'tab' && document.activeElement.textContent === name, view.tab);
    }
    expect(reached, `Tab reaches the ${view.tab} tab`).toBe(true);
    // The focus ring is visible on the focused tab.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as El).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('tab', { name: view.tab })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('heading', { level: 1, name: view.heading })).toBeAttached();
    expect(new URL(page.url()).hash).toBe(view.hash);
  }
  const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
  for (const [i, view] of [...VIEWS].reverse().entries()) {
    await page.keyboard.press(`${mod}+${VIEWS.length - i}`);
    await expect(page.getByRole('tab', { name: view.tab })).toHaveAttribute('aria-selected', 'true');
  }
  // The tray's Preferences… sends app:focus 'settings'; 'stack' is the overview.
  await page.evaluate(() => (window as unknown as FakeWindow).__fakeEmit('app:focus', 'settings'));
  await expect(page.getByRole('tab', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true');
  await page.evaluate(() => (window as unknown as FakeWindow).__fakeEmit('app:focus', 'stack'));
  await expect(page.getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
  // Every control of the overview is in the Tab order.
  const unreachable = await page.evaluate(() =>
    [...document.querySelectorAll('button, a[href], input, select')].filter((el) => el.tabIndex < 0 && !el.hasAttribute('disabled')).map((el) => el.outerHTML),
  );
  expect(unreachable).toEqual([]);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`axe: no serious or critical violation on any view (${scheme}); screenshots of each view`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openFakeUi(page);
    await mkdir(SHOTS, { recursive: true });
    const report: string[] = [];
    for (const view of VIEWS) {
      await page.evaluate((hash) => (location.hash = hash), view.hash);
      await viewReady(page, view.id);
      const result = await new AxeBuilder({ page }).analyze();
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      report.push(`${view.id}/${scheme}: ${result.violations.length} violations (${result.violations.map((v) => `${v.id}:${v.impact}`).join(', ') || 'none'}), ${result.passes.length} rules passed`);
      expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`), `${view.id} in ${scheme}`).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `${view.id}-${scheme}.png`), fullPage: view.id !== 'overview' });
    }
    // One trace by its deep link (a log line's or an exemplar's): the waterfall names the hop that failed.
    await page.evaluate((hash) => (location.hash = hash), `#/traces/${FAKE_TRACE_ID}`);
    await expect(page.getByText(/Failed in memory/)).toBeVisible();
    // The title is the root span's name, data as the service wrote it: not upper-cased like a section heading.
    const title = page.locator('#trace-detail-title');
    expect(await title.evaluate((e) => getComputedStyle(e).textTransform)).toBe('none');
    const detail = await new AxeBuilder({ page }).analyze();
    report.push(`trace detail/${scheme}: ${detail.violations.length} violations (${detail.violations.map((v) => `${v.id}:${v.impact}`).join(', ') || 'none'})`);
    expect(detail.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id), `trace detail in ${scheme}`).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, `trace-detail-${scheme}.png`), fullPage: true });
    console.log(report.join('\n'));
  });
}

test('at 420 px long alert names, labels and descriptions stay inside their cards', async ({ page }) => {
  const long = 'LookoutAlertmanagerUnreachableWhileTheConfiguredListenAddressIsTakenByAnotherProcess';
  const data = defaultData();
  data.alerts.alerts = [
    fakeAlert(long, {
      severity: 'critical',
      labels: { job: 'a-service-with-a-very-long-job-name-that-goes-on-and-on', instance: '127.0.0.1:65535' },
      summary: `Alertmanager is not reachable at http://127.0.0.1:9093/api/v2/alerts/groups?silenced=false&inhibited=false&active=true (${'reach-no '.repeat(6)})`,
      description: 'x'.repeat(200),
    }),
    ...data.alerts.alerts.slice(0, 2),
  ];
  data.stack.components[0] = { ...data.stack.components[0]!, state: 'failed', lastError: `port 9100 is already in use by pid 777 (${'python3-'.repeat(12)})`, fix: 'stop pid 777, or set stack.components.node_exporter.port to a free port' };
  data.metrics.collectors = data.metrics.collectors.map((c) => (c.id === 'gpu' ? { ...c, up: false, unavailable: true, reason: 'no GPU found: system_profiler SPDisplaysDataType listed no display adapter with Metal support' } : c));
  data.metrics.samples = data.metrics.samples.map((s) => ({ ...s, values: Object.fromEntries(Object.entries(s.values).filter(([k]) => !k.startsWith('gpu.'))) }));
  data.metrics.machine = { cpu: 'Intel Xeon', cores: 2, os: 'Linux', gpus: [], reason: 'no GPU found: lspci lists no VGA or 3D controller' };
  await page.setViewportSize({ width: 420, height: 800 });
  await openFakeUi(page, data);
  await expect(page.getByTestId('alert-card')).toHaveCount(3);
  // No raw probe error on the GPU cell: "No GPU found", with the reason on hover.
  await expect(page.getByTestId('mini-gpu')).toContainText('No GPU found');
  await expect(page.getByTestId('mini-gpu').locator('[title]')).toHaveAttribute('title', /lspci/);

  await mkdir(SHOTS, { recursive: true });
  for (const view of ['#/', '#/alerts', '#/machine'] as const) {
    await page.evaluate((hash) => (location.hash = hash), view);
    await expect(page.getByTestId(view === '#/machine' ? 'tile-gpu' : 'alert-card').first()).toBeVisible();
    if (view === '#/machine') await expect(page.getByTestId('tile-gpu')).toContainText('No GPU found');
    const overflows = await page.evaluate(() => {
      const out: string[] = [];
      for (const card of document.querySelectorAll('.card, .tile, .mini, .field-group')) {
        const box = card.getBoundingClientRect();
        if (card.scrollWidth > card.clientWidth + 1) out.push(`${card.className}: scrollWidth ${card.scrollWidth} > ${card.clientWidth}`);
        for (const child of card.querySelectorAll('*')) {
          const r = child.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;
          if (r.left < box.left - 0.5 || r.right > box.right + 0.5) out.push(`${card.className} > ${child.tagName}.${child.className}: ${r.left.toFixed(1)}–${r.right.toFixed(1)} outside ${box.left.toFixed(1)}–${box.right.toFixed(1)}`);
        }
      }
      if (document.documentElement.scrollWidth > window.innerWidth) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
      return out;
    });
    expect(overflows, `overflow on ${view}`).toEqual([]);
  }
  await page.evaluate(() => (location.hash = '#/'));
  await expect(page.getByTestId('alert-card')).toHaveCount(3);
  await page.screenshot({ path: path.join(SHOTS, 'overview-420-long-text.png'), fullPage: true });
  // The long name is cut with an ellipsis and readable in full on hover.
  await expect(page.getByTestId('alert-card').first().locator('.alert-name')).toHaveAttribute('title', long);
});

test('at 360 px every tab is in view, and the selected one is scrolled to', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 640 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openFakeUi(page, defaultData());
  await page.keyboard.press('Control+6');
  await expect(page.getByRole('tab', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true');
  const outside = await page.evaluate(() =>
    [...document.querySelectorAll('[role="tab"]')]
      .map((t) => ({ name: t.textContent, box: t.getBoundingClientRect() }))
      .filter(({ box }) => box.left < -0.5 || box.right > window.innerWidth + 0.5)
      .map(({ name, box }) => `${name}: ${box.left.toFixed(1)}–${box.right.toFixed(1)}`),
  );
  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
});

test('Alertmanager starting is said calmly, unreachable is a warning banner', async ({ page }) => {
  const data = defaultData();
  data.alerts.alerts = [];
  data.alerts.alertmanager = { reachable: false, lastOkAt: null, error: 'connect ECONNREFUSED 127.0.0.1:9093', status: 'starting' } as typeof data.alerts.alertmanager;
  data.stack.components = data.stack.components.map((c) => (c.id === 'alertmanager' ? { ...c, state: 'starting' } : c));
  await openFakeUi(page, data);
  await expect(page.getByTestId('alertmanager-calm')).toHaveText('Alertmanager is starting');
  await expect(page.getByTestId('alertmanager-banner')).toHaveCount(0);
  await expect(page.locator('.banner')).toHaveCount(0);
  // Running for an hour and still not answering: now it is a warning.
  const running = { ...data.stack, components: data.stack.components.map((c) => ({ ...c, state: 'running' as const, since: Date.now() - 3_600_000 })) };
  await page.evaluate((snap) => (window as unknown as FakeWindow).__fakeEmit('stack:changed', snap), running);
  await page.evaluate(() =>
    (window as unknown as FakeWindow).__fakeEmit('alerts:changed', {
      alerts: [],
      alertmanager: { reachable: false, lastOkAt: null, error: 'connect ECONNREFUSED 127.0.0.1:9093', status: 'unreachable' },
      prometheus: { reachable: true, lastOkAt: null, error: null },
      lastWatchdogAt: null,
    }),
  );
  await expect(page.getByTestId('alertmanager-banner')).toContainText('not reachable');
});
