/**
 * Bad input for the log pillar (issue 12): binary garbage, invalid UTF-8, a line over 1 MB, a file deleted
 * while followed and a full disk while Lookout writes its own state. End to end through the real pipeline
 * Lookout runs (createSignals: follower → parse → template analysis → DuckDB store in a temp home, answering
 * logs:search and logs:status), with every other file of the same run checked for lost or doubled lines.
 *
 * The follower's unit tests (main/core/logs/follow/*.test.ts) prove the splitting itself; this proves what
 * arrives in the store, that logs:status says what happened, and that the process goes on. The full disk is
 * injected as ENOSPC through the log pillar's fs port (main/core/logs/fs-port.ts: the offsets file and the
 * ship queue go through it); test/integration/logs-disk-full.test.ts does the same on a real tmpfs as root.
 * DuckDB's own file I/O is native and cannot be injected here: a full disk under the store is not covered.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogLine } from '../../common/logs';
import { systemClock } from '../../main/core/adapters/clock';
import { paths as pathsOf } from '../../main/core/paths';
import { settingsSchema, type Settings } from '../../main/core/settings/schema';
import { createSignals, type Signals } from '../../main/core/signals/signals';
import { startLokiStandIn, type LokiStandIn } from '../fakes/loki-stand-in';

/** While `disk.full`, every write through the log pillar's fs port fails with ENOSPC (as a full disk does). */
const disk = vi.hoisted(() => ({ full: false, refused: 0 }));
vi.mock('../../main/core/logs/fs-port', async () => {
  const real = (await import('node:fs/promises')).default;
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  const refuse = (): Promise<never> => {
    disk.refused++;
    return Promise.reject(enospc());
  };
  const open = (async (...args: Parameters<typeof real.open>) => {
    const h = await real.open(...args);
    const write = h.write.bind(h) as (...a: unknown[]) => Promise<unknown>;
    const writeFile = h.writeFile.bind(h) as (...a: unknown[]) => Promise<unknown>;
    return Object.assign(h, {
      write: ((...a: unknown[]) => (disk.full ? refuse() : write(...a))) as typeof h.write,
      writeFile: ((...a: unknown[]) => (disk.full ? refuse() : writeFile(...a))) as typeof h.writeFile,
    });
  }) as typeof real.open;
  return { nodeFs: { ...real, open } };
});

const MAX_LINE = 1024 * 1024; // logs.follow.maxLineSize: 1MB (binary units)
const HOUR_US = 3_600_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => Promise<T | null | false> | T | null | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v !== null && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(50);
  }
}

let home: string;
let signals: Signals | null = null;
let loki: LokiStandIn | null = null;
beforeEach(async () => {
  home = await fsp.mkdtemp(path.join(os.tmpdir(), 'lookout-badinput-'));
  disk.full = false;
  disk.refused = 0;
});
afterEach(async () => {
  disk.full = false;
  await signals?.dispose();
  signals = null;
  await loki?.close();
  loki = null;
  await fsp.rm(home, { recursive: true, force: true });
});

/** Lookout's signals part on a temp home, following one file per service. */
async function start(files: Record<string, string>, extra: { ship?: unknown[] } = {}): Promise<Signals> {
  const settings: Settings = settingsSchema.parse({
    services: Object.entries(files).map(([name, file], i) => ({ name, url: `http://127.0.0.1:${20_000 + i}`, logs: [file] })),
    logs: { follow: { pollInterval: '20ms' }, ship: extra.ship ?? [] },
  });
  const s = createSignals({
    paths: pathsOf(home),
    clock: systemClock,
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
    version: '0.0.0-test',
    settings: () => settings,
    demo: () => null,
    components: () => [],
    onTail: () => undefined,
    receiverPort: 0,
  });
  await s.start();
  signals = s;
  return s;
}

async function stored(s: Signals, service: string): Promise<LogLine[]> {
  const nowUs = Date.now() * 1000;
  const { lines } = await s.handlers['logs:search']({ service, fromUs: nowUs - HOUR_US, toUs: nowUs + HOUR_US, limit: 10_000 });
  // Oldest first, as written: lines read in one poll share their read time, so within a time by byte offset
  // (the end of log.record.uid, `<file key>:<offset>`).
  const offset = (l: LogLine) => Number(String(l.attributes['log.record.uid']).split(':').at(-1));
  return lines.sort((x, y) => x.timeUs - y.timeUs || offset(x) - offset(y));
}
const storedCount = async (s: Signals, service: string, n: number) => ((await stored(s, service)).length >= n ? stored(s, service) : null);
const numbered = (prefix: string, from: number, n: number) => Array.from({ length: n }, (_, i) => `${prefix} line ${from + i} of the other file`);
const append = (file: string, lines: string[]) => fs.appendFileSync(file, lines.map((l) => `${l}\n`).join(''));

describe('bad input, end to end into the store', () => {
  it('binary garbage and invalid UTF-8 are stored as text with U+FFFD, one record per newline, and the lines after them and of other files arrive intact', async () => {
    const garbageFile = path.join(home, 'garbage.log');
    const otherFile = path.join(home, 'other.log');
    // 64 KiB of every byte value (NUL and newlines included), then the classic invalid UTF-8 sequences.
    const garbage = Buffer.alloc(64 * 1024);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + (i >> 8)) % 256;
    const invalid = Buffer.from([
      ...Buffer.from('lone continuation '), 0x80, 0xbf,
      ...Buffer.from(' truncated euro '), 0xe2, 0x82,
      ...Buffer.from(' overlong slash '), 0xc0, 0xaf,
      ...Buffer.from(' encoded surrogate '), 0xed, 0xa0, 0x80,
      ...Buffer.from(' bad start bytes '), 0xfe, 0xff,
      ...Buffer.from(' NUL '), 0x00,
      0x0a,
    ]);
    const content = Buffer.concat([garbage, Buffer.from('\n'), invalid, Buffer.from('after the garbage: still fine\n')]);
    const expectedRecords = content.filter((b) => b === 0x0a).length;
    fs.writeFileSync(garbageFile, content);
    append(otherFile, numbered('other', 0, 100));

    const s = await start({ garbage: garbageFile, other: otherFile });
    const lines = await until('every garbage line in the store', () => storedCount(s, 'garbage', expectedRecords));
    expect(lines).toHaveLength(expectedRecords);
    for (const l of lines) {
      expect(l.message.includes('\0'), 'no NUL reaches the store').toBe(false);
      // Well-formed text only: no lone surrogate (what String.prototype.isWellFormed checks; the lib here is older).
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(l.message), 'only well-formed text reaches the store').toBe(false);
      expect(Buffer.from(l.message, 'utf8').toString('utf8')).toBe(l.message);
    }
    expect(lines.some((l) => l.message.includes('\uFFFD'))).toBe(true);
    const invalidLine = lines.find((l) => l.message.startsWith('lone continuation'))!;
    expect(invalidLine.message).toBe(
      'lone continuation \uFFFD\uFFFD truncated euro \uFFFD overlong slash \uFFFD\uFFFD encoded surrogate \uFFFD\uFFFD\uFFFD bad start bytes \uFFFD\uFFFD NUL \uFFFD',
    );
    expect(lines.at(-1)!.message).toBe('after the garbage: still fine');
    // The analysis ran on it: the garbage lines got patterns like any other.
    expect(lines.every((l) => l.templateId !== null)).toBe(true);

    // The other file: every line once, in order; and the process still answers.
    const other = await until('the other file in the store', () => storedCount(s, 'other', 100));
    expect(other.map((l) => l.message)).toEqual(numbered('other', 0, 100));
    const status = await s.handlers['logs:status']({});
    // (Lookout's own log is followed too; these are the two files of the test.)
    expect(status.files.filter((f) => f.source === 'file').map((f) => [f.service, f.problem])).toEqual([
      ['garbage', null],
      ['other', null],
    ]);
    expect(status.problems).toEqual([]);
  }, 60_000);

  it('a 1.5 MB line is stored cut to logs.follow.maxLineSize at a character boundary and marked log.truncated; the next line is whole', async () => {
    const hugeFile = path.join(home, 'huge.log');
    const otherFile = path.join(home, 'other.log');
    // 'é' is 2 bytes: one straddles the 1 MiB cut, so a byte cut would leave half a character.
    const huge = `${'x'.repeat(MAX_LINE - 1)}é${'y'.repeat(512 * 1024)}`;
    fs.writeFileSync(hugeFile, `before the huge line\n${huge}\nafter the huge line\n`);
    append(otherFile, numbered('other', 0, 50));

    const s = await start({ huge: hugeFile, other: otherFile });
    const lines = await until('three huge-file lines in the store', () => storedCount(s, 'huge', 3));
    expect(lines.map((l) => l.message.slice(0, 20))).toEqual(['before the huge line', 'x'.repeat(20), 'after the huge line']);
    const cut = lines[1]!;
    const bytes = Buffer.byteLength(cut.message, 'utf8');
    expect(bytes).toBeLessThanOrEqual(MAX_LINE);
    expect(bytes).toBeGreaterThanOrEqual(MAX_LINE - 3);
    expect(cut.message).toBe('x'.repeat(MAX_LINE - 1)); // the 'é' did not fit whole: left out, not halved
    expect(cut.message.includes('y')).toBe(false);
    expect(cut.attributes['log.truncated']).toBe(true);
    expect(lines[0]!.attributes['log.truncated']).toBeUndefined();
    expect(lines[2]!.attributes['log.truncated']).toBeUndefined();
    expect(lines[2]!.message).toBe('after the huge line');

    append(otherFile, numbered('other', 50, 50));
    const other = await until('the other file in the store', () => storedCount(s, 'other', 100));
    expect(other.map((l) => l.message)).toEqual(numbered('other', 0, 100));
  }, 60_000);
});

describe('a file deleted while followed', () => {
  it('is read to its end, logs:status shows its problem, the other file keeps flowing, and a new file there is followed from its start', async () => {
    const goneFile = path.join(home, 'gone.log');
    const otherFile = path.join(home, 'other.log');
    append(goneFile, numbered('gone', 0, 20));
    append(otherFile, numbered('other', 0, 20));
    const s = await start({ gone: goneFile, other: otherFile });
    await until('both files in the store', async () => (await stored(s, 'gone')).length === 20 && (await stored(s, 'other')).length === 20);

    // The writer keeps its descriptor, as a service does: lines written after the unlink are still read.
    const fd = fs.openSync(goneFile, 'a');
    fs.writeSync(fd, 'gone: last words before the unlink\n');
    fs.rmSync(goneFile);
    fs.writeSync(fd, 'gone: written after the unlink\n');
    fs.closeSync(fd);
    const writer = (async () => {
      for (let i = 20; i < 120; i += 10) {
        append(otherFile, numbered('other', i, 10));
        await sleep(30);
      }
    })();

    const problem = await until('logs:status to report the deleted file', async () => {
      const st = await s.handlers['logs:status']({});
      return st.files.find((f) => f.path === goneFile)?.problem ?? null;
    });
    expect(problem).toMatch(new RegExp(`^${goneFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was deleted while followed`));
    await writer;
    const st = await s.handlers['logs:status']({});
    expect(st.files.find((f) => f.path === otherFile)!.problem).toBeNull();

    const gone = await until('the deleted file read to its end', () => storedCount(s, 'gone', 22));
    expect(gone.map((l) => l.message)).toEqual([...numbered('gone', 0, 20), 'gone: last words before the unlink', 'gone: written after the unlink']);
    const other = await until('the other file in the store', () => storedCount(s, 'other', 120));
    expect(other.map((l) => l.message)).toEqual(numbered('other', 0, 120));

    // A new file at the path: followed from its start, and the problem goes away.
    append(goneFile, ['gone: reborn']);
    const reborn = await until('the new file at the path', () => storedCount(s, 'gone', 23));
    expect(reborn.at(-1)!.message).toBe('gone: reborn');
    await until('the problem cleared', async () => (await s.handlers['logs:status']({})).files.find((f) => f.path === goneFile)!.problem === null);
  }, 60_000);
});

describe('a full disk while Lookout writes its own state (ENOSPC through the fs port)', () => {
  it('says which file could not be written, keeps running, loses no line of any file, and catches up once there is room', async () => {
    loki = await startLokiStandIn();
    const a = path.join(home, 'a.log');
    const b = path.join(home, 'b.log');
    append(a, numbered('a', 0, 30));
    append(b, numbered('b', 0, 30));
    const s = await start({ a, b }, { ship: [{ type: 'loki', url: loki.url }] });
    await until('the first 60 lines shipped', async () => (await s.handlers['logs:status']({})).ship[0]!.shipped === 60);

    disk.full = true;
    for (let i = 30; i < 230; i += 20) {
      append(a, numbered('a', i, 20));
      append(b, numbered('b', i, 20));
      await sleep(20);
    }
    // The store still gets every line of both files while nothing of Lookout's own state can be written.
    const storedA = await until('file a in the store', () => storedCount(s, 'a', 230));
    const storedB = await until('file b in the store', () => storedCount(s, 'b', 230));
    expect(storedA.map((l) => l.message)).toEqual(numbered('a', 0, 230));
    expect(storedB.map((l) => l.message)).toEqual(numbered('b', 0, 230));

    const offsetsFile = path.join(home, 'state', 'logs', 'offsets.json');
    const full = await until('both errors in logs:status', async () => {
      const st = await s.handlers['logs:status']({});
      return st.problems.some((p) => p.includes('offsets.json')) && st.ship[0]!.message?.includes('ENOSPC') ? st : null;
    });
    expect(disk.refused).toBeGreaterThan(0);
    expect(full.problems).toContain(`saving log offsets to ${offsetsFile} failed: ENOSPC: no space left on device, write`);
    expect(full.ship[0]!.message).toMatch(new RegExp(`(writing the shipping queue|saving the shipping queue's cursor) in ${path.join(home, 'state', 'logs', 'ship')}.* failed: ENOSPC`));
    // Alive: every handler still answers.
    expect((await s.handlers['logs:patterns']({})).patterns.length).toBeGreaterThan(0);
    expect((await s.handlers['logs:errors']({})).groups).toBeDefined();

    disk.full = false;
    await until(
      'every line shipped and offsets saved once there is room',
      async () => {
        const st = await s.handlers['logs:status']({});
        return st.ship[0]!.shipped === 460 && st.problems.length === 0;
      },
      30_000,
    );
    const shipped = loki.lines().map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(shipped.filter((m) => m.startsWith('a ')).sort()).toEqual(numbered('a', 0, 230).sort());
    expect(shipped.filter((m) => m.startsWith('b ')).sort()).toEqual(numbered('b', 0, 230).sort());
    expect(shipped).toHaveLength(460);
    // Nothing doubled in the store either.
    expect(await stored(s, 'a')).toHaveLength(230);
    expect(await stored(s, 'b')).toHaveLength(230);
    const saved = JSON.parse(fs.readFileSync(offsetsFile, 'utf8')) as unknown;
    expect(JSON.stringify(saved)).toContain(a);
  }, 90_000);
});
