/**
 * Synthetic spans, traces and log records for the store, sampler and receiver tests and the bench.
 * Ids come from a seeded generator so a failing test repeats.
 */
import type { LogRecord, SpanRecord } from '../../main/core/store/records';

/** A small seeded PRNG (mulberry32): the same seed gives the same ids. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomHex(rand: () => number, chars: number): string {
  let s = '';
  for (let i = 0; i < chars; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
  return /^0+$/.test(s) ? randomHex(rand, chars) : s;
}

export function span(over: Partial<SpanRecord> & Pick<SpanRecord, 'traceId' | 'spanId'>): SpanRecord {
  return {
    parentSpanId: null,
    service: 'gui',
    name: 'GET /',
    kind: 'server',
    startUs: 1_000_000_000,
    durationUs: 1000,
    status: 'unset',
    statusMessage: null,
    attributes: {},
    events: [],
    links: [],
    resource: {},
    scope: null,
    ...over,
  };
}

export interface TraceShape {
  traceId: string;
  startUs: number;
  /** Root duration, µs. */
  durationUs?: number;
  error?: boolean;
  /** Services under the root, one child span each (default llm, memory). */
  children?: string[];
  rootService?: string;
}

/** A gui → llm → memory style trace: a root and one span per child service, each a child of the previous. */
export function trace(rand: () => number, shape: TraceShape): SpanRecord[] {
  const dur = shape.durationUs ?? 20_000;
  const rootId = randomHex(rand, 16);
  const out: SpanRecord[] = [
    span({ traceId: shape.traceId, spanId: rootId, service: shape.rootService ?? 'gui', name: 'GET /chat', startUs: shape.startUs, durationUs: dur, attributes: { 'http.route': '/chat', 'http.response.status_code': shape.error ? 500 : 200 } }),
  ];
  let parent = rootId;
  const children = shape.children ?? ['llm', 'memory'];
  children.forEach((service, i) => {
    const id = randomHex(rand, 16);
    const last = i === children.length - 1;
    out.push(
      span({
        traceId: shape.traceId,
        spanId: id,
        parentSpanId: parent,
        service,
        name: `${service} call`,
        kind: 'client',
        startUs: shape.startUs + (i + 1) * 100,
        durationUs: Math.max(1, dur - (i + 1) * 200),
        status: shape.error && last ? 'error' : 'unset',
        statusMessage: shape.error && last ? 'boom' : null,
      }),
    );
    parent = id;
  });
  return out;
}

export function logLine(over: Partial<LogRecord> & Pick<LogRecord, 'timeUs' | 'message'>): LogRecord {
  return { service: 'gui', source: 'file', origin: '/tmp/gui.log', level: 'info', traceId: null, spanId: null, attributes: {}, ...over };
}
