import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startLokiStandIn, type LokiStandIn } from '../../../test/fakes/loki-stand-in';
import { systemClock } from '../adapters/clock';
import { paths as pathsOf, type Paths } from '../paths';
import type { LogRecord } from '../store/records';
import { createLogIngest, type LogIngestSettings } from './ingest';
import { logsSettingsSchema } from './settings-schema';

let home: string;
let p: Paths;
let loki: LokiStandIn;
beforeEach(async () => {
  home = await fsp.mkdtemp(path.join(os.tmpdir(), 'lookout-ingest-'));
  p = pathsOf(home);
  fs.mkdirSync(p.logsDir, { recursive: true });
  loki = await startLokiStandIn();
});
afterEach(async () => {
  await loki.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 8_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

it('createLogIngest: follows Lookout’s, the stack’s, a service’s and the demo’s logs into the sink and Loki; offsets wait for the sink’s flush', async () => {
  fs.writeFileSync(path.join(p.logsDir, 'lookout.log'), `${JSON.stringify({ level: 'info', time: '2024-11-07T10:00:00.000Z', service: 'lookout', pid: 1, msg: 'listening' })}\n`);
  fs.writeFileSync(p.logFile('prometheus'), 'ts=2024-11-07T10:00:01.000Z caller=main.go:1 level=warn msg="slow rule group"\n');
  const svcLog = path.join(home, 'api.log');
  fs.writeFileSync(svcLog, `2024-11-07T10:00:02Z ERROR payment failed trace_id=${TRACE}\n`);
  const demoLog = path.join(p.logsDir, 'demo-llm.log');
  fs.writeFileSync(demoLog, `${JSON.stringify({ level: 'info', time: '2024-11-07T10:00:03.000Z', service: 'llm', msg: 'request', trace_id: TRACE, span_id: '00f067aa0ba902b7' })}\n`);
  const demo = { version: 1 as const, pid: process.pid, startedAt: 'x', services: [{ name: 'llm', url: 'http://127.0.0.1:1', metricsPath: '/metrics', labels: {}, ipc: [], logFile: demoLog }] };
  const settings: LogIngestSettings = {
    logs: logsSettingsSchema.parse({ follow: { pollInterval: '20ms' }, ship: [{ type: 'loki', url: loki.url }] }),
    services: [{ name: 'api', logs: [svcLog] }],
    demo,
    components: ['prometheus'],
  };
  const got: LogRecord[] = [];
  const offsetsFile = path.join(home, 'state', 'logs', 'offsets.json');
  const offsetsAtFlush: boolean[] = [];
  const sink = { spans: () => undefined, logs: (b: LogRecord[]) => void got.push(...b), flush: async () => void offsetsAtFlush.push(fs.existsSync(offsetsFile)) };
  const registry = new Registry();
  const ingest = createLogIngest({ paths: p, clock: systemClock, registry, logger: pino({ level: 'silent' }), sink, settings, tuning: { checkpointMs: 0, watch: false, shipper: { idleMs: 20, backoffBaseMs: 20 } } });
  await ingest.start();
  await until(() => got.length === 4, '4 records');
  const by = (service: string) => got.find((r) => r.service === service)!;
  expect(by('lookout')).toMatchObject({ source: 'lookout', level: 'info', message: 'listening', origin: path.join(p.logsDir, 'lookout.log'), attributes: { pid: 1 } });
  expect(by('prometheus')).toMatchObject({ source: 'stack', level: 'warn', message: 'slow rule group', timeUs: Date.parse('2024-11-07T10:00:01Z') * 1000 });
  expect(by('api')).toMatchObject({ source: 'file', level: 'error', traceId: TRACE, origin: svcLog });
  expect(by('llm')).toMatchObject({ source: 'file', traceId: TRACE, spanId: '00f067aa0ba902b7' });
  expect(got.every((r) => /^[0-9a-z]+\.[0-9a-f]{16}:0$/.test(String(r.attributes['log.record.uid'])))).toBe(true);
  await until(() => ingest.status().ship[0]?.shipped === 4, 'shipped to Loki');
  expect(offsetsAtFlush[0]).toBe(false);
  await until(() => fs.existsSync(offsetsFile), 'offsets saved');
  expect((fs.statSync(offsetsFile).mode & 0o777).toString(8)).toBe('600');
  const metrics = await registry.metrics();
  expect(metrics).toMatch(/lookout_logs_lines_read_total\{source="file"\} 2/);
  expect(metrics).toMatch(/lookout_logs_shipped_total\{target="loki"\} 4/);
  // A service's new log path from settings is followed from the next poll on.
  const other = path.join(home, 'worker.log');
  fs.writeFileSync(other, 'INFO started\n');
  await ingest.applySettings({ ...settings, services: [...settings.services, { name: 'worker', logs: [other] }] });
  await until(() => got.some((r) => r.service === 'worker'), 'the worker’s line');
  expect(ingest.status().follow!.files.map((f) => f.service).sort()).toEqual(['api', 'llm', 'lookout', 'prometheus', 'worker']);
  await ingest.stop();
});
