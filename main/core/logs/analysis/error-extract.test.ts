import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { errorLevelOf, extractErrors } from './error-extract';
import { createErrorGrouper } from './error-groups';
import { createTemplateMiner } from './template-miner';

const T = Date.parse('2025-03-01T10:00:00.000Z');
const iso = (s: number) => new Date(T + s * 1000).toISOString();
const line = (o: Record<string, unknown>) => JSON.stringify(o);

/** Split text into chunks of `size` bytes, so lines cross chunk borders. */
const chunked = (text: string, size: number) => {
  const b = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return Readable.from(out);
};

describe('extractErrors', () => {
  const file = [
    line({ level: 'info', time: iso(0), service: 'llm', msg: 'request completed' }),
    line({ level: 'error', time: iso(1), service: 'llm', trace_id: 'a'.repeat(32), msg: 'upstream timeout after 3000 ms calling memory' }),
    line({ level: 50, time: T + 2000, service: 'memory', msg: 'upstream timeout after 1500 ms calling memory' }),
    line({ level: 'ERROR', time: iso(3), service: 'llm', traceId: 'b'.repeat(32), msg: 'upstream timeout after 10 ms calling memory' }),
    line({ level: 'fatal', time: iso(4), service: 'gui', msg: 'cannot bind 127.0.0.1:8082: address in use' }),
    line({ level: 60, time: iso(5), service: 'gui', msg: 'cannot bind 127.0.0.1:9000: address in use' }),
    // not errors: a nested level, an escaped one inside a message, a warn
    line({ level: 'info', ctx: { level: 'error' }, msg: 'child logger said "level":"error"' }),
    line({ level: 'warn', msg: 'slow' }),
    line({ ctx: { level: 'info' }, level: 'error', service: 'llm', time: iso(6), msg: 'disk full writing /var/x' }),
    '{"level":"error", torn write',
    'plain text line with no json',
    '',
    line({ level: 'error', service: 'llm', time: iso(7), msg: 'upstream timeout after 2 ms calling memory' }),
  ].join('\n');

  it('keeps error and fatal records (names and pino numbers) and groups them by template with counts, times, services and a trace', async () => {
    for (const size of [7, 64, 1 << 16]) {
      const r = await extractErrors(chunked(file, size));
      expect(r.lines).toBe(13);
      expect(r.errorRecords).toBe(7);
      expect(r.unparsable).toBe(1);
      const [timeout, bind, disk] = r.groups;
      expect(timeout).toEqual({
        templateId: expect.stringMatching(/^[0-9a-f]{16}$/),
        template: 'upstream timeout after <*> calling memory',
        count: 4,
        levels: { error: 4, fatal: 0 },
        firstSeenMs: T + 1000,
        lastSeenMs: T + 7000,
        services: ['llm', 'memory'],
        exampleTraceId: 'b'.repeat(32),
        exampleMessage: 'upstream timeout after 2 ms calling memory',
      });
      expect(bind).toMatchObject({ template: 'cannot bind <*>: address in use', count: 2, levels: { error: 0, fatal: 2 }, services: ['gui'], exampleTraceId: null });
      expect(disk).toMatchObject({ template: 'disk full writing <*>', count: 1 });
      expect(r.groups).toHaveLength(3);
    }
  });

  it('skips a line longer than the limit whole, counts it, and goes on', async () => {
    const big = line({ level: 'error', msg: `huge ${'x'.repeat(5000)}` });
    const text = [big, line({ level: 'error', msg: 'after the big one' })].join('\n');
    const r = await extractErrors(chunked(text, 512), { maxLineBytes: 1024 });
    expect(r).toMatchObject({ lines: 2, errorRecords: 1, oversized: 1 });
    expect(r.groups.map((g) => g.template)).toEqual(['after the big one']);
  });

  it('survives binary garbage and invalid UTF-8', async () => {
    const garbage = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x22]), Buffer.from('"level":"error"\n'), Buffer.from([0xc3, 0x28]), Buffer.from('\n{"level":"error","msg":"ok \xff"}\n', 'latin1')]);
    const r = await extractErrors(Readable.from([garbage]));
    expect(r.lines).toBe(3);
    expect(r.unparsable).toBe(1);
    expect(r.errorRecords).toBe(1);
  });

  it('reads the level values a JSON logger writes', () => {
    expect([errorLevelOf(50), errorLevelOf(59), errorLevelOf(60), errorLevelOf(40), errorLevelOf('Critical'), errorLevelOf('err'), errorLevelOf('info'), errorLevelOf(null)]).toEqual(['error', 'error', 'fatal', null, 'fatal', 'error', null, null]);
  });
});

describe('error grouper', () => {
  it('reports groups whose templates merged later as one, with the oldest id', () => {
    const miner = createTemplateMiner();
    const g = createErrorGrouper(miner);
    for (const u of ['cyrus', 'news', 'test']) g.add({ level: 'error', timeMs: null, service: 'auth', traceId: null, message: `login failed for user ${u}` });
    const groups = g.groups();
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ template: 'login failed for user <*>', count: 3, firstSeenMs: null, exampleMessage: 'login failed for user test' });
  });

  it('keeps at most maxGroups, dropping the least recently updated', () => {
    const g = createErrorGrouper(createTemplateMiner(), 2);
    for (const m of ['alpha failed', 'beta failed', 'alpha failed', 'gamma failed']) g.add({ level: 'error', timeMs: 1, service: 's', traceId: null, message: m });
    expect(g.groups().map((x) => x.template).sort()).toEqual(['alpha failed', 'gamma failed']);
    expect(g.dropped()).toBe(1);
  });
});
