/**
 * Fuzzing the receiver with a few hundred bad payloads: every answer must be a 2xx or a 4xx (never a
 * 5xx, a crash or a hang), a 4xx must store nothing, and what a 2xx stores must be well-formed.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../../../test/fakes/http-post';
import { logLine, randomHex, seededRandom, trace } from '../../../test/fakes/telemetry-records';
import type { LogRecord, SpanRecord } from '../store/records';
import { encodeLogs, encodeSpans, logsRequestOf, traceRequestOf } from './encode';
import { TraceRequest, type PbAnyValue } from './proto';
import { createOtlpReceiver, type OtlpReceiver } from './receiver';

const rand = seededRandom(2024);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
let receiver: OtlpReceiver;
let port: number;
const stored: { spans: SpanRecord[]; logs: LogRecord[] } = { spans: [], logs: [] };

beforeAll(async () => {
  receiver = createOtlpReceiver({ port: 0, maxBodyBytes: 4 * 1024 * 1024, onSpans: (b) => stored.spans.push(...b), onLogs: (b) => stored.logs.push(...b), nowUs: () => 1_700_000_000_000_000 });
  port = await receiver.start();
});
afterAll(() => receiver.stop());

interface Case {
  what: string;
  path: '/v1/traces' | '/v1/logs';
  body: Uint8Array | string;
  headers: Record<string, string>;
}

const PB = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };
const goodSpans = () => encodeSpans(trace(rand, { traceId: randomHex(rand, 32), startUs: 1_700_000_000_000_000, error: rand() < 0.5 }));
const goodLogs = () => encodeLogs([logLine({ timeUs: 1_700_000_000_000_000, message: `line ${randomHex(rand, 6)}`, traceId: randomHex(rand, 32) })]);
const goodJson = () => JSON.parse(JSON.stringify(TraceRequest.toObject(TraceRequest.fromObject(traceRequestOf(trace(rand, { traceId: randomHex(rand, 32), startUs: 1_700_000_000_000_000 })) as Record<string, unknown>), { longs: String, bytes: String }))) as Record<string, unknown>;

function flipBits(b: Uint8Array, n: number): Uint8Array {
  const out = Uint8Array.from(b);
  for (let i = 0; i < n; i++) out[Math.floor(rand() * out.length)]! ^= 1 << Math.floor(rand() * 8);
  return out;
}

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

const WEIRD: unknown[] = [null, 5, -1, 1e308, 'str', '', true, [], {}, [1, 'a'], { a: { b: [] } }, '9'.repeat(40), 'ZZZZ'];

/** Replace one random value somewhere in a JSON tree with a value of the wrong type. */
function mutateJson(o: unknown, depth = 0): unknown {
  if (Array.isArray(o) && o.length > 0 && rand() < 0.8) {
    const i = Math.floor(rand() * o.length);
    o[i] = depth > 1 && rand() < 0.25 ? pick(WEIRD) : mutateJson(o[i], depth + 1);
    return o;
  }
  if (o && typeof o === 'object' && !Array.isArray(o)) {
    const keys = Object.keys(o);
    if (keys.length > 0) {
      const k = pick(keys);
      (o as Record<string, unknown>)[k] = rand() < 0.3 ? pick(WEIRD) : mutateJson((o as Record<string, unknown>)[k], depth + 1);
      return o;
    }
  }
  return pick(WEIRD);
}

function nestedAnyValue(depth: number): PbAnyValue {
  let v: PbAnyValue = { stringValue: 'leaf' };
  for (let i = 0; i < depth; i++) v = { arrayValue: { values: [v] } };
  return v;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < 60; i++) {
    const b = rand() < 0.5 ? goodSpans() : goodLogs();
    out.push({ what: 'truncated protobuf', path: b === undefined ? '/v1/traces' : pick(['/v1/traces', '/v1/logs'] as const), body: b.subarray(0, Math.floor(rand() * b.length)), headers: PB });
  }
  for (let i = 0; i < 120; i++) out.push({ what: 'bit flips', path: '/v1/traces', body: flipBits(goodSpans(), 1 + Math.floor(rand() * 8)), headers: PB });
  for (let i = 0; i < 40; i++) out.push({ what: 'bit flips (logs)', path: '/v1/logs', body: flipBits(goodLogs(), 1 + Math.floor(rand() * 8)), headers: PB });
  for (let i = 0; i < 50; i++) out.push({ what: 'random bytes', path: pick(['/v1/traces', '/v1/logs'] as const), body: randomBytes(Math.floor(rand() * 4096)), headers: pick([PB, JSON_CT]) });
  for (let i = 0; i < 80; i++) out.push({ what: 'JSON with wrong types', path: '/v1/traces', body: JSON.stringify(mutateJson(goodJson())), headers: JSON_CT });
  for (let i = 0; i < 20; i++) {
    const logsJson = JSON.parse(JSON.stringify(logsRequestOf([logLine({ timeUs: 1, message: 'x' })]), (_k, v: unknown) => (typeof v === 'object' && v !== null && (v as { type?: string }).type === 'Buffer' ? '00' : v))) as Record<string, unknown>;
    out.push({ what: 'logs JSON with wrong types', path: '/v1/logs', body: JSON.stringify(mutateJson(logsJson)), headers: JSON_CT });
  }
  for (let i = 0; i < 10; i++) out.push({ what: 'gzip of garbage / gzip cut short', path: '/v1/traces', body: i % 2 ? randomBytes(200) : gzipSync(goodSpans()).subarray(0, 20), headers: { ...PB, 'content-encoding': 'gzip' } });
  // Invalid UTF-8 inside protobuf strings and as a JSON body.
  for (let i = 0; i < 10; i++) {
    const b = Buffer.from(goodSpans());
    const at = b.indexOf(Buffer.from('GET /chat'));
    b[at] = 0xff;
    b[at + 1] = 0xfe;
    out.push({ what: 'invalid UTF-8 in a protobuf string', path: '/v1/traces', body: b, headers: PB });
  }
  out.push({ what: 'invalid UTF-8 JSON', path: '/v1/traces', body: Buffer.concat([Buffer.from('{"resourceSpans":[{"x":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')]), headers: JSON_CT });
  // Deep nesting: attributes nested far past the cap, and JSON nested 100,000 deep.
  const deep = traceRequestOf(trace(rand, { traceId: randomHex(rand, 32), startUs: 1_700_000_000_000_000 }));
  deep.resourceSpans![0]!.scopeSpans![0]!.spans![0]!.attributes = [{ key: 'deep', value: nestedAnyValue(2000) }];
  out.push({ what: 'attribute nested 2,000 deep', path: '/v1/traces', body: TraceRequest.encode(deep).finish(), headers: PB });
  out.push({ what: 'JSON nested 100,000 deep', path: '/v1/traces', body: `{"resourceSpans":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, headers: JSON_CT });
  out.push({ what: 'protobuf nested 100,000 deep (length-delimited in itself)', path: '/v1/traces', body: nestedBytes(100_000), headers: PB });
  // 50 MB, declared and chunked.
  const huge = Buffer.alloc(50 * 1024 * 1024, 0x0a);
  out.push({ what: '50 MB body', path: '/v1/traces', body: huge, headers: PB });
  out.push({ what: '50 MB chunked body', path: '/v1/logs', body: huge, headers: { ...JSON_CT, 'transfer-encoding': 'chunked' } });
  return out;
}

/** Field 1 (length-delimited) wrapping itself over and over: the decoder recurses into resourceSpans → … */
function nestedBytes(depth: number): Uint8Array {
  let inner: Buffer = Buffer.alloc(0);
  for (let i = 0; i < depth && inner.length < 3_000_000; i++) {
    const len: number[] = [];
    let n = inner.length;
    do {
      len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
      n >>>= 7;
    } while (n > 0);
    inner = Buffer.concat([Buffer.from([0x0a, ...len]), inner]);
  }
  return inner;
}

function wellFormedSpan(s: SpanRecord): boolean {
  return /^[0-9a-f]{32}$/.test(s.traceId) && !/^0+$/.test(s.traceId) && /^[0-9a-f]{16}$/.test(s.spanId) && (s.parentSpanId === null || /^[0-9a-f]{16}$/.test(s.parentSpanId)) && s.startUs > 0 && s.durationUs >= 0 && JSON.stringify(s).length < 200_000;
}

function wellFormedLog(l: LogRecord): boolean {
  return (l.traceId === null || /^[0-9a-f]{32}$/.test(l.traceId)) && (l.spanId === null || /^[0-9a-f]{16}$/.test(l.spanId)) && typeof l.message === 'string' && JSON.stringify(l).length < 300_000;
}

describe('OTLP/HTTP receiver fuzz', () => {
  it('answers every bad payload with a 2xx or 4xx, never half-stores, and keeps serving', { timeout: 120_000 }, async () => {
    const all = cases();
    expect(all.length).toBeGreaterThanOrEqual(300);
    const statuses = new Map<string, Set<number>>();
    for (const c of all) {
      const before = { spans: stored.spans.length, logs: stored.logs.length };
      const answer = await Promise.race([
        post(port, c.path, c.body, c.headers),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`hang on ${c.what}`)), 10_000)),
      ]);
      if (!statuses.has(c.what)) statuses.set(c.what, new Set());
      statuses.get(c.what)!.add(answer.status);
      expect(answer.status, c.what).toBeGreaterThanOrEqual(200);
      expect(answer.status, `${c.what}: ${answer.body.toString().slice(0, 200)}`).toBeLessThan(500);
      const newSpans = stored.spans.slice(before.spans);
      const newLogs = stored.logs.slice(before.logs);
      if (answer.status >= 400) {
        expect(newSpans.length + newLogs.length, `${c.what} answered ${answer.status} but stored records`).toBe(0);
      }
      for (const s of newSpans) expect(wellFormedSpan(s), `${c.what}: ${JSON.stringify(s).slice(0, 300)}`).toBe(true);
      for (const l of newLogs) expect(wellFormedLog(l), `${c.what}: ${JSON.stringify(l).slice(0, 300)}`).toBe(true);
    }
    expect([...statuses.get('50 MB body')!]).toEqual([413]);
    expect([...statuses.get('50 MB chunked body')!]).toEqual([413]);
    expect([...statuses.get('truncated protobuf')!].every((s) => s === 400 || s === 200)).toBe(true);
    // Still alive and still right.
    const sent = trace(rand, { traceId: randomHex(rand, 32), startUs: 1_700_000_000_000_000 });
    const before = stored.spans.length;
    expect((await post(port, '/v1/traces', encodeSpans(sent), PB)).status).toBe(200);
    expect(stored.spans.slice(before)).toEqual(sent);
  });
});
