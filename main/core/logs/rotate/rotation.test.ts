import fs from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../adapters/clock';
import { createFileFollower, type FollowedBatch } from '../follow/follower';
import { createOffsetsStore } from '../follow/offsets-store';
import { logsSettingsSchema } from '../settings-schema';
import { copyTruncateRotate } from './copy-truncate';
import { createLookoutLogStream } from './lookout-log-stream';
import { isRotatedCopyOf } from './rotated-name';
import { createLogRotation } from './rotation';
import { sweepRotated } from './retention';

const silent = pino({ level: 'silent' });
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-rotate-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seqOf = (texts: string[]) => texts.map((t) => Number(/line (\d+)/.exec(t)?.[1] ?? -1));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const gzLines = (file: string) => gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter(Boolean);

function followerOf(file: string) {
  const got: FollowedBatch[] = [];
  const f = createFileFollower({ offsets: createOffsetsStore(path.join(dir, 'state')), clock: systemClock, logger: silent, deliver: (b) => void got.push(b), pollMs: 15, checkpointMs: 0, renameGraceMs: 100, watch: false });
  return { f, got, texts: () => got.flatMap((b) => b.lines.map((l) => l.text)), start: () => f.start([{ path: file, service: 's', source: 'stack' }]) };
}

describe('copyTruncateRotate', () => {
  it('gzips the copy and truncates the live file; a follower sees every line once while the writer keeps appending', async () => {
    const file = path.join(dir, 'prometheus.log');
    const fd = fs.openSync(file, 'a');
    const { f, texts, start } = followerOf(file);
    await start();
    const total = 3_000;
    const rotations: string[] = [];
    for (let i = 0; i < total; i++) {
      fs.writeSync(fd, `ts=2024-01-01T00:00:00Z level=info msg="line ${i}"\n`);
      if (i % 1_000 === 500) {
        // Not awaited: the writer goes on writing while the copy, the follower's read and the gzip run.
        void copyTruncateRotate(file, { now: new Date(Date.UTC(2024, 0, 1) + i * 1000), beforeTruncate: () => f.tick() }).then((gz) => gz && rotations.push(gz));
      }
      if (i % 29 === 0) await sleep(1);
    }
    fs.closeSync(fd);
    const end = Date.now() + 5_000;
    while (texts().length < total && Date.now() < end) await sleep(10);
    await f.tick();
    await f.stop();
    expect(rotations).toHaveLength(3);
    expect(seqOf(texts())).toEqual(range(total));
    // On disk too: the gzip'd copies and the live file hold every line once, in order.
    const onDisk = [...rotations.sort().flatMap(gzLines), ...fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)];
    expect(seqOf(onDisk)).toEqual(range(total));
    expect(rotations.every((r) => isRotatedCopyOf(file, r) && (fs.statSync(r).mode & 0o777) === 0o600)).toBe(true);
    expect(fs.readdirSync(dir).some((n) => n.endsWith('.rotating'))).toBe(false);
  });

  it('leaves an absent or empty file alone', async () => {
    expect(await copyTruncateRotate(path.join(dir, 'none.log'), { now: new Date() })).toBeNull();
    fs.writeFileSync(path.join(dir, 'empty.log'), '');
    expect(await copyTruncateRotate(path.join(dir, 'empty.log'), { now: new Date() })).toBeNull();
  });
});

describe('sweepRotated', () => {
  it('deletes rotated copies older than maxAge, then the oldest while the total is over the cap; never live or foreign files', async () => {
    const live = path.join(dir, 'app.log');
    const other = path.join(dir, 'grafana.log');
    fs.writeFileSync(live, 'x'.repeat(5000));
    fs.writeFileSync(other, 'y');
    const now = Date.UTC(2024, 5, 30);
    const make = (name: string, ageDays: number, bytes: number) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, Buffer.alloc(bytes));
      const t = (now - ageDays * 86_400_000) / 1000;
      fs.utimesSync(p, t, t);
      return p;
    };
    const ancient = make('app.log.20240501-000000.gz', 40, 10);
    const old = make('app.log.20240610-000000.gz', 20, 400);
    const mid = make('grafana.log.20240620-000000.gz', 10, 400);
    const fresh = make('app.log.20240629-000000-2.gz', 1, 400);
    const foreign = make('app.log.backup', 50, 10);
    const deleted = await sweepRotated([live, other], { maxAgeMs: 30 * 86_400_000, maxTotalBytes: 900 }, now);
    expect(deleted.sort()).toEqual([ancient, old].sort());
    expect([mid, fresh, foreign, live, other].every((p) => fs.existsSync(p))).toBe(true);
  });
});

describe('createLogRotation', () => {
  it('rotates copy-truncate targets over maxFileSize, leaves `self` targets to their writer, and reports errors without throwing', async () => {
    const big = path.join(dir, 'alertmanager.log');
    const small = path.join(dir, 'node_exporter.log');
    const self = path.join(dir, 'lookout.log');
    fs.writeFileSync(big, 'z\n'.repeat(1024));
    fs.writeFileSync(small, 'z\n');
    fs.writeFileSync(self, 'z\n'.repeat(1024));
    let settings = logsSettingsSchema.parse({ rotation: { maxFileSize: '1KB' } }).rotation;
    const rotation = createLogRotation({ targets: () => [{ file: big, mode: 'copy-truncate' }, { file: small, mode: 'copy-truncate' }, { file: self, mode: 'self' }], settings: () => settings, clock: systemClock, logger: silent });
    const { rotated } = await rotation.runOnce();
    expect(rotated).toHaveLength(1);
    expect(gzLines(rotated[0]!)).toHaveLength(1024);
    expect(fs.statSync(big).size).toBe(0);
    expect(fs.statSync(self).size).toBe(2048);
    settings = { ...settings, maxTotalSize: '0B' };
    expect((await rotation.runOnce()).deleted).toEqual(rotated);
    expect(rotation.status()).toMatchObject({ rotated: 1, deleted: 1, lastError: null });
  });
});

describe('createLookoutLogStream (rotating-file-stream)', () => {
  it('rotates pino’s output by size into gzip’d copies; a follower of lookout.log sees every line once', async () => {
    const file = path.join(dir, 'lookout.log');
    const errors: Error[] = [];
    const stream = createLookoutLogStream(file, 4 * 1024, (e) => errors.push(e));
    const log = pino({ base: null, timestamp: false }, stream);
    const { f, texts, start } = followerOf(file);
    await start();
    const total = 600;
    for (let i = 0; i < total; i++) {
      log.info({ n: i }, `line ${i}`);
      if (i % 40 === 0) await sleep(2);
    }
    await new Promise<void>((r) => stream.end(r));
    const end = Date.now() + 5_000;
    while (texts().length < total && Date.now() < end) await sleep(20);
    await sleep(150);
    await f.tick();
    await f.stop();
    expect(errors).toEqual([]);
    const rotated = fs.readdirSync(dir).filter((n) => isRotatedCopyOf(file, path.join(dir, n)));
    expect(rotated.length).toBeGreaterThanOrEqual(5);
    expect(seqOf(texts().map((t) => (JSON.parse(t) as { msg: string }).msg))).toEqual(range(total));
  });
});
