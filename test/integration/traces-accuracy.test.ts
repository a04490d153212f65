/**
 * Trace accuracy (issue 11) through the real path: the reference services (built `lookout demo`) export
 * their spans over OTLP/HTTP to the OTLP receiver of a real `lookout serve`, which samples them and
 * keeps them in its DuckDB store; the real Prometheus scrapes the same services. Every kept request's
 * trace must have its gui → llm → memory spans with the right parents, the error traces stored must be
 * exactly the errors Prometheus counted, and the tail sampler's ratio must hold over 5,000 traces.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../common/http-client';
import type { TraceDetail, TraceSpan } from '../../common/traces';
import { inBatches, startDemo, type RunningDemo } from '../support/reference';
import { startServe, type RunningServe } from '../support/serve';
import { makeHome, waitFor, type TestHome } from '../support/stack-env';

const REQUESTS = 240;

describe('traces through the real receiver, sampler and store', () => {
  let env: TestHome;
  let serve: RunningServe;
  let client: HttpClient;
  let demo: RunningDemo;

  beforeAll(async () => {
    // Alertmanager and node_exporter are not what this is about; Prometheus counts the requests.
    env = await makeHome((p) => ({
      stack: {
        scrapeInterval: '1s',
        evaluationInterval: '5s',
        components: { prometheus: { port: p.prometheus }, alertmanager: { enabled: false, port: p.alertmanager }, node_exporter: { enabled: false, port: p.node_exporter }, grafana: { enabled: false, port: p.grafana } },
      },
      traces: { receiver: { port: p.otlp }, sampling: { decisionWait: '1s' } },
    }));
    serve = await startServe(env.home);
    client = createHttpClient({ baseUrl: serve.info.url, token: serve.info.token });
    await client.stack.start({});
    demo = await startDemo(env.home);
  });
  afterAll(async () => {
    await demo?.stop();
    await serve?.stop();
    await env?.cleanup();
  });

  it('every kept request has gui → llm → memory with the right parents, and the error traces are exactly the errors Prometheus counted', async () => {
    await demo.faults('llm', { errorRate: 0.25 });
    const started = Date.now() * 1000;
    // Half the prompts repeat, so the LLM's cache answers some without asking memory (llm.cache=hit).
    const statuses = await inBatches(Array.from({ length: REQUESTS }, (_, i) => i), 8, async (i) => {
      const res = await fetch(`${demo.url('gui')}/api/complete`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ prompt: i % 2 ? `What does Lookout watch? ${i}` : 'What does Lookout watch?' }),
      });
      await res.arrayBuffer();
      return res.status;
    });
    const sentErrors = statuses.filter((s) => s >= 500).length;
    expect(sentErrors).toBeGreaterThan(0);

    const promErrors = async () => {
      const q = encodeURIComponent('sum(http_requests_total{job="gui",route="/api/complete",status=~"5.."})');
      const body = (await (await fetch(`http://127.0.0.1:${env.ports.prometheus}/api/v1/query?query=${q}`)).json()) as { data: { result: Array<{ value: [number, string] }> } };
      return Number(body.data.result[0]?.value[1] ?? 0);
    };
    const storedErrorTraces = async () => (await client.traces.list({ service: 'gui', errorsOnly: true, fromUs: started - 60_000_000, limit: 1000 })).traces.filter((t) => t.rootName === 'POST /api/complete');
    // Spans are exported every 5 s and decided a second after their trace goes quiet; Prometheus scrapes every second.
    const counted = await waitFor('Prometheus to count every error', async () => ((await promErrors()) === sentErrors ? sentErrors : null), 30_000);
    const errors = await waitFor('every error trace in the store', async () => {
      const found = await storedErrorTraces();
      return found.length >= counted ? found : null;
    }, 30_000);
    expect(errors.length).toBe(counted);

    const kept = (await client.traces.list({ service: 'gui', fromUs: started - 60_000_000, limit: 1000 })).traces.filter((t) => t.rootName === 'POST /api/complete');
    const details = await Promise.all(kept.map(async (t) => (await client.traces.get({ traceId: t.traceId })).trace!));
    let withMemory = 0;
    for (const trace of details) {
      checkHops(trace);
      if (trace.spans.some((s) => s.service === 'memory')) withMemory++;
    }
    process.stdout.write(
      `traces: ${REQUESTS} requests, ${sentErrors} answered 5xx = ${counted} counted by Prometheus = ${errors.length} error traces stored; ` +
        `${kept.length} traces kept in all, ${withMemory} with the memory hop, every one with its spans and parents\n`,
    );
    expect(withMemory).toBeGreaterThan(0);

    // Exemplars: Prometheus stored trace ids with the GUI's latency buckets, and they name stored traces.
    const q = encodeURIComponent('http_request_duration_seconds_bucket{job="gui"}');
    const exemplarIds = await waitFor('exemplars in Prometheus', async () => {
      const url = `http://127.0.0.1:${env.ports.prometheus}/api/v1/query_exemplars?query=${q}&start=${Math.floor(started / 1e6) - 60}&end=${Math.ceil(Date.now() / 1000)}`;
      const body = (await (await fetch(url)).json()) as { data: Array<{ exemplars: Array<{ labels: { trace_id?: string } }> }> };
      const ids = body.data.flatMap((d) => d.exemplars.map((e) => e.labels.trace_id)).filter((id): id is string => !!id);
      return ids.length ? ids : null;
    }, 20_000);
    const keptIds = new Set(kept.map((t) => t.traceId));
    const linked = exemplarIds.filter((id) => keptIds.has(id) || errors.some((t) => t.traceId === id));
    expect(exemplarIds.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    process.stdout.write(`exemplars: ${exemplarIds.length} trace ids on gui's latency buckets, ${linked.length} of them traces the sampler kept\n`);
  });

  it('keeps 10 % ± 1.5 % of 5,000 ordinary traces, deterministic on the trace id, and every error trace', async () => {
    const before = await keptByReason();
    const normal = Array.from({ length: 5_000 }, () => randomBytes(16).toString('hex'));
    const failing = Array.from({ length: 200 }, () => randomBytes(16).toString('hex'));
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const span = (traceId: string, error: boolean) => ({
      traceId,
      spanId: randomBytes(8).toString('hex'),
      name: 'GET /synthetic',
      kind: 2,
      startTimeUnixNano: String(nowNs),
      endTimeUnixNano: String(nowNs + 1_000_000n),
      status: { code: error ? 2 : 0 },
    });
    const batches: string[][] = [];
    for (let i = 0; i < normal.length; i += 500) batches.push(normal.slice(i, i + 500));
    for (const [i, ids] of [...batches, failing].entries()) {
      const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'synthetic' } }] }, scopeSpans: [{ spans: ids.map((id) => span(id, i === batches.length)) }] }] };
      const res = await fetch(`http://127.0.0.1:${env.ports.otlp}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    }
    const after = await waitFor('every synthetic trace decided', async () => {
      const now = await keptByReason();
      return now.decided - before.decided >= normal.length + failing.length ? now : null;
    }, 30_000);
    const ratio = (after.ratio - before.ratio) / normal.length;
    process.stdout.write(`sampling: ${after.ratio - before.ratio} of ${normal.length} ordinary traces kept (${(ratio * 100).toFixed(2)} %), ${after.error - before.error} of ${failing.length} error traces\n`);
    expect(ratio).toBeGreaterThanOrEqual(0.085);
    expect(ratio).toBeLessThanOrEqual(0.115);
    expect(after.error - before.error).toBe(failing.length);
  });

  it('answers garbage with 4xx and keeps serving', async () => {
    const post = (body: string | Uint8Array, type: string) => fetch(`http://127.0.0.1:${env.ports.otlp}/v1/traces`, { method: 'POST', headers: { 'Content-Type': type }, body });
    expect((await post(new Uint8Array([0x0a, 0xff, 0x01]), 'application/x-protobuf')).status).toBe(400);
    expect((await post('{"resourceSpans": [', 'application/json')).status).toBe(400);
    expect((await post('hello', 'text/plain')).status).toBe(415);
    expect((await client.app.info()).mode).toBe('serve');
  });

  async function keptByReason(): Promise<{ ratio: number; error: number; decided: number }> {
    const text = await (await fetch(`${serve.info.url}/metrics`)).text();
    const value = (re: RegExp) => text.split('\n').filter((l) => re.test(l)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    return {
      ratio: value(/^lookout_traces_traces_kept_total\{reason="ratio"\}/),
      error: value(/^lookout_traces_traces_kept_total\{reason="error"\}/),
      decided: value(/^lookout_traces_decisions_total\{/),
    };
  }
});

/** The hops of one /api/complete request, each span the child of the one that caused it. */
function checkHops(trace: TraceDetail): void {
  const id = trace.summary.traceId;
  const one = (pred: (s: TraceSpan) => boolean, what: string) => {
    const found = trace.spans.filter(pred);
    expect(found, `${id}: ${what}`).toHaveLength(1);
    return found[0]!;
  };
  const root = one((s) => s.service === 'gui' && s.kind === 'server', 'gui server span');
  expect(root.parentSpanId, `${id}: gui is the root`).toBeNull();
  const toLlm = one((s) => s.service === 'gui' && s.kind === 'client', 'gui → llm client span');
  expect(toLlm.parentSpanId).toBe(root.spanId);
  const llm = one((s) => s.service === 'llm' && s.kind === 'server', 'llm server span');
  expect(llm.parentSpanId).toBe(toLlm.spanId);
  // A cache miss asks memory for context; a hit, or a request the injected fault refused before the
  // handler ran (no llm.cache at all, an error span), asks memory nothing.
  const asksMemory = llm.attributes['llm.cache'] === 'miss';
  if (!asksMemory && llm.attributes['llm.cache'] === undefined) expect(llm.status, `${id}: only a refused request skips the cache`).toBe('error');
  const ipc = trace.spans.filter((s) => s.service === 'llm' && s.kind === 'client');
  const memory = trace.spans.filter((s) => s.service === 'memory');
  if (!asksMemory) {
    expect(ipc, `${id}: a cache hit asks memory nothing`).toHaveLength(0);
  } else {
    expect(ipc, `${id}: llm → memory IPC span`).toHaveLength(1);
    expect(ipc[0]!.parentSpanId).toBe(llm.spanId);
    expect(memory, `${id}: memory server span`).toHaveLength(1);
    expect(memory[0]!.parentSpanId).toBe(ipc[0]!.spanId);
  }
  // Nothing else, and no span whose parent is missing.
  expect(trace.spans).toHaveLength(asksMemory ? 5 : 3);
  const ids = new Set(trace.spans.map((s) => s.spanId));
  for (const s of trace.spans) if (s.parentSpanId) expect(ids.has(s.parentSpanId), `${id}: parent of ${s.name}`).toBe(true);
}
