/**
 * Log completeness (issue 12) on the real path: the reference services write their pino logs, a real
 * `lookout serve` follows them into its DuckDB store, the real Prometheus counts the same requests.
 * For 60 s of traffic, with Lookout SIGKILLed and restarted in the middle, the GUI's log rotated by
 * rename (and reopened on SIGHUP, as logrotate does) and the LLM's by copy-and-truncate, every request
 * Prometheus counted has exactly one log line in the store with its trace id, and every error trace
 * has its error line.
 */
import { copyFile, rename, rm, truncate } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../common/http-client';
import type { LogLine } from '../../common/logs';
import { startDemo, type RunningDemo } from '../support/reference';
import { startServe, type RunningServe } from '../support/serve';
import { makeHome, waitFor, type TestHome } from '../support/stack-env';

const TRAFFIC_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('every request has its log line in the store, across a SIGKILL of Lookout and rotations both ways', () => {
  let env: TestHome;
  let serve: RunningServe;
  let demo: RunningDemo;

  beforeAll(async () => {
    env = await makeHome((p) => ({
      stack: {
        scrapeInterval: '1s',
        components: { prometheus: { port: p.prometheus }, alertmanager: { enabled: false, port: p.alertmanager }, node_exporter: { enabled: false, port: p.node_exporter }, grafana: { enabled: false, port: p.grafana } },
      },
      traces: { receiver: { port: p.otlp }, sampling: { decisionWait: '1s' } },
    }));
    serve = await startServe(env.home);
    await client().stack.start({});
    demo = await startDemo(env.home);
    await demo.faults('llm', { errorRate: 0.1 });
  }, 120_000);
  afterAll(async () => {
    await demo?.stop();
    await serve?.stop();
    await env?.cleanup();
  });

  const client = (): HttpClient => createHttpClient({ baseUrl: serve.info.url, token: serve.info.token });

  it('60 s of traffic: counted by Prometheus = lines in the store, none doubled, every error trace with its error line', async () => {
    const start = Date.now();
    let sent = 0;
    let errors = 0;
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const res = await fetch(`${demo.url('gui')}/api/complete`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ prompt: `worker ${w} asks ${i}` }),
        }).catch(() => null);
        if (res) {
          await res.arrayBuffer();
          sent++;
          if (res.status >= 500) errors++;
        }
        await sleep(100);
      }
    };
    const traffic = Promise.all([1, 2, 3, 4].map(worker));
    const events: string[] = [];
    const at = async (ms: number, what: string, fn: () => Promise<void>) => {
      await sleep(Math.max(0, start + ms - Date.now()));
      await fn();
      events.push(`${what} at ${((Date.now() - start) / 1000).toFixed(1)} s`);
    };

    await at(15_000, 'Lookout SIGKILLed and restarted', async () => {
      serve.child.kill('SIGKILL');
      await new Promise((r) => serve.child.once('exit', r));
      // What a crash leaves behind; the next start finds the process gone.
      await rm(path.join(env.home, 'serve.json'), { force: true });
      await sleep(2_000);
      serve = await startServe(env.home);
    });
    await at(30_000, 'gui log renamed and reopened', async () => {
      const file = demo.logFile('gui');
      await rename(file, `${file}.1`);
      process.kill(demo.pid('gui'), 'SIGHUP');
    });
    await at(40_000, 'llm log copied and truncated', async () => {
      const file = demo.logFile('llm');
      await copyFile(file, `${file}.1`);
      await truncate(file, 0);
    });
    await sleep(Math.max(0, start + TRAFFIC_MS - Date.now()));
    stop = true;
    await traffic;

    const api = client();
    const counted = async (job: string, route: string, status = '.*') => {
      const q = encodeURIComponent(`sum(http_requests_total{job="${job}",route="${route}",status=~"${status}"})`);
      const body = (await (await fetch(`http://127.0.0.1:${env.ports.prometheus}/api/v1/query?query=${q}`)).json()) as { data: { result: Array<{ value: [number, string] }> } };
      return Number(body.data.result[0]?.value[1] ?? 0);
    };
    const guiCount = await waitFor('Prometheus to count every request', async () => ((await counted('gui', '/api/complete')) === sent ? sent : null), 30_000);
    // Every GUI request makes one LLM request; wait for Prometheus' next scrape of the LLM to count them all.
    const llmCount = await waitFor('Prometheus to count every LLM request', async () => ((await counted('llm', '/v1/completions')) === guiCount ? guiCount : null), 30_000);
    const lines = async (service: string, route: string) => {
      const r = await api.logs.search({ service, text: 'request completed', fromUs: (start - 60_000) * 1000, limit: 10_000 });
      return r.lines.filter((l) => l.attributes.route === route);
    };
    const gui = await waitFor('every gui request line in the store', async () => {
      const found = await lines('gui', '/api/complete');
      return found.length >= guiCount ? found : null;
    }, 30_000);
    const llm = await waitFor('every llm request line in the store', async () => {
      const found = await lines('llm', '/v1/completions');
      return found.length >= llmCount ? found : null;
    }, 30_000);

    const distinct = (ls: LogLine[]) => new Set(ls.map((l) => l.attributes.request_id)).size;
    expect(gui.length, 'gui lines = requests Prometheus counted').toBe(guiCount);
    expect(distinct(gui), 'no gui line doubled').toBe(gui.length);
    expect(gui.every((l) => l.traceId && /^[0-9a-f]{32}$/.test(l.traceId)), 'every gui line has its trace id').toBe(true);
    expect(llm.length, 'llm lines = requests Prometheus counted').toBe(llmCount);
    expect(distinct(llm), 'no llm line doubled').toBe(llm.length);

    const errorTraces = (await api.traces.list({ service: 'gui', errorsOnly: true, fromUs: (start - 60_000) * 1000, limit: 1000 })).traces;
    const errorLines = new Set(gui.filter((l) => l.level === 'error').map((l) => l.traceId));
    const missing = errorTraces.filter((t) => !errorLines.has(t.traceId));
    expect(errorTraces.length).toBeGreaterThan(0);
    expect(missing.map((t) => t.traceId), 'error traces without their error line').toEqual([]);
    process.stdout.write(
      `logs: ${sent} requests in ${TRAFFIC_MS / 1000} s (${errors} errors); Prometheus counted gui ${guiCount}, llm ${llmCount}; ` +
        `store: ${gui.length} gui lines (${distinct(gui)} distinct), ${llm.length} llm lines (${distinct(llm)} distinct); ` +
        `${errorTraces.length} error traces, each with its error line; ${events.join('; ')}\n`,
    );
  });
});
