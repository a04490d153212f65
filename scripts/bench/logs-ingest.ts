/**
 * Log ingest throughput (issue 12): lines/s of the line parser for the kit's JSON, Prometheus' logfmt
 * and plain lines; and follow + parse of a 1 M-line NDJSON file (the kit's schema, as a reference
 * service writes it) from the first byte to the last record handed to a counting sink, with offsets
 * checkpointed as in production; then the same file the way Lookout ingests it: followed, parsed, given its
 * pattern and logged duration by the log analysis, and written to the DuckDB telemetry store.
 * Run alone: `node --import tsx scripts/bench/logs-ingest.ts` (LOGS_BENCH_LINES=… for the file size).
 */
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { systemClock } from '../../main/core/adapters/clock';
import { createFileFollower } from '../../main/core/logs/follow/follower';
import { createOffsetsStore } from '../../main/core/logs/follow/offsets-store';
import { parseLine } from '../../main/core/logs/parse/parse-line';
import { toRecords } from '../../main/core/logs/to-records';
import { createLogAnalysis } from '../../main/core/signals/log-analysis';
import { openTelemetryStore } from '../../main/core/store/telemetry-store';
import { Registry } from 'prom-client';
import type { BenchSection } from './report';

const FILE_LINES = Number(process.env.LOGS_BENCH_LINES ?? 1_000_000);
const PARSE_LINES = 200_000;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function jsonLine(i: number): string {
  return JSON.stringify({ level: i % 50 === 0 ? 'error' : 'info', time: new Date(1_730_000_000_000 + i).toISOString(), service: 'llm', pid: 4242, request_id: `req-${i}`, trace_id: TRACE, span_id: '00f067aa0ba902b7', route: '/v1/complete', status: 200, duration_ms: i % 900, msg: 'request finished' });
}
const logfmtLine = (i: number) => `ts=2024-11-07T10:00:${String(i % 60).padStart(2, '0')}.123Z caller=manager.go:${i % 400} level=${i % 50 ? 'info' : 'warn'} component="rule manager" group=lookout msg="Evaluating rule group" duration=${i % 97}ms`;
const plainLine = (i: number) => `2024-11-07 10:00:${String(i % 60).padStart(2, '0')},123 - worker - ${i % 50 ? 'INFO' : 'ERROR'} - processed job ${i} in ${i % 300} ms`;

function parseRate(make: (i: number) => string): number {
  const lines = Array.from({ length: PARSE_LINES }, (_, i) => make(i));
  const ctx = { service: 's', source: 'file' as const, origin: '/x', readTimeUs: Date.now() * 1000 };
  let best = 0;
  for (let run = 0; run < 4; run++) {
    const t0 = performance.now();
    let levels = 0;
    for (const l of lines) if (parseLine(l, ctx).level) levels++;
    const rate = lines.length / ((performance.now() - t0) / 1000);
    if (levels !== lines.length) throw new Error(`parser missed levels: ${levels} of ${lines.length}`);
    if (run > 0) best = Math.max(best, rate); // the first run warms the JIT
  }
  return best;
}

async function writeNdjson(file: string, n: number): Promise<number> {
  const out = createWriteStream(file);
  for (let i = 0; i < n; i++) if (!out.write(`${jsonLine(i)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((r) => out.end(r));
  return (await fs.stat(file)).size;
}

type Sink = (records: ReturnType<typeof toRecords>) => void;

async function followRate(dir: string, file: string, bytes: number, sink: Sink = () => undefined, settled: () => Promise<number> = async () => FILE_LINES): Promise<{ seconds: number; bytes: number; records: number; rss: number }> {
  let records = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const follower = createFileFollower({
    offsets: createOffsetsStore(path.join(dir, `state-${Math.random()}`)),
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    watch: false,
    deliver(batch) {
      const recs = toRecords(batch);
      sink(recs);
      records += recs.length;
      if (records >= FILE_LINES) done();
    },
  });
  // The follower's timers are unref'd (they never keep Lookout alive on their own); this one does, until the end.
  const keepAlive = setInterval(() => {
    if (performance.now() - t0 > 600_000) done();
  }, 1000);
  const t0 = performance.now();
  await follower.start([{ path: file, service: 'llm', source: 'file' }]);
  await finished;
  clearInterval(keepAlive);
  if (records < FILE_LINES) throw new Error(`follow+parse stopped at ${records} of ${FILE_LINES} records`);
  const stored = await settled();
  if (stored < FILE_LINES) throw new Error(`only ${stored} of ${FILE_LINES} records reached the sink's end`);
  const seconds = (performance.now() - t0) / 1000;
  await follower.stop();
  return { seconds, bytes, records, rss: process.memoryUsage().rss };
}

export async function benchLogsIngest(): Promise<BenchSection> {
  const json = parseRate(jsonLine);
  const logfmt = parseRate(logfmtLine);
  const plain = parseRate(plainLine);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lookout-bench-logs-'));
  try {
    const file = path.join(dir, 'big.ndjson');
    const bytes = await writeNdjson(file, FILE_LINES);
    const f = await followRate(dir, file, bytes);
    // The same file into the real store, through the analysis every record gets in Lookout.
    const registry = new Registry();
    const store = await openTelemetryStore({ file: path.join(dir, 'telemetry.duckdb'), clock: systemClock });
    const analysis = await createLogAnalysis({ stateFile: path.join(dir, 'analysis.json'), registry, logger: pino({ level: 'silent' }) });
    const stored = await followRate(dir, file, bytes, (recs) => store.sink.logs(analysis.annotate(recs)), async () => {
      store.flush();
      return store.stats().logs.written;
    });
    const errors = await store.logs.logErrors({ fromUs: 0, toUs: Date.now() * 1000 });
    await store.close();
    const k = (n: number) => `${Math.round(n / 1000).toLocaleString('en')} k lines/s`;
    console.log(`parse: JSON ${k(json)}, logfmt ${k(logfmt)}, plain ${k(plain)}; follow+parse ${f.records} lines in ${f.seconds.toFixed(2)} s; into the store ${stored.seconds.toFixed(2)} s`);
    const body = `| what | figure |
| --- | --- |
| parse, kit JSON lines (pino schema with trace ids, 11 fields) | ${k(json)} |
| parse, Prometheus logfmt lines | ${k(logfmt)} |
| parse, plain lines (time + level detected) | ${k(plain)} |
| follow + parse, ${f.records.toLocaleString('en')}-line NDJSON file (${(f.bytes / 2 ** 20).toFixed(0)} MiB) into a counting sink | ${f.seconds.toFixed(2)} s = ${k(f.records / f.seconds)}, ${(f.bytes / 2 ** 20 / f.seconds).toFixed(0)} MiB/s; RSS after ${(f.rss / 2 ** 20).toFixed(0)} MiB |
| the same file into the telemetry store (follow, parse, template mining, logged durations, DuckDB) | ${stored.seconds.toFixed(2)} s = ${k(stored.records / stored.seconds)}; ${errors.groups.reduce((n, g) => n + g.count, 0).toLocaleString('en')} error lines in ${errors.groups.length} pattern(s) afterwards |

Parse rates are the best of three runs over ${PARSE_LINES.toLocaleString('en')} lines after a warm-up run; follow + parse is
one run from the follower's start to the last record, offsets checkpointed every second.`;
    return { title: 'Log ingest', body };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const section = await benchLogsIngest();
  console.log(`\n## ${section.title}\n\n${section.body}`);
}
