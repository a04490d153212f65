/**
 * Log completeness (issue 12) on the real path: the reference services write their pino logs, a real
 * `lookout serve` follows them into its DuckDB store, the real Prometheus counts the same requests.
 * For 60 s of traffic, with Lookout SIGKILLed and restarted in the middle, the GUI's log rotated by
 * rename (and reopened on SIGHUP, as logrotate does) and the LLM's by copy-and-truncate, every request
 * Prometheus counted has exactly one log line in the store with its trace id, and every error trace
 * has its error line. The one exception is what copy-and-truncate destroys itself (lines written between
 * the copy and the truncate are on disk nowhere): those must be absent from disk and from that window.
 */
import { copyFile, readFile, rename, rm, truncate } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../common/http-client';
import type { LogLine } from '../../common/logs';
import { startDemo, type RunningDemo } from '../support/reference';
import { startServe, type RunningServe } from '../support/serve';
import { makeHome, waitFor, type TestHome } from '../support/stack-env';

const TRAFFIC_MS = 60_000;
/** The fields of a service's own log line this test reads. */
type DiskLine = { msg?: string; route?: string; request_id?: string };
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
    // Lines the service writes between the copy and the truncate are destroyed by that rotation itself
    // (logrotate's copytruncate says as much): the window is kept to judge what is missing below.
    const copyWindow = { from: 0, to: 0 };
    await at(40_000, 'llm log copied and truncated', async () => {
      const file = demo.logFile('llm');
      copyWindow.from = Date.now();
      await copyFile(file, `${file}.1`);
      await truncate(file, 0);
      copyWindow.to = Date.now();
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
    // What the LLM's log holds on disk after its copy-and-truncate: the copy plus the file since.
    const onDisk = new Set<string>();
    for (const file of [`${demo.logFile('llm')}.1`, demo.logFile('llm')]) {
      for (const text of (await readFile(file, 'utf8')).split('\n')) {
        let line: DiskLine | null;
        try {
          line = text.trim() ? (JSON.parse(text) as DiskLine) : null;
        } catch {
          continue; // not a whole JSON line (one cut by the copy or the truncate)
        }
        if (line?.msg === 'request completed' && line.route === '/v1/completions' && line.request_id) onDisk.add(line.request_id);
      }
    }
    const llm = await waitFor('every llm request line on disk in the store', async () => {
      const found = await lines('llm', '/v1/completions');
      const ids = new Set(found.map((l) => String(l.attributes.request_id)));
      const absent = [...onDisk].filter((id) => !ids.has(id));
      // Thrown rather than null, so a timeout says which lines the store lacks.
      if (absent.length) throw new Error(`${absent.length} of ${onDisk.size} llm lines on disk are not in the store (${absent.slice(0, 3).join(', ')}…)`);
      return found;
    }, 30_000);

    const distinct = (ls: LogLine[]) => new Set(ls.map((l) => l.attributes.request_id)).size;
    expect(gui.length, 'gui lines = requests Prometheus counted').toBe(guiCount);
    expect(distinct(gui), 'no gui line doubled').toBe(gui.length);
    expect(gui.every((l) => l.traceId && /^[0-9a-f]{32}$/.test(l.traceId)), 'every gui line has its trace id').toBe(true);
    expect(distinct(llm), 'no llm line doubled').toBe(llm.length);
    // Each GUI request made one LLM request with the same request id. An LLM line missing from the store
    // must be missing from disk too, and belong to a request made while the log was being copied and
    // truncated (its GUI line comes after the LLM's, so within a second of the window's end).
    const llmIds = new Set(llm.map((l) => String(l.attributes.request_id)));
    const lost = gui.filter((l) => !llmIds.has(String(l.attributes.request_id)));
    expect(llm.length + lost.length, 'llm lines + lines the rotation destroyed = requests Prometheus counted').toBe(llmCount);
    for (const l of lost) {
      expect(onDisk.has(String(l.attributes.request_id)), `llm line ${String(l.attributes.request_id)} is on disk but not in the store`).toBe(false);
      expect(l.timeUs / 1000, `llm line ${String(l.attributes.request_id)} is missing outside the copy-and-truncate window`).toBeGreaterThanOrEqual(copyWindow.from);
      expect(l.timeUs / 1000, `llm line ${String(l.attributes.request_id)} is missing outside the copy-and-truncate window`).toBeLessThanOrEqual(copyWindow.to + 1_000);
    }

    const errorTraces = (await api.traces.list({ service: 'gui', errorsOnly: true, fromUs: (start - 60_000) * 1000, limit: 1000 })).traces;
    const errorLines = new Set(gui.filter((l) => l.level === 'error').map((l) => l.traceId));
    const missing = errorTraces.filter((t) => !errorLines.has(t.traceId));
    expect(errorTraces.length).toBeGreaterThan(0);
    expect(missing.map((t) => t.traceId), 'error traces without their error line').toEqual([]);
    process.stdout.write(
      `logs: ${sent} requests in ${TRAFFIC_MS / 1000} s (${errors} errors); Prometheus counted gui ${guiCount}, llm ${llmCount}; ` +
        `store: ${gui.length} gui lines (${distinct(gui)} distinct), ${llm.length} llm lines (${distinct(llm)} distinct, every one on disk; ` +
        `${lost.length} destroyed by the ${copyWindow.to - copyWindow.from} ms copy-and-truncate); ` +
        `${errorTraces.length} error traces, each with its error line; ${events.join('; ')}\n`,
    );
  });
});
