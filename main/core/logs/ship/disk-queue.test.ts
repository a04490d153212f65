import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { LogRecord } from '../../store/records';
import { createDiskQueue } from './disk-queue';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'lookout-queue-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const rec = (i: number): LogRecord => ({ timeUs: i, service: 's', source: 'file', origin: 'o', level: null, message: `m${i}`, traceId: null, spanId: null, attributes: {} });

it('keeps records appended while a sync is writing, across segments, in order, and deletes shipped segments', async () => {
  const q = createDiskQueue({ dir, maxBytes: 1 << 20, segmentBytes: 2_000 });
  await q.open();
  let next = 0;
  for (let round = 0; round < 20; round++) {
    q.append(Array.from({ length: 10 }, () => rec(next++)));
    const syncing = q.sync();
    q.append([rec(next++)]); // lands while the write is in flight
    await syncing;
  }
  await q.sync();
  const seen: number[] = [];
  for (let b = await q.peek(7, 4096); b; b = await q.peek(7, 4096)) {
    seen.push(...b.records.map((r) => r.timeUs));
    await q.ack(b);
  }
  expect(seen).toEqual([...Array(next).keys()]);
  expect(q.bytes()).toBe(0);
  expect(fs.readdirSync(dir).filter((n) => n.endsWith('.ndjson')).length).toBeLessThanOrEqual(1);
  await q.close();
});

it('skips a line cut by a crash mid-write and counts it', async () => {
  const q = createDiskQueue({ dir, maxBytes: 1 << 20 });
  await q.open();
  q.append([rec(1)]);
  await q.sync();
  await q.close();
  fs.appendFileSync(path.join(dir, '0000000000.ndjson'), '{"timeUs":2,"serv\n');
  const again = createDiskQueue({ dir, maxBytes: 1 << 20 });
  await again.open();
  again.append([rec(3)]);
  await again.sync();
  const b = await again.peek(10, 4096);
  expect(b!.records.map((r) => r.timeUs)).toEqual([1, 3]);
  expect(again.corrupt).toBe(1);
  await again.close();
});
