import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from './line-reader';
import { readLoghubSet } from './loghub-eval';
import { parseLinesToJsonl, type ParseOptions } from './parse-jsonl';

const FIXTURE = path.resolve(import.meta.dirname, '../../../../test/fixtures/loghub-2k/HDFS_2k.log_structured.csv');

async function parse(input: Buffer | string, options?: ParseOptions) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const res = await parseLinesToJsonl(Readable.from([Buffer.from(input)]), out, options);
  const text = Buffer.concat(chunks).toString('utf8');
  return { res, rows: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { template: string; templateId: string }), text };
}

describe('readLines', () => {
  const lines = async (chunks: Buffer[], max?: number) => {
    const got: string[] = [];
    for await (const l of readLines(Readable.from(chunks), max)) got.push(l);
    return got;
  };

  it('splits at \\n only, across chunks, with or without a last line break', async () => {
    expect(await lines([Buffer.from('a\nb'), Buffer.from('c\r\n\nd')])).toEqual(['a', 'bc', '', 'd']);
    expect(await lines([Buffer.from('a\n')])).toEqual(['a']);
    expect(await lines([Buffer.from('a\rb\n')])).toEqual(['a\rb']);
    expect(await lines([])).toEqual([]);
  });

  it('decodes invalid UTF-8 as U+FFFD, also a character cut between chunks', async () => {
    const euro = Buffer.from('€');
    expect(await lines([Buffer.from([0x61, 0xff, 0x0a]), euro.subarray(0, 1), euro.subarray(1)])).toEqual(['a\uFFFD', '€']);
  });

  it('cuts a long line at the limit and skips the rest up to its line break', async () => {
    expect(await lines([Buffer.from('x'.repeat(10)), Buffer.from('y'.repeat(10) + '\nnext\n')], 12)).toEqual(['x'.repeat(10) + 'yy', 'next']);
  });
});

describe('parseLinesToJsonl', () => {
  it('writes one object per input line, in order, empty and invalid lines included', async () => {
    const input = Buffer.concat([Buffer.from('Got assigned task 1\n\nGot assigned task 2\n'), Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from('last without break')]);
    const { res, rows } = await parse(input);
    expect(res.lines).toBe(5);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual(rows[2]);
    expect(rows[0]!.template).toBe('Got assigned task <*>');
    expect(rows[1]!.template).toBe('');
    expect(rows[3]!.template).toBe('\uFFFD(');
    expect(rows[4]!.template).toBe('last without break');
    expect(Object.keys(rows[0]!)).toEqual(['template', 'templateId']);
  });

  it('final mode prints every line with the template its cluster ended as; online mode as of that line', async () => {
    const input = ['session closed for user cyrus', 'session closed for user news', 'session closed for user test'].join('\n');
    const final = await parse(input);
    expect(new Set(final.rows.map((r) => r.templateId)).size).toBe(1);
    expect(final.rows.every((r) => r.template === 'session closed for user <*>')).toBe(true);
    const online = await parse(input, { mode: 'online' });
    expect(online.rows.map((r) => r.template)).toEqual(['session closed for user cyrus', 'session closed for user news', 'session closed for user <*>']);
    // The survivor keeps the first line's id either way.
    expect(online.rows[0]!.templateId).toBe(final.rows[0]!.templateId);
  });

  it('parses a real file: one line out per line in, with HDFS templates', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-parse-'));
    try {
      // The Content column of the Loghub HDFS sample, as a plain log file.
      const { contents } = await readLoghubSet(FIXTURE);
      const file = path.join(dir, 'hdfs.log');
      await writeFile(file, `${contents.join('\n')}\n`);
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      const res = await parseLinesToJsonl(createReadStream(file, { highWaterMark: 4096 }), out);
      const rows = Buffer.concat(chunks).toString().trimEnd().split('\n').map((l) => JSON.parse(l) as { template: string });
      expect(res.lines).toBe(2000);
      expect(rows).toHaveLength(2000);
      expect(rows[0]!.template).toBe('PacketResponder <*> for block <*> terminating');
      expect(res.templates).toBe(14);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('waits for a slow writer instead of buffering everything', async () => {
    let pending = 0;
    let maxPending = 0;
    let written = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        pending++;
        maxPending = Math.max(maxPending, pending);
        written += chunk.length;
        setTimeout(() => {
          pending--;
          cb();
        }, 1);
      },
    });
    const lines = Array.from({ length: 20_000 }, (_, i) => `request ${i} done in ${i % 100} ms`).join('\n');
    const res = await parseLinesToJsonl(Readable.from([lines]), slow);
    expect(res.lines).toBe(20_000);
    expect(maxPending).toBe(1);
    expect(written).toBeGreaterThan(20_000 * 30);
  });

  it('rejects with the writer error instead of hanging', async () => {
    const broken = new Writable({
      write(_c, _e, cb) {
        cb(new Error('EPIPE: broken pipe'));
      },
    });
    const lines = Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n');
    await expect(parseLinesToJsonl(Readable.from([lines]), broken)).rejects.toThrow('EPIPE');
  });
});
