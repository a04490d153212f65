/**
 * A quick look at the popover's first render alone (no 1,000 alerts, no frames): `node --import tsx
 * scripts/bench/first-render-probe.ts`. Prints, per run, navigation start to the data's arrival, to all
 * modules evaluated and to the first render, for Lookout and the bare React peer, taking turns.
 */
import { chromium } from '@playwright/test';
import { startServe } from '../../test/support/serve';
import { makeHome } from '../../test/support/stack-env';
import { startPeerPages } from './peer-pages';
import { loadToFirstRender, newContext } from './popover';
import { quantile } from './report';

declare const performance: { getEntriesByName(name: string): Array<{ startTime: number }>; getEntriesByType(t: string): Array<{ name: string; startTime: number; responseStart: number; responseEnd: number }> };
const RUNS = Number(process.env.BENCH_RUNS ?? 10);

const env = await makeHome();
const serve = await startServe(env.home);
const peers = await startPeerPages();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
try {
  await fetch(`${serve.info.url}/api/v1/stack/start`, { method: 'POST', headers: { Authorization: `Bearer ${serve.info.token}`, 'Content-Type': 'application/json' }, body: '{}' });
  const rows: Record<string, Array<Record<string, number>>> = { lookout: [], react: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const [name, url] of [['react', peers.reactUrl], ['lookout', serve.printedUrl]] as const) {
      const context = await newContext(browser);
      const page = await loadToFirstRender(context, url);
      rows[name]!.push(
        await page.evaluate(() => {
          const at = (n: string) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
          const nav = performance.getEntriesByType('navigation')[0]!;
          const js = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.js'));
          const css = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.css'));
          const stack = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/api/v1/stack'));
          return { html: nav.responseEnd, js: js?.responseEnd ?? NaN, css: css?.responseEnd ?? NaN, asked: stack?.startTime ?? NaN, answered: stack?.responseEnd ?? NaN, evaluated: at('lookout:app-evaluated'), data: at('lookout:stack-data'), render: at('lookout:first-render') };
        }),
      );
      await context.close();
    }
  }
  for (const [name, xs] of Object.entries(rows)) {
    const med = (k: string) => {
      const present = xs.map((x) => x[k]!).filter(Number.isFinite);
      return present.length ? quantile(present, 0.5).toFixed(1) : "—";
    };
    console.log(`${name}: median html ${med('html')} ms, js ${med('js')} ms, css ${med('css')} ms, stack asked ${med('asked')} ms, answered ${med('answered')} ms, evaluated ${med('evaluated')} ms, data ${med('data')} ms, first render ${med('render')} ms`);
  }
} finally {
  await browser.close();
  await peers.close();
  await fetch(`${serve.info.url}/api/v1/stack/stop`, { method: 'POST', headers: { Authorization: `Bearer ${serve.info.token}`, 'Content-Type': 'application/json' }, body: '{}' });
  await serve.stop();
  await env.cleanup();
}
