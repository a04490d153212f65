import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { paths as layout } from '../paths';
import { serviceLogOptions } from './log-schema';
import { createLogger } from './logger';
import { withRequestId } from './request-context';
import { createTracing } from './tracing';

function capture(service: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: pino(serviceLogOptions(service), stream) };
}

describe('the log schema', () => {
  it('writes level names, an ISO time, the service and pid, and the message', () => {
    const { lines, logger } = capture('memory');
    logger.warn({ items: 3 }, 'hello');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(Object.keys(line!)).toEqual(['level', 'time', 'service', 'pid', 'items', 'msg']);
    expect(line).toMatchObject({ level: 'warn', service: 'memory', pid: process.pid, items: 3, msg: 'hello' });
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time);
  });

  it('adds no request or trace fields outside a request', () => {
    const { lines, logger } = capture('gui');
    logger.info('idle');
    expect(lines[0]).not.toHaveProperty('request_id');
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[0]).not.toHaveProperty('span_id');
  });

  it('adds request_id, trace_id and span_id inside a traced request, across awaits', async () => {
    const { lines, logger } = capture('llm');
    const tracing = createTracing({ service: 'llm', otlpEndpoint: null });
    const span = tracing.tracer.startSpan('work');
    await context.with(withRequestId(trace.setSpan(context.active(), span), 'req-7'), async () => {
      logger.info('before');
      await new Promise((r) => setTimeout(r, 5));
      logger.info('after a timer');
    });
    span.end();
    const { traceId, spanId } = span.spanContext();
    expect(lines.map((l) => [l.msg, l.request_id, l.trace_id, l.span_id])).toEqual([
      ['before', 'req-7', traceId, spanId],
      ['after a timer', 'req-7', traceId, spanId],
    ]);
  });

  it('is the schema of Lookout\'s own log too, with secrets redacted', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'lookout-log-'));
    try {
      const paths = layout(home);
      const logger = createLogger(paths, 'info');
      logger.info({ token: 'sekrit' }, 'started');
      logger.flush();
      const file = path.join(paths.logsDir, 'lookout.log');
      let text = '';
      for (let i = 0; i < 50 && !text.includes('started'); i++) {
        await new Promise((r) => setTimeout(r, 20));
        text = await readFile(file, 'utf8').catch(() => '');
      }
      const line = JSON.parse(text.trim().split('\n').at(-1)!) as Record<string, unknown>;
      expect(line).toMatchObject({ level: 'info', service: 'lookout', msg: 'started', token: '[redacted]' });
      expect(text).not.toContain('sekrit');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
