import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../store/records';
import { createSelfTracing } from './self-tracing';

describe('Lookout tracing itself', () => {
  it('turns ended SDK spans into SpanRecords with parents, status, attributes, events and links', async () => {
    const got: SpanRecord[] = [];
    const tracing = createSelfTracing((b) => got.push(...b), '1.2.3');
    const root = tracing.tracer.startSpan('stack start', { kind: SpanKind.INTERNAL, attributes: { components: ['prometheus', 'grafana'], count: 2 } });
    const ctx = trace.setSpan(context.active(), root);
    const child = tracing.tracer.startSpan('config apply', { links: [{ context: root.spanContext(), attributes: { why: 'test' } }] }, ctx);
    child.addEvent('promtool check', { ok: false });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'promtool refused the rules' });
    child.end();
    expect(got).toHaveLength(1);
    root.end();
    await tracing.shutdown();

    const [c, r] = got;
    expect(r).toMatchObject({
      traceId: root.spanContext().traceId,
      spanId: root.spanContext().spanId,
      parentSpanId: null,
      service: 'lookout',
      name: 'stack start',
      kind: 'internal',
      status: 'unset',
      attributes: { components: ['prometheus', 'grafana'], count: 2 },
      resource: { 'service.version': '1.2.3' },
      scope: 'lookout-telemetry-kit',
    });
    expect(c).toMatchObject({ traceId: r!.traceId, parentSpanId: r!.spanId, name: 'config apply', status: 'error', statusMessage: 'promtool refused the rules', links: [{ traceId: r!.traceId, spanId: r!.spanId, attributes: { why: 'test' } }] });
    expect(c!.events).toEqual([{ timeUs: expect.any(Number), name: 'promtool check', attributes: { ok: false } }]);
    expect(r!.startUs).toBeGreaterThan(Date.now() * 1000 - 60_000_000);
    expect(r!.durationUs).toBeGreaterThanOrEqual(c!.durationUs);
  });

  it('never lets a failing sink break the traced code', () => {
    const tracing = createSelfTracing(() => {
      throw new Error('sampler gone');
    });
    expect(() => tracing.tracer.startSpan('x').end()).not.toThrow();
  });
});
