/** Pattern sparklines and a pattern's example lines (logs:patterns counts, logs:search by templateId) against a real DuckDB file. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock';
import { logLine } from '../../../test/fakes/telemetry-records';
import { parseRequest } from '../api';
import { openTelemetryStore, type TelemetryStore } from './telemetry-store';

let dir: string;
let clock: FakeClock;
const open: TelemetryStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-logq-'));
  clock = new FakeClock();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function store(): Promise<TelemetryStore> {
  const s = await openTelemetryStore({ file: path.join(dir, 'telemetry.duckdb'), clock, retentionIntervalMs: 30 * 86_400_000 });
  open.push(s);
  return s;
}

const TID = 'a'.repeat(32);

describe('logs:search by templateId (a pattern\'s example lines)', () => {
  it('returns exactly the lines of that pattern, newest first, combined with the other filters', async () => {
    const s = await store();
    const t = clock.now() * 1000;
    const slow = { templateId: 'f00dfeedf00dfeed', template: 'slow call to <*> took <*>ms' };
    const boom = { templateId: '0123456789abcdef', template: 'boom <*>' };
    s.sink.logs([
      logLine({ timeUs: t - 5_000_000, message: 'slow call to llm took 900ms', level: 'warn', service: 'gui', ...slow }),
      logLine({ timeUs: t - 4_000_000, message: 'boom 1', level: 'error', service: 'gui', traceId: TID, ...boom }),
      logLine({ timeUs: t - 3_000_000, message: 'slow call to memory took 1200ms', level: 'warn', service: 'llm', traceId: TID, ...slow }),
      logLine({ timeUs: t - 2_000_000, message: 'slow call to nothing', level: 'info', service: 'gui' }), // same words, no template
      logLine({ timeUs: t - 1_000_000, message: 'boom 2', level: 'error', service: 'llm', ...boom }),
    ]);
    s.flush();
    const msgs = async (q: Parameters<TelemetryStore['logs']['searchLogs']>[0]) => (await s.logs.searchLogs(q)).lines.map((l) => l.message);
    expect(await msgs({ templateId: slow.templateId })).toEqual(['slow call to memory took 1200ms', 'slow call to llm took 900ms']);
    expect(await msgs({ templateId: boom.templateId })).toEqual(['boom 2', 'boom 1']);
    expect(await msgs({ templateId: slow.templateId, service: 'gui' })).toEqual(['slow call to llm took 900ms']);
    expect(await msgs({ templateId: boom.templateId, limit: 1 })).toEqual(['boom 2']);
    expect(await msgs({ templateId: 'ffffffffffffffff' })).toEqual([]);
    // Without the filter every line comes back (the filter is what narrows it).
    expect(await msgs({})).toHaveLength(5);
    const lines = (await s.logs.searchLogs({ templateId: slow.templateId })).lines;
    expect(lines.map((l) => [l.templateId, l.traceId])).toEqual([
      [slow.templateId, TID],
      [slow.templateId, null],
    ]);
  });

  it('templateIds widens the filter to the ids a merged pattern was stored with (the analysis passes them)', async () => {
    const s = await store();
    const t = clock.now() * 1000;
    s.sink.logs([
      logLine({ timeUs: t - 3_000_000, message: 'session closed for user cyrus', templateId: '1111111111111111', template: 'session closed for user cyrus' }),
      logLine({ timeUs: t - 2_000_000, message: 'session closed for user news', templateId: '2222222222222222', template: 'session closed for user news' }),
      logLine({ timeUs: t - 1_000_000, message: 'session closed for user test', templateId: '1111111111111111', template: 'session closed for user <*>' }),
      logLine({ timeUs: t - 500_000, message: 'unrelated', templateId: '3333333333333333', template: 'unrelated' }),
    ]);
    s.flush();
    const msgs = async (q: Parameters<TelemetryStore['logs']['searchLogs']>[0]) => (await s.logs.searchLogs(q)).lines.map((l) => l.message);
    expect(await msgs({ templateId: '1111111111111111' })).toEqual(['session closed for user test', 'session closed for user cyrus']);
    expect(await msgs({ templateId: '1111111111111111', templateIds: ['1111111111111111', '2222222222222222'] })).toEqual([
      'session closed for user test',
      'session closed for user news',
      'session closed for user cyrus',
    ]);
    expect(await msgs({ templateId: '1111111111111111', templateIds: [] })).toHaveLength(2);
    // templateIds without templateId filters nothing (it only widens a pattern filter).
    expect(await msgs({ templateIds: ['2222222222222222'] })).toHaveLength(4);
  });

  it('is accepted by the contract (strict schema), and an empty id is refused', () => {
    expect(parseRequest('logs:search', { templateId: 'f00dfeedf00dfeed', limit: '20' })).toMatchObject({ templateId: 'f00dfeedf00dfeed' });
    expect(() => parseRequest('logs:search', { templateId: '' })).toThrow(/templateId/);
  });
});

describe('logs:patterns counts per bucket (the sparkline)', () => {
  it('puts each line in its bucket at the edges of the window, and the counts add up to the count and to the example lines', async () => {
    const s = await store();
    const to = clock.now() * 1000;
    const from = to - 10_000_000; // 10 s in 5 buckets of 2 s
    const a = { templateId: 'aaaaaaaaaaaaaaaa', template: 'a <*>' };
    const b = { templateId: 'bbbbbbbbbbbbbbbb', template: 'b <*>' };
    s.sink.logs([
      logLine({ timeUs: from - 1, message: 'a before', ...a }), // outside (before fromUs)
      logLine({ timeUs: from, message: 'a first', ...a }), // bucket 0 (inclusive start)
      logLine({ timeUs: from + 1_999_999, message: 'a end of 0', ...a }), // bucket 0
      logLine({ timeUs: from + 2_000_000, message: 'a start of 1', ...a }), // bucket 1
      logLine({ timeUs: to - 1, message: 'a last', ...a }), // bucket 4
      logLine({ timeUs: to, message: 'a at to', ...a }), // outside (toUs exclusive)
      logLine({ timeUs: from + 5_000_000, message: 'b middle', level: 'error', ...b }), // bucket 2
      logLine({ timeUs: from + 5_500_000, message: 'b middle again', level: 'warn', ...b }), // bucket 2
    ]);
    s.flush();
    const p = await s.logs.logPatterns({ fromUs: from, toUs: to, buckets: 5 });
    expect(p).toMatchObject({ fromUs: from, toUs: to, bucketUs: 2_000_000 });
    expect(p.patterns.map((x) => [x.templateId, x.count, x.maxLevel, x.counts])).toEqual([
      [a.templateId, 4, 'info', [2, 1, 0, 0, 1]],
      [b.templateId, 2, 'error', [0, 0, 2, 0, 0]],
    ]);
    for (const pattern of p.patterns) {
      expect(pattern.counts.reduce((x, y) => x + y, 0)).toBe(pattern.count);
      const examples = await s.logs.searchLogs({ templateId: pattern.templateId!, fromUs: from, toUs: to });
      expect(examples.lines).toHaveLength(pattern.count);
    }
  });

  it('survives a reopen of the store file (the counts are the stored lines, not a cache)', async () => {
    const s = await store();
    const to = clock.now() * 1000;
    const from = to - 3_000_000;
    s.sink.logs([0, 1, 1, 2, 2, 2].map((sec, i) => logLine({ timeUs: from + sec * 1_000_000 + i, message: `x ${i}`, templateId: 'cccccccccccccccc', template: 'x <*>' })));
    s.flush();
    await s.close();
    open.splice(open.indexOf(s), 1);
    const again = await store();
    expect((await again.logs.logPatterns({ fromUs: from, toUs: to, buckets: 3 })).patterns[0]!.counts).toEqual([1, 2, 3]);
  });
});
