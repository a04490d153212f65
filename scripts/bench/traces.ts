/**
 * Traces and the telemetry store, measured:
 * - ingest: OTLP/HTTP protobuf requests (1,000 spans each, 4 in flight) from a client in a worker
 *   thread into the real receiver, decoded and written through the store's batched appender, for
 *   BENCH_TRACES_SECONDS (60); spans/s accepted and written, drops, and the main thread's busy share;
 * - idle: CPU of this process over BENCH_TRACES_IDLE_SECONDS (10) with the store, sampler and
 *   receiver open and no traffic;
 * - a store of BENCH_TRACES_SPANS (1 M) spans (10-span traces over the last hour, 2 % with an error):
 *   file size per million spans, p95 of listing the last hour's error traces, of a trace list and of
 *   opening one trace;
 * - BENCH_TRACES_LOGS (1 M) log lines over two hours (5 % errors, 50 patterns): p95 of
 *   `logs errors --since 1h` and of a text search;
 * - the sampler's measured ratio on 10,000 traces with random ids.
 * BENCH_TRACES_SCALE (default 1) scales all of these at once, for a short run (e.g. 0.1).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { systemClock } from '../../main/core/adapters/clock';
import { encodeSpans } from '../../main/core/otlp/encode';
import { createOtlpReceiver } from '../../main/core/otlp/receiver';
import type { LogRecord, SpanRecord } from '../../main/core/store/records';
import { openTelemetryStore, type TelemetryStore } from '../../main/core/store/telemetry-store';
import { createTailSampler } from '../../main/core/traces/sampler';
import { randomHex, seededRandom, trace } from '../../test/fakes/telemetry-records';
import { met, quantile, type BenchSection } from './report';

const SCALE = Number(process.env.BENCH_TRACES_SCALE ?? 1);
const INGEST_S = Number(process.env.BENCH_TRACES_SECONDS ?? Math.max(5, Math.round(60 * SCALE)));
const IDLE_S = Number(process.env.BENCH_TRACES_IDLE_SECONDS ?? Math.max(3, Math.round(10 * SCALE)));
const SPANS = Number(process.env.BENCH_TRACES_SPANS ?? Math.round(1_000_000 * SCALE));
const LOGS = Number(process.env.BENCH_TRACES_LOGS ?? Math.round(1_000_000 * SCALE));
const QUERY_RUNS = 50;
const HOUR_US = 3_600_000_000;
const ms = (v: number) => `${v.toFixed(1)} ms`;
const k = (v: number) => `${Math.round(v).toLocaleString('en-US')}`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** A client in a worker thread, so encoding and sending do not share the receiver's event loop. */
const CLIENT = `
const http = require('node:http');
const { workerData, parentPort } = require('node:worker_threads');
const { port, bodies, seconds, concurrency, perSecond } = workerData;
const started = Date.now();
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const end = Date.now() + seconds * 1000;
let sent = 0, ok = 0, failed = 0, i = 0;
async function one() {
  if (Date.now() >= end) return;
  // Open loop when a rate is given: request n goes out at started + n / perSecond.
  if (perSecond) {
    const due = started + (i * 1000) / perSecond;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    if (Date.now() >= end) return;
  }
  const body = bodies[i++ % bodies.length];
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => { sent++; if (res.statusCode === 200) ok++; else failed++; resolve(); });
    });
    req.on('error', () => { failed++; resolve(); });
    req.end(body);
  }).then(one);
}
Promise.all(Array.from({ length: concurrency }, one)).then(() => { parentPort.postMessage({ sent, ok, failed }); agent.destroy(); });
`;

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm: first run compiles and reads the row groups in
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

interface IngestFigures {
  accepted: number;
  written: number;
  dropped: number;
  busy: number;
  requests: { ok: number; failed: number };
  atGoalBusy: number;
  atGoalWritten: number;
  idleCpu: number;
  idleBusy: number;
}

/** CPU of this process (all threads) as a share of one core over `seconds`, and the event loop's busy share. */
async function idleFigures(seconds: number): Promise<{ cpu: number; busy: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const elu0 = performance.eventLoopUtilization();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) / 1000 / (performance.now() - t0), busy: performance.eventLoopUtilization(elu0).utilization };
}

async function runClient(port: number, bodies: Uint8Array[], seconds: number, perSecond: number | null): Promise<{ ok: number; failed: number }> {
  const worker = new Worker(CLIENT, { eval: true, workerData: { port, bodies, seconds, concurrency: 4, perSecond } });
  try {
    return await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

async function benchIngest(dir: string): Promise<IngestFigures> {
  const store = await openTelemetryStore({ file: path.join(dir, 'ingest.duckdb'), clock: systemClock });
  const sampler = createTailSampler({ clock: systemClock, policy: { ratio: 0.1, keepErrors: true, slowMs: { default: 1000, services: {} } }, onKeep: (s) => store.sink.spans(s) });
  let accepted = 0;
  // Straight into the store: this measures receiving and storing, not the sampler's 10 % cut.
  const receiver = createOtlpReceiver({ port: 0, onSpans: (b) => ((accepted += b.length), store.sink.spans(b)), onLogs: (b) => store.sink.logs(b), nowUs: () => Date.now() * 1000 });
  const port = await receiver.start();
  const rand = seededRandom(1);
  const now = Date.now() * 1000;
  const bodies = Array.from({ length: 20 }, () => encodeSpans(Array.from({ length: 100 }, () => trace(rand, { traceId: randomHex(rand, 32), startUs: now, children: ['llm', 'memory', 'llm', 'memory', 'llm', 'memory', 'llm', 'memory', 'llm'], error: rand() < 0.02 })).flat()));
  const before = store.stats().spans;
  const accepted0 = accepted;
  const elu0 = performance.eventLoopUtilization();
  const requests = await runClient(port, bodies, INGEST_S, null);
  const busy = performance.eventLoopUtilization(elu0).utilization;
  // What is still buffered at the end is written by the next flush; count the window only.
  const after = store.stats().spans;
  const written = (after.written - before.written) / INGEST_S;
  const acceptedRate = (accepted - accepted0) / INGEST_S;
  store.flush();
  // At the goal rate (50 requests of 1,000 spans a second, open loop): how busy the main thread is.
  await sleep(1000);
  const goalS = Math.max(5, Math.round(INGEST_S / 3));
  const w0 = store.stats().spans.written;
  const goalElu0 = performance.eventLoopUtilization();
  await runClient(port, bodies, goalS, 50);
  const atGoalBusy = performance.eventLoopUtilization(goalElu0).utilization;
  const atGoalWritten = (store.stats().spans.written - w0) / goalS;
  store.flush();
  // Idle: everything open, no traffic (after the heap has settled).
  await sleep(3000);
  const idle = await idleFigures(IDLE_S);
  await receiver.stop();
  sampler.dispose();
  await store.close();
  return { accepted: acceptedRate, written, dropped: after.droppedFull - before.droppedFull, busy, requests, atGoalBusy, atGoalWritten, idleCpu: idle.cpu, idleBusy: idle.busy };
}

async function fill(store: TelemetryStore, nowUs: number): Promise<{ errorTraces: number; seconds: number }> {
  const rand = seededRandom(2);
  const traces = Math.ceil(SPANS / 10);
  let errors = 0;
  const t0 = performance.now();
  let batch: SpanRecord[] = [];
  for (let i = 0; i < traces; i++) {
    const error = rand() < 0.02;
    if (error) errors++;
    // Oldest first, as traffic would arrive.
    const startUs = nowUs - HOUR_US + Math.floor((i / traces) * HOUR_US);
    batch.push(...trace(rand, { traceId: randomBytes(16).toString('hex'), startUs, error, children: ['llm', 'memory', 'llm', 'memory', 'llm', 'memory', 'llm', 'memory', 'llm'], durationUs: 5_000 + Math.floor(rand() * 200_000) }));
    if (batch.length >= 5_000) {
      store.sink.spans(batch);
      store.flush();
      batch = [];
    }
  }
  store.sink.spans(batch);
  store.flush();
  return { errorTraces: errors, seconds: (performance.now() - t0) / 1000 };
}

async function fillLogs(store: TelemetryStore, nowUs: number): Promise<number> {
  const rand = seededRandom(3);
  const t0 = performance.now();
  let batch: LogRecord[] = [];
  for (let i = 0; i < LOGS; i++) {
    const error = rand() < 0.05;
    const p = Math.floor(rand() * 50);
    const timeUs = nowUs - 2 * HOUR_US + Math.floor((i / LOGS) * 2 * HOUR_US);
    batch.push({
      timeUs,
      service: ['gui', 'llm', 'memory'][i % 3]!,
      source: 'file',
      origin: '/var/log/app.log',
      level: error ? 'error' : 'info',
      message: error ? `request ${i} failed: upstream error code=${p} after ${Math.floor(rand() * 900)}ms` : `GET /items/${i} 200 in ${Math.floor(rand() * 90)}ms`,
      traceId: rand() < 0.5 ? randomHex(rand, 32) : null,
      spanId: null,
      attributes: { pid: 1234, route: '/items/{id}' },
      templateId: error ? `e${p}` : `i${p}`,
      template: error ? `request <*> failed: upstream error code=${p} after <*>ms` : `GET /items/<*> 200 in <*>ms`,
      durationMs: Math.floor(rand() * 900),
      route: '/items/{id}',
    });
    if (batch.length >= 5_000) {
      store.sink.logs(batch);
      store.flush();
      batch = [];
    }
  }
  store.sink.logs(batch);
  store.flush();
  return (performance.now() - t0) / 1000;
}

function samplingRatio(): number {
  let keptCount = 0;
  const rand = seededRandom(4);
  const sampler = createTailSampler({ clock: systemClock, policy: { ratio: 0.1, keepErrors: true, slowMs: { default: null, services: {} } }, maxTraces: 20_000, maxSpans: 100_000, onKeep: (s) => (keptCount += s.length) });
  for (let i = 0; i < 10_000; i++) sampler.add(trace(rand, { traceId: randomBytes(16).toString('hex'), startUs: 1e15 }));
  sampler.flush();
  sampler.dispose();
  return keptCount / 3 / 10_000;
}

export async function benchTraces(): Promise<BenchSection> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-bench-traces-'));
  try {
    const baseline = await idleFigures(IDLE_S);
    console.log(`traces: ingest through the receiver for ${INGEST_S} s…`);
    const ingest = await benchIngest(dir);
    console.log(`traces: ${k(ingest.accepted)} spans/s accepted, ${k(ingest.written)} written, ${ingest.dropped} dropped; idle CPU ${(ingest.idleCpu * 100).toFixed(2)} %`);

    const file = path.join(dir, 'spans.duckdb');
    const logFile = path.join(dir, 'logs.duckdb');
    const nowUs = Date.now() * 1000;
    console.log(`traces: storing ${k(SPANS)} spans…`);
    let store = await openTelemetryStore({ file, clock: systemClock });
    const filled = await fill(store, nowUs);
    await store.close();
    const spanFileBytes = (await stat(file)).size;
    console.log(`traces: storing ${k(LOGS)} log lines…`);
    let logStore = await openTelemetryStore({ file: logFile, clock: systemClock });
    const logSeconds = await fillLogs(logStore, nowUs);
    await logStore.close();
    const logFileBytes = (await stat(logFile)).size;
    store = await openTelemetryStore({ file, clock: systemClock });
    logStore = await openTelemetryStore({ file: logFile, clock: systemClock });

    const errorList = await timed(QUERY_RUNS, () => store.traces.errorTraces());
    const errorCount = (await store.traces.errorTraces(1000)).traces.length;
    const serviceList = await timed(QUERY_RUNS, () => store.traces.listTraces({ service: 'memory', limit: 50 }));
    const someIds = (await store.traces.listTraces({ limit: QUERY_RUNS + 1 })).traces.map((t) => t.traceId);
    let n = 0;
    const oneTrace = await timed(QUERY_RUNS, () => store.traces.getTrace(someIds[n++ % someIds.length]!));
    const logErrors = await timed(QUERY_RUNS, () => logStore.logs.logErrors({ fromUs: Date.now() * 1000 - HOUR_US }));
    const groups = (await logStore.logs.logErrors({ fromUs: Date.now() * 1000 - HOUR_US })).groups.length;
    const textSearch = await timed(QUERY_RUNS, () => logStore.logs.searchLogs({ text: 'code=7 ', fromUs: Date.now() * 1000 - HOUR_US, limit: 100 }));
    await store.close();
    await logStore.close();
    const ratio = samplingRatio();

    const p95 = (xs: number[]) => quantile(xs, 0.95);
    const perMillion = (bytes: number, n: number) => `${((bytes / 2 ** 20) * (1_000_000 / n)).toFixed(0)} MiB`;
    const body = `Store: DuckDB (\`@duckdb/node-api\`),
one file, 256 MB memory limit, 2 threads; writes through the batched appender (5,000 rows or 500 ms).

| figure | goal | measured | goal met |
| --- | --- | --- | --- |
| ingest through the OTLP/HTTP receiver into the store, sustained ${INGEST_S} s (protobuf, 1,000 spans a request, 4 in flight, client in a worker thread) | ≥ 50,000 spans/s | ${k(ingest.written)} spans/s written (${k(ingest.accepted)} accepted, ${k(ingest.dropped)} dropped by the full buffer, ${ingest.requests.failed} failed requests) | ${met(ingest.written >= 50_000 && ingest.dropped === 0)} |
| main thread busy during that (saturating) ingest | | ${(ingest.busy * 100).toFixed(0)} % | |
| at the goal rate, 50 requests × 1,000 spans a second (open loop) | | ${k(ingest.atGoalWritten)} spans/s written, main thread ${(ingest.atGoalBusy * 100).toFixed(0)} % busy | |
| CPU of the process idle (store, sampler, receiver open, no traffic, ${IDLE_S} s) | unaffected | ${(ingest.idleCpu * 100).toFixed(2)} % of one core, all threads (event loop ${(ingest.idleBusy * 100).toFixed(2)} % busy); the same process before opening anything: ${(baseline.cpu * 100).toFixed(2)} % | |
| list the last hour's error traces, ${k(SPANS)} spans stored (${k(filled.errorTraces)} error traces, ${errorCount} listed with limit 1000) | p95 ≤ 50 ms | p95 ${ms(p95(errorList))} (median ${ms(quantile(errorList, 0.5))}) | ${met(p95(errorList) <= 50)} |
| list a service's traces, last hour, 50 | | p95 ${ms(p95(serviceList))} | |
| open one trace (10 spans) | | p95 ${ms(p95(oneTrace))} | |
| \`logs errors --since 1h\` over ${k(LOGS)} stored lines (${groups} groups) | p95 ≤ 100 ms | p95 ${ms(p95(logErrors))} (median ${ms(quantile(logErrors, 0.5))}) | ${met(p95(logErrors) <= 100)} |
| log text search, last hour, 100 lines | | p95 ${ms(p95(textSearch))} | |
| store file size (after close) | | spans: ${(spanFileBytes / 2 ** 20).toFixed(0)} MiB for ${k(SPANS)} ≈ ${perMillion(spanFileBytes, SPANS)} per million spans (with their trace summaries); logs: ${(logFileBytes / 2 ** 20).toFixed(0)} MiB for ${k(LOGS)} ≈ ${perMillion(logFileBytes, LOGS)} per million lines | |
| bulk store of ${k(SPANS)} spans / ${k(LOGS)} log lines through the sink | | ${filled.seconds.toFixed(1)} s / ${logSeconds.toFixed(1)} s | |
| tail sampling ratio on 10,000 normal traces with random ids (setting 0.1) | 10 % ± 1.5 % | ${(ratio * 100).toFixed(2)} % | ${met(Math.abs(ratio - 0.1) <= 0.015)} |

Queries are timed ${QUERY_RUNS} times each after one warm-up run, on a store reopened from its file.`;
    console.log(body);
    return { title: 'Traces: OTLP ingest, telemetry store queries, sampling', body };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchTraces();
