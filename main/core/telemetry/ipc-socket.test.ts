import { mkdtemp, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Telemetry } from './http-service';
import { createIpcClient, createIpcServer, IpcError, LineSplitter, type IpcServer } from './ipc-socket';
import { serviceLogOptions } from './log-schema';
import { withRequestId } from './request-context';
import { createServiceMetrics } from './service-metrics';
import { createTracing } from './tracing';

function telemetryFor(service: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const telemetry: Telemetry = {
    service,
    logger: pino(serviceLogOptions(service), stream),
    metrics: createServiceMetrics({ defaultMetrics: false }),
    tracing: createTracing({ service, otlpEndpoint: null }),
  };
  return { telemetry, lines };
}

describe('LineSplitter', () => {
  it('reassembles lines split across chunks and keeps a partial last line', () => {
    const s = new LineSplitter();
    expect(s.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(s.push(':2}\n\n{"c":3}')).toEqual(['{"b":2}']);
    expect(s.push('\n')).toEqual(['{"c":3}']);
  });

  it('refuses a line longer than its limit', () => {
    const s = new LineSplitter(16);
    expect(() => s.push('x'.repeat(17))).toThrow('longer than 16 bytes');
  });
});

describe('IPC over a Unix socket', () => {
  let dir: string;
  let server: IpcServer;
  const memory = telemetryFor('memory');
  const llm = telemetryFor('llm');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-ipc-'));
    server = await createIpcServer({
      socketPath: path.join(dir, 'memory.sock'),
      telemetry: memory.telemetry,
      handlers: {
        search: async (params) => {
          memory.telemetry.logger.info('searching');
          return { echo: params };
        },
        fail: () => {
          throw new IpcError('no such item', 'not_found');
        },
        slow: () => new Promise((r) => setTimeout(() => r('late'), 300)),
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('makes the socket readable by this user only', async () => {
    expect((await stat(server.socketPath)).mode & 0o777).toBe(0o600);
  });

  it('round-trips a call, carrying the caller\'s trace id and correlation id into the server\'s log', async () => {
    const client = createIpcClient({ socketPath: server.socketPath, peer: 'memory', telemetry: llm.telemetry });
    const span = llm.telemetry.tracing.tracer.startSpan('outer');
    const ctx = withRequestId(trace.setSpan(context.active(), span), 'corr-42');
    const result = await context.with(ctx, () => client.call('search', { query: 'cats' }));
    span.end();
    expect(result).toEqual({ echo: { query: 'cats' } });
    const traceId = span.spanContext().traceId;
    const lines = memory.lines.filter((l) => l.request_id === 'corr-42');
    expect(lines.map((l) => l.msg)).toEqual(['searching', 'ipc request handled']);
    for (const l of lines) expect(l.trace_id).toBe(traceId);
    expect(await llm.telemetry.metrics.registry.getSingleMetricAsString('ipc_requests_total')).toContain('ipc_requests_total{peer="memory",status="ok"} 1');
    client.close();
  });

  it('answers many concurrent calls on one connection, each with its own result', async () => {
    const client = createIpcClient({ socketPath: server.socketPath, peer: 'memory', telemetry: llm.telemetry });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => client.call('search', i)));
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => ({ echo: i })));
    client.close();
  });

  it('turns handler errors, unknown methods and timeouts into errors counted as status="error"', async () => {
    const t = telemetryFor('llm2');
    const client = createIpcClient({ socketPath: server.socketPath, peer: 'memory', telemetry: t.telemetry, timeoutMs: 100 });
    await expect(client.call('fail')).rejects.toThrow('memory answered fail with an error: no such item');
    await expect(client.call('__proto__')).rejects.toThrow('unknown method __proto__');
    await expect(client.call('slow')).rejects.toThrow('did not answer slow within 100 ms');
    expect(await t.telemetry.metrics.registry.getSingleMetricAsString('ipc_requests_total')).toContain('ipc_requests_total{peer="memory",status="error"} 3');
    client.close();
  });

  it('fails fast when nothing listens, and counts it', async () => {
    const t = telemetryFor('llm3');
    const client = createIpcClient({ socketPath: path.join(dir, 'absent.sock'), peer: 'memory', telemetry: t.telemetry });
    await expect(client.call('search')).rejects.toThrow(/ENOENT/);
    expect(await t.telemetry.metrics.registry.getSingleMetricAsString('ipc_requests_total')).toContain('status="error"} 1');
  });

  it('answers a raw ping and bad lines from any client', async () => {
    const answers = await new Promise<string[]>((resolve, reject) => {
      const s = net.connect(server.socketPath);
      let buf = '';
      s.on('data', (d) => {
        buf += d.toString();
        if (buf.split('\n').filter(Boolean).length === 3) {
          s.destroy();
          resolve(buf.trim().split('\n'));
        }
      });
      s.on('error', reject);
      s.write('{"id":0,"method":"ping"}\nnot json\n{"method":"search"}\n');
    });
    // Answers may come out of order (the bad lines are answered at once, the ping after its hooks).
    expect(answers.map((a) => JSON.parse(a)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { id: 0, result: 'pong' },
      { id: null, error: { message: 'bad IPC request: id must be a number or string', code: 'bad_request' } },
      { id: null, error: { message: 'bad IPC request: not valid JSON', code: 'bad_request' } },
    ]);
  });

  it('refuses to start on a socket another server is using, but replaces a stale one', async () => {
    await expect(createIpcServer({ socketPath: server.socketPath, telemetry: memory.telemetry, handlers: {} })).rejects.toThrow('in use by another process');
    const stalePath = path.join(dir, 'stale.sock');
    const stale = net.createServer().listen(stalePath);
    await new Promise((r) => stale.once('listening', r));
    // Simulate a crash: the file stays, nobody answers.
    (stale as unknown as { _handle: { close(): void } })._handle.close();
    const fresh = await createIpcServer({ socketPath: stalePath, telemetry: memory.telemetry, handlers: {} });
    const client = createIpcClient({ socketPath: stalePath, peer: 'x', telemetry: llm.telemetry });
    expect(await client.call('ping')).toBe('pong');
    client.close();
    await fresh.close();
  });
});
