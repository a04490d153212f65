import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLokiStandIn, type LokiStandIn } from '../../../../test/fakes/loki-stand-in';
import { startOtlpLogsStandIn } from '../../../../test/fakes/otlp-logs-stand-in';
import { systemClock } from '../../adapters/clock';
import type { LogLevel, LogRecord } from '../../store/records';
import type { LogFs } from '../fs-port';
import { logsSettingsSchema, type LogsSettingsInput } from '../settings-schema';
import { createShipping, type Shipping } from './shipping';

const silent = pino({ level: 'silent' });
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
let dir: string;
let loki: LokiStandIn;
let open: Shipping[] = [];

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'lookout-ship-'));
  loki = await startLokiStandIn({ orderedWrites: true });
});
afterEach(async () => {
  for (const s of open) await s.stop();
  open = [];
  await loki.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const targets = (ship: NonNullable<LogsSettingsInput>['ship']) => logsSettingsSchema.parse({ ship }).ship;
function shipping(registry = new Registry(), fsPort?: LogFs) {
  const s = createShipping({ dir: path.join(dir, 'queues'), registry, clock: systemClock, logger: silent, fs: fsPort, shipper: { backoffBaseMs: 20, backoffMaxMs: 200, idleMs: 20, batchRecords: 50 } });
  open.push(s);
  return { s, registry };
}
const services = ['api', 'worker'];
const levels: LogLevel[] = ['info', 'error'];
function records(n: number, from = 0): LogRecord[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return { timeUs: 1_700_000_000_000_000 + i * 1000, service: services[i % 2]!, source: 'file', origin: '/x.log', level: levels[Math.floor(i / 2) % 2]!, message: `record ${i}`, traceId: i % 3 === 0 ? TRACE : null, spanId: null, attributes: { i } };
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string, ms = 8_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
const nums = (lines: string[]) => lines.map((l) => Number(/record (\d+)/.exec(l)![1]));
const metric = async (r: Registry, name: string, labels: Record<string, string>) => {
  const m = (await r.getMetricsAsJSON()).find((x) => x.name === name);
  return m?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
};

describe('shipping to Loki (push-API stand-in)', () => {
  it('pushes streams labelled by service, level and source (plus static labels), JSON lines, ns timestamps, tenant header', async () => {
    const { s, registry } = shipping();
    await s.apply(targets([{ type: 'loki', url: loki.url, tenant: 'team-a', labels: { host: 'mac' } }]));
    s.enqueue(records(8));
    await until(() => s.status()[0]!.shipped === 8, '8 records shipped');
    expect([...loki.streams.keys()].sort()).toEqual([
      '{host="mac", level="error", service="api", source="file"}',
      '{host="mac", level="error", service="worker", source="file"}',
      '{host="mac", level="info", service="api", source="file"}',
      '{host="mac", level="info", service="worker", source="file"}',
    ]);
    const first = loki.streams.get('{host="mac", level="info", service="api", source="file"}')![0]!;
    expect(first).toEqual({ ts: '1700000000000000000', line: JSON.stringify({ msg: 'record 0', trace_id: TRACE, i: 0 }) });
    expect(loki.requests.every((r) => r.headers['x-scope-orgid'] === 'team-a' && r.status === 204)).toBe(true);
    expect(await metric(registry, 'lookout_logs_shipped_total', { target: 'loki' })).toBe(8);
    expect(s.status()[0]).toMatchObject({ name: 'loki', state: 'idle', shipped: 8, lastError: null });
  });

  it('loses nothing across an outage below the cap, keeps order per stream, and says it is retrying meanwhile', async () => {
    const { s, registry } = shipping();
    await s.apply(targets([{ type: 'loki', url: loki.url }]));
    loki.mode = 'down';
    for (let b = 0; b < 10; b++) s.enqueue(records(100, b * 100));
    await s.sync();
    await until(() => s.status()[0]!.state === 'retrying', 'retrying');
    expect(s.status()[0]!.message).toMatch(/^not shipping: cannot reach 127\.0\.0\.1:\d+: .*retrying, \d+ bytes queued$/);
    expect(await metric(registry, 'lookout_logs_queued_bytes', { target: 'loki' })).toBeGreaterThan(50_000);
    loki.mode = 'up';
    await until(() => s.status()[0]!.shipped === 1000, 'all 1000 records shipped', 15_000);
    expect(nums(loki.lines())).toEqual([...Array(1000).keys()]);
    for (const entries of loki.streams.values()) expect(entries.map((e) => BigInt(e.ts))).toEqual([...entries.map((e) => BigInt(e.ts))].sort((a, b) => (a < b ? -1 : 1)));
    expect(s.status()[0]).toMatchObject({ shipped: 1000, dropped: {}, queuedBytes: 0 });
  });

  it('over the cap: new records are dropped and counted, the status says so, and what fit is shipped after the outage', async () => {
    const { s, registry } = shipping();
    await s.apply(targets([{ type: 'loki', url: loki.url, maxQueueSize: '16KB' }]));
    loki.mode = 'down';
    s.enqueue(records(400));
    const st = s.status()[0]!;
    expect(st.state).toBe('queue-full');
    const dropped = st.dropped.queue_full!;
    expect(dropped).toBeGreaterThan(100);
    expect(st.message).toMatch(new RegExp(`^queue full \\(\\d+ of 16384 bytes\\): new records are dropped, ${dropped} so far`));
    expect(await metric(registry, 'lookout_logs_dropped_total', { target: 'loki', reason: 'queue_full' })).toBe(dropped);
    loki.mode = 'up';
    await until(() => loki.lines().length === 400 - dropped, 'what fit in the queue');
    // The oldest records are kept, the newest dropped.
    expect(nums(loki.lines())).toEqual([...Array(400 - dropped).keys()]);
  });

  it('retries 500 and 429, drops a 400 batch with its reason', async () => {
    const { s, registry } = shipping();
    await s.apply(targets([{ type: 'loki', url: loki.url }]));
    loki.mode = { status: 503 };
    s.enqueue(records(4));
    await until(() => loki.requests.length >= 2, 'two attempts');
    loki.mode = { status: 429 };
    await until(() => loki.requests.some((r) => r.status === 429), 'a 429');
    loki.mode = 'up';
    await until(() => loki.lines().length === 4, 'the 4 records after 503 and 429');
    loki.mode = { status: 400, body: 'entry for stream has timestamp too new' };
    s.enqueue(records(3, 100));
    await until(() => s.status()[0]!.dropped.rejected === 3, 'the batch dropped');
    expect(s.status()[0]!.lastError).toBe('3 record(s) dropped: HTTP 400: entry for stream has timestamp too new');
    expect(await metric(registry, 'lookout_logs_dropped_total', { target: 'loki', reason: 'rejected' })).toBe(3);
    loki.mode = 'up';
    s.enqueue(records(1, 200));
    await until(() => loki.lines().length === 5, 'shipping goes on after a drop');
  });

  it('a bearer token only from a 0600 file: one readable by others is refused with a clear reason, nothing is sent', async () => {
    const token = path.join(dir, 'loki-token');
    fs.writeFileSync(token, 'sekret\n', { mode: 0o644 });
    fs.chmodSync(token, 0o644);
    const { s } = shipping();
    await s.apply(targets([{ type: 'loki', url: loki.url, bearerTokenFile: token }]));
    s.enqueue(records(2));
    await until(() => s.status()[0]!.state === 'retrying', 'refused');
    expect(s.status()[0]!.lastError).toBe(`logs.ship[loki].bearerTokenFile: ${token} is readable by others (mode 644); run chmod 600 ${token}`);
    expect(loki.requests).toHaveLength(0);
    fs.chmodSync(token, 0o600);
    await until(() => loki.lines().length === 2, 'sent once the file is 0600');
    expect(loki.requests[0]!.headers.authorization).toBe('Bearer sekret');
  });

  it('the queue survives a restart of Lookout: records queued while Loki was down are shipped by the next process', async () => {
    const one = shipping();
    await one.s.apply(targets([{ type: 'loki', url: loki.url }]));
    loki.mode = 'down';
    one.s.enqueue(records(120));
    await one.s.sync();
    await one.s.stop();
    open = [];
    loki.mode = 'up';
    const two = shipping();
    await two.s.apply(targets([{ type: 'loki', url: loki.url }]));
    await until(() => loki.lines().length === 120, 'the queued records');
    expect(nums(loki.lines())).toEqual([...Array(120).keys()]);
  });

  it('a full disk while writing the queue (injected ENOSPC): a clear error, records kept in memory and written once there is room', async () => {
    let full = true;
    const failing: LogFs = {
      ...fsp,
      open: (async (...args: Parameters<typeof fsp.open>) => {
        const h = await fsp.open(...args);
        if (!String(args[0]).endsWith('.ndjson')) return h;
        const write = h.write.bind(h);
        return Object.assign(h, {
          write: (async (...a: unknown[]) => {
            if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            return (write as (...x: unknown[]) => Promise<unknown>)(...a);
          }) as typeof h.write,
        });
      }) as typeof fsp.open,
    };
    const { s } = shipping(new Registry(), failing);
    await s.apply(targets([{ type: 'loki', url: loki.url }]));
    s.enqueue(records(30));
    await s.sync(); // never throws
    await until(() => (s.status()[0]!.lastError ?? '').includes('ENOSPC'), 'the error in the status');
    expect(s.status()[0]!.lastError).toMatch(/^writing the shipping queue in .*queues\/loki failed: ENOSPC: no space left on device/);
    expect(loki.lines()).toHaveLength(0);
    full = false;
    await until(() => loki.lines().length === 30, 'the 30 records once the disk has room');
    expect(nums(loki.lines())).toEqual([...Array(30).keys()]);
  });
});

describe('shipping over OTLP/HTTP (stand-in)', () => {
  it('sends ExportLogsServiceRequest JSON: service.name, severity, body, trace id, attributes, a header from a 0600 file', async () => {
    const otlp = await startOtlpLogsStandIn();
    const key = path.join(dir, 'otlp-key');
    fs.writeFileSync(key, 'k-123\n', { mode: 0o600 });
    try {
      const { s, registry } = shipping();
      await s.apply(targets([{ type: 'otlp', url: otlp.url, headers: { 'x-team': 'a' }, headerFiles: { 'X-Api-Key': key } }]));
      otlp.mode = { status: 502 };
      s.enqueue(records(6));
      await until(() => otlp.requests.length > 0, 'a first attempt');
      otlp.mode = 'up';
      await until(() => s.status()[0]!.shipped === 6, '6 records shipped');
      expect(otlp.records[0]).toEqual({ service: 'api', timeUnixNano: '1700000000000000000', severityNumber: 9, severityText: 'INFO', body: 'record 0', traceId: TRACE, spanId: undefined, attributes: { 'log.source': 'file', 'log.origin': '/x.log', i: 0 } });
      // One ResourceLogs per service: order holds within each service.
      expect(otlp.records.map((r) => `${r.service}:${r.body}`)).toEqual(['api:record 0', 'api:record 2', 'api:record 4', 'worker:record 1', 'worker:record 3', 'worker:record 5']);
      const ok = otlp.requests.find((r) => r.status === 200)!;
      expect([ok.headers['x-api-key'], ok.headers['x-team']]).toEqual(['k-123', 'a']);
      expect(await metric(registry, 'lookout_logs_shipped_total', { target: 'otlp' })).toBe(6);
    } finally {
      await otlp.close();
    }
  });
});
