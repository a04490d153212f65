import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createTracing } from './tracing';

describe('createTracing', () => {
  it('propagates W3C traceparent in and out', () => {
    const tracing = createTracing({ service: 'a', otlpEndpoint: null });
    const incoming = tracing.extract({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    const span = tracing.tracer.startSpan('child', {}, incoming);
    const out: Record<string, string> = {};
    tracing.inject(out, trace.setSpan(context.active(), span));
    span.end();
    expect(out.traceparent).toMatch(new RegExp(`^00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01$`));
  });

  it('exports spans over OTLP/HTTP JSON when an endpoint is set (to a fake OTLP receiver on loopback)', async () => {
    const received: Array<{ path: string; type: string; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
      const tracing = createTracing({ service: 'otlp-test', otlpEndpoint: url });
      tracing.tracer.startSpan('exported span').end();
      await tracing.shutdown();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ path: '/v1/traces', type: expect.stringContaining('application/json') });
      expect(received[0]!.body).toContain('"exported span"');
      expect(received[0]!.body).toContain('otlp-test');
    } finally {
      server.close();
    }
  });
});
