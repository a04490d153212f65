import { describe, expect, it } from 'vitest';
import type { TraceDetail, TraceSpan } from '../../common/traces';
import { span as fakeSpan } from '../../test/fakes/telemetry-records';
import { waterfall } from './traces';

const T = 'cccccccccccccccccccccccccccccccc';
const START = 1_764_800_000_000_000;
/** The fakes' span, a SpanRecord, is the contract's TraceSpan field for field. */
const span = (p: Partial<TraceSpan> & Pick<TraceSpan, 'spanId' | 'name' | 'service'>): TraceSpan => fakeSpan({ traceId: T, startUs: START, ...p });
const trace = (spans: TraceSpan[]): TraceDetail => ({
  summary: { traceId: T, rootService: 'gui', rootName: 'POST /chat', startUs: START, durationUs: 250_000, spanCount: spans.length, errorCount: spans.filter((s) => s.status === 'error').length, services: ['gui', 'llm', 'memory'] },
  spans,
});

describe('lookout trace: the waterfall', () => {
  it('indents each hop under its caller and marks only the hop where the failure happened', () => {
    const text = waterfall(
      trace([
        span({ spanId: 'a', name: 'POST /chat', service: 'gui', durationUs: 250_000, status: 'error' }),
        span({ spanId: 'c', parentSpanId: 'b', name: 'GET /recall', service: 'memory', startUs: START + 20_000, durationUs: 40_000, status: 'error', statusMessage: 'memory unavailable' }),
        span({ spanId: 'b', parentSpanId: 'a', name: 'POST /v1/completions', service: 'llm', startUs: START + 10_000, durationUs: 230_000, status: 'error' }),
      ]),
    );
    expect(text.split('\n')).toEqual([
      '     +0.0 ms   250.0 ms  gui: POST /chat  error',
      '    +10.0 ms   230.0 ms    llm: POST /v1/completions  error',
      '    +20.0 ms    40.0 ms      memory: GET /recall  ERROR, failed here: memory unavailable',
      '',
    ]);
  });

  it('shows a span whose parent never arrived at the top, and a span naming itself as parent once', () => {
    const lines = waterfall(trace([span({ spanId: 'x', parentSpanId: 'lost', name: 'orphan', service: 'llm' }), span({ spanId: 'y', parentSpanId: 'y', name: 'self', service: 'gui', startUs: START + 1 })])).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ +\+0\.0 ms +1\.0 ms {2}llm: orphan$/);
    expect(lines[1]).toMatch(/ {2}gui: self$/);
  });
});
