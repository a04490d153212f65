import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock';
import { logLine, randomHex, seededRandom, span, trace } from '../../../test/fakes/telemetry-records';
import { openTelemetryStore, StoreOpenError, type TelemetryStore } from './telemetry-store';

let dir: string;
let clock: FakeClock;
const open: TelemetryStore[] = [];
const rand = seededRandom(7);

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-store-'));
  clock = new FakeClock();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function store(extra: Partial<Parameters<typeof openTelemetryStore>[0]> = {}): Promise<TelemetryStore> {
  const s = await openTelemetryStore({ file: path.join(dir, 'telemetry.duckdb'), clock, retentionIntervalMs: 30 * 86_400_000, ...extra });
  open.push(s);
  return s;
}

const nowUs = () => clock.now() * 1000;

describe('telemetry store: traces', () => {
  it('lists error traces first, then newest, with counts, services and root; returns one trace with its parents', async () => {
    const s = await store();
    const ok1 = randomHex(rand, 32);
    const ok2 = randomHex(rand, 32);
    const bad = randomHex(rand, 32);
    s.sink.spans([...trace(rand, { traceId: ok1, startUs: nowUs() - 30_000_000 }), ...trace(rand, { traceId: bad, startUs: nowUs() - 50_000_000, error: true })]);
    s.sink.spans(trace(rand, { traceId: ok2, startUs: nowUs() - 10_000_000, children: ['llm'] }));
    s.flush();

    const list = await s.traces.listTraces();
    expect(list.traces.map((t) => t.traceId)).toEqual([bad, ok2, ok1]);
    expect(list.traces[0]).toMatchObject({ rootService: 'gui', rootName: 'GET /chat', spanCount: 3, errorCount: 1, services: ['gui', 'llm', 'memory'], durationUs: 20_000 });
    expect(list.traces[1]).toMatchObject({ spanCount: 2, errorCount: 0, services: ['gui', 'llm'] });

    expect((await s.traces.errorTraces()).traces.map((t) => t.traceId)).toEqual([bad]);
    expect((await s.traces.listTraces({ service: 'memory' })).traces.map((t) => t.traceId)).toEqual([bad, ok1]);
    expect((await s.traces.listTraces({ limit: 1 })).traces.map((t) => t.traceId)).toEqual([bad]);
    const windowed = await s.traces.tracesForWindow('gui', nowUs() - 40_000_000, nowUs() - 20_000_000);
    expect(windowed.traces.map((t) => t.traceId)).toEqual([ok1]);

    const detail = await s.traces.getTrace(bad);
    expect(detail?.spans).toHaveLength(3);
    const [root, llm, memory] = detail!.spans;
    expect(root!.parentSpanId).toBeNull();
    expect(llm!.parentSpanId).toBe(root!.spanId);
    expect(memory!.parentSpanId).toBe(llm!.spanId);
    expect(memory).toMatchObject({ status: 'error', statusMessage: 'boom', kind: 'client' });
    expect(root!.attributes).toEqual({ 'http.route': '/chat', 'http.response.status_code': 500 });
    expect(await s.traces.getTrace(randomHex(rand, 32))).toBeNull();
    expect(await s.traces.getTrace('not-a-trace-id')).toBeNull();
  });

  it('sums a trace whose spans arrived in different flushes (late spans)', async () => {
    const s = await store();
    const id = randomHex(rand, 32);
    const [root, ...rest] = trace(rand, { traceId: id, startUs: nowUs() - 5_000_000, error: true });
    s.sink.spans(rest);
    s.flush();
    s.sink.spans([root!]);
    s.flush();
    const [t] = (await s.traces.listTraces()).traces;
    expect(t).toMatchObject({ traceId: id, spanCount: 3, errorCount: 1, rootService: 'gui' });
    expect((await s.traces.getTrace(id))!.spans).toHaveLength(3);
  });

  it('keeps what was written across close and reopen (close flushes and checkpoints)', async () => {
    const s = await store();
    const id = randomHex(rand, 32);
    s.sink.spans(trace(rand, { traceId: id, startUs: nowUs() - 1000 }));
    s.sink.logs([logLine({ timeUs: nowUs() - 1000, message: 'hello' })]);
    await s.close();
    open.splice(0);
    expect(existsSync(path.join(dir, 'telemetry.duckdb.wal'))).toBe(false);
    expect(statSync(path.join(dir, 'telemetry.duckdb')).mode & 0o777).toBe(0o600);
    const again = await store();
    expect((await again.traces.getTrace(id))!.spans).toHaveLength(3);
    expect((await again.logs.searchLogs()).lines.map((l) => l.message)).toEqual(['hello']);
  });

  it('writes on its timer, not in the caller’s turn, and drops (counted) what exceeds the buffer', async () => {
    const s = await store({ buffer: { flushMs: 200, flushRows: 1000, maxRows: 10 } });
    const id = randomHex(rand, 32);
    const spans = Array.from({ length: 15 }, () => span({ traceId: id, spanId: randomHex(rand, 16), startUs: nowUs() - 1000 }));
    s.sink.spans(spans);
    expect(s.stats().spans).toMatchObject({ pending: 10, droppedFull: 5, written: 0 });
    await clock.advance(199);
    expect(s.stats().spans.written).toBe(0);
    await clock.advance(1);
    expect(s.stats().spans).toMatchObject({ pending: 0, written: 10 });
    expect((await s.traces.getTrace(id))!.spans).toHaveLength(10);
  });
});

describe('telemetry store: logs', () => {
  it('searches by service, level, text, trace id and window, newest first', async () => {
    const s = await store();
    const t = nowUs();
    const tid = randomHex(rand, 32);
    s.sink.logs([
      logLine({ timeUs: t - 5_000_000, message: 'GET /chat 200', level: 'info' }),
      logLine({ timeUs: t - 4_000_000, message: 'upstream Timeout after 30s', level: 'error', traceId: tid, service: 'llm' }),
      logLine({ timeUs: t - 3_000_000, message: 'cache miss', level: 'debug', service: 'memory' }),
      logLine({ timeUs: t - 2_000_000, message: 'plain line', level: null }),
      logLine({ timeUs: t - 2 * 3_600_000_000, message: 'old timeout', level: 'error' }),
    ]);
    s.flush();
    const msgs = async (q: Parameters<TelemetryStore['logs']['searchLogs']>[0]) => (await s.logs.searchLogs(q)).lines.map((l) => l.message);
    expect(await msgs({})).toEqual(['plain line', 'cache miss', 'upstream Timeout after 30s', 'GET /chat 200']);
    expect(await msgs({ minLevel: 'info' })).toEqual(['upstream Timeout after 30s', 'GET /chat 200']);
    expect(await msgs({ text: 'timeout' })).toEqual(['upstream Timeout after 30s']);
    expect(await msgs({ text: 'timeout', fromUs: t - 3 * 3_600_000_000 })).toEqual(['upstream Timeout after 30s', 'old timeout']);
    expect(await msgs({ service: 'memory' })).toEqual(['cache miss']);
    expect(await msgs({ traceId: tid })).toEqual(['upstream Timeout after 30s']);
    expect(await msgs({ limit: 2 })).toEqual(['plain line', 'cache miss']);
    const [line] = (await s.logs.searchLogs({ traceId: tid })).lines;
    expect(line).toMatchObject({ level: 'error', service: 'llm', source: 'file', traceId: tid, templateId: null });
  });

  it('groups errors by template with counts, first/last seen, services, an example trace and example lines', async () => {
    const s = await store();
    const t = nowUs();
    const tid = randomHex(rand, 32);
    const tpl = { templateId: 'a1', template: 'timeout after <*>s' };
    s.sink.logs([
      logLine({ timeUs: t - 9_000_000, message: 'timeout after 3s', level: 'error', service: 'llm', ...tpl }),
      logLine({ timeUs: t - 8_000_000, message: 'timeout after 4s', level: 'error', service: 'gui', traceId: tid, ...tpl }),
      logLine({ timeUs: t - 7_000_000, message: 'timeout after 5s', level: 'fatal', service: 'llm', ...tpl }),
      logLine({ timeUs: t - 6_000_000, message: 'disk full', level: 'error' }),
      logLine({ timeUs: t - 5_000_000, message: 'slow query', level: 'warn' }),
    ]);
    s.flush();
    const { groups } = await s.logs.logErrors({ examples: 2 });
    expect(groups).toEqual([
      { templateId: 'a1', template: 'timeout after <*>s', count: 3, firstSeenUs: t - 9_000_000, lastSeenUs: t - 7_000_000, services: ['gui', 'llm'], exampleTraceId: tid, examples: ['timeout after 5s', 'timeout after 4s'] },
      { templateId: null, template: 'disk full', count: 1, firstSeenUs: t - 6_000_000, lastSeenUs: t - 6_000_000, services: ['gui'], exampleTraceId: null, examples: ['disk full'] },
    ]);
    expect((await s.logs.logErrors({ minLevel: 'warn' })).groups.map((g) => g.template)).toContain('slow query');
  });

  it('counts patterns per bucket and computes latency percentiles per route and per template', async () => {
    const s = await store();
    const to = nowUs();
    const from = to - 60_000_000;
    const lines = [];
    for (let i = 0; i < 100; i++) {
      lines.push(logLine({ timeUs: from + i * 600_000, message: `GET /chat took ${i + 1}ms`, templateId: 't1', template: 'GET /chat took <*>ms', durationMs: i + 1, route: '/chat' }));
    }
    lines.push(logLine({ timeUs: from + 30_000_000, message: 'boom', level: 'error', templateId: 't2', template: 'boom' }));
    s.sink.logs(lines);
    s.flush();
    const p = await s.logs.logPatterns({ fromUs: from, toUs: to, buckets: 10 });
    expect(p.bucketUs).toBe(6_000_000);
    expect(p.patterns[0]).toEqual({ templateId: 't1', template: 'GET /chat took <*>ms', count: 100, maxLevel: 'info', counts: Array(10).fill(10) });
    expect(p.patterns[1]).toMatchObject({ templateId: 't2', count: 1, maxLevel: 'error', counts: [0, 0, 0, 0, 0, 1, 0, 0, 0, 0] });

    const byRoute = await s.logs.logLatency({ fromUs: from, toUs: to });
    expect(byRoute.rows).toHaveLength(1);
    expect(byRoute.rows[0]).toMatchObject({ key: '/chat', count: 100, maxMs: 100 });
    expect(byRoute.rows[0]!.p50Ms).toBeCloseTo(50.5, 5);
    expect(byRoute.rows[0]!.p99Ms).toBeCloseTo(99.01, 5);
    const byTemplate = await s.logs.logLatency({ fromUs: from, toUs: to, by: 'template' });
    expect(byTemplate.rows[0]).toMatchObject({ key: 't1', label: 'GET /chat took <*>ms', count: 100 });
  });
});

describe('telemetry store: retention', () => {
  it('deletes rows older than the age limit', async () => {
    const s = await store({ retention: { maxAgeUs: 3_600_000_000 } });
    const old = randomHex(rand, 32);
    const fresh = randomHex(rand, 32);
    s.sink.spans([...trace(rand, { traceId: old, startUs: nowUs() - 2 * 3_600_000_000 }), ...trace(rand, { traceId: fresh, startUs: nowUs() - 1000 })]);
    s.sink.logs([logLine({ timeUs: nowUs() - 2 * 3_600_000_000, message: 'old' }), logLine({ timeUs: nowUs() - 1000, message: 'new' })]);
    s.flush();
    const r = await s.applyRetention();
    expect(r).toMatchObject({ deletedSpans: 3, deletedLogs: 1, sizeLimited: false });
    expect(await s.traces.getTrace(old)).toBeNull();
    expect(await s.traces.getTrace(fresh)).not.toBeNull();
    expect((await s.logs.searchLogs({ fromUs: 0 })).lines.map((l) => l.message)).toEqual(['new']);
  });

  it('keeps the used size under the size limit, deleting the oldest first, and the file stops growing', async () => {
    const limit = 6 * 1024 * 1024;
    const s = await store({ retention: { maxSizeBytes: limit } });
    const file = path.join(dir, 'telemetry.duckdb');
    const sizes: number[] = [];
    let t = nowUs() - 3_000_000_000;
    let firstId = '';
    for (let round = 0; round < 8; round++) {
      for (let b = 0; b < 10; b++) {
        const batch = [];
        for (let i = 0; i < 2000; i++) {
          const id = randomHex(rand, 32);
          if (!firstId) firstId = id;
          batch.push(span({ traceId: id, spanId: randomHex(rand, 16), startUs: t++, attributes: { payload: randomHex(rand, 40) } }));
        }
        s.sink.spans(batch);
        s.flush();
      }
      const r = await s.applyRetention();
      expect(r.usedBytesAfter).toBeLessThanOrEqual(limit);
      sizes.push(statSync(file).size);
    }
    expect(await s.traces.getTrace(firstId)).toBeNull();
    // 8 rounds wrote about 4× the limit; freed blocks are reused, so the file stays near the limit
    // (the retained data plus one round's worth and some fragmentation) instead of growing with it.
    expect(Math.max(...sizes)).toBeLessThan(2 * limit);
    expect(s.stats().lastRetention?.sizeLimited).toBe(true);
    // Writes about 24 MB through DuckDB: seconds on a busy 2-core machine.
  }, 60_000);
});

describe('telemetry store: files it cannot open', () => {
  it('names the file when it is not a DuckDB database, and can move it aside and start fresh', async () => {
    const file = path.join(dir, 'telemetry.duckdb');
    writeFileSync(file, Buffer.alloc(64 * 1024, 0x5a));
    const err = await openTelemetryStore({ file, clock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as StoreOpenError).kind).toBe('unreadable');
    expect((err as StoreOpenError).message).toContain(file);
    expect(statSync(file).size).toBe(64 * 1024);

    const s = await store({ recoverUnreadable: true });
    expect(s.stats().movedAsideTo).toMatch(/telemetry\.duckdb\.corrupt-/);
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(1);
    s.sink.logs([logLine({ timeUs: nowUs(), message: 'fresh' })]);
    s.flush();
    expect((await s.logs.searchLogs()).lines).toHaveLength(1);
  });

  it('reports a file held by another process as locked and never moves it', async () => {
    const file = path.join(dir, 'telemetry.duckdb');
    // The instance is kept in a global: an unreferenced one can be collected, which closes it and lets the
    // lock go (a CI run under load opened the "held" file fine).
    const holder = spawn(process.execPath, ['-e', `import('@duckdb/node-api').then(async (m) => { globalThis.held = await m.DuckDBInstance.create(${JSON.stringify(file)}); console.log('ready'); setInterval(() => {}, 1000); })`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        holder.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      const err = await openTelemetryStore({ file, clock, recoverUnreadable: true }).catch((e: unknown) => e);
      if (!(err instanceof StoreOpenError)) await (err as { close(): Promise<void> }).close();
      expect(err).toBeInstanceOf(StoreOpenError);
      expect((err as StoreOpenError).kind).toBe('locked');
      expect((err as StoreOpenError).message).toContain(file);
      expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toEqual([]);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

describe('telemetry store: backup', () => {
  it('copies everything stored into a new file that opens as a store with the same rows', async () => {
    const bdir = await mkdtemp(path.join(os.tmpdir(), 'lookout-store-backup-'));
    try {
      const s = await openTelemetryStore({ file: path.join(bdir, 'live.duckdb'), clock: new FakeClock() });
      const traceId = 'ab'.repeat(16);
      s.sink.spans([span({ traceId, spanId: 'cd'.repeat(8), startUs: Date.now() * 1000 })]);
      await s.backupTo(path.join(bdir, 'copy.duckdb'));
      // Written after the backup: not in it.
      s.sink.spans([span({ traceId: 'ef'.repeat(16), spanId: 'cd'.repeat(8), startUs: Date.now() * 1000 })]);
      s.flush();
      await s.close();
      const copy = await openTelemetryStore({ file: path.join(bdir, 'copy.duckdb'), clock: new FakeClock() });
      expect((await copy.traces.getTrace(traceId))?.spans).toHaveLength(1);
      expect(await copy.traces.getTrace('ef'.repeat(16))).toBeNull();
      await copy.close();
    } finally {
      await rm(bdir, { recursive: true, force: true });
    }
  });
});
