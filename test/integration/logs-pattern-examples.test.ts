/**
 * A pattern's example lines through the real pipeline (createSignals: follower → analysis → DuckDB): the
 * lines logs:search returns for a pattern's templateId are exactly the lines logs:patterns counted for it,
 * also when templates merged after some of those lines were stored with an id merged away since.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { systemClock } from '../../main/core/adapters/clock';
import { paths as pathsOf } from '../../main/core/paths';
import { settingsSchema } from '../../main/core/settings/schema';
import { createSignals, type Signals } from '../../main/core/signals/signals';

let home: string;
let signals: Signals | null = null;
beforeEach(async () => {
  home = await fsp.mkdtemp(path.join(os.tmpdir(), 'lookout-patterns-'));
});
afterEach(async () => {
  await signals?.dispose();
  signals = null;
  await fsp.rm(home, { recursive: true, force: true });
});

it("a pattern's example lines are the lines its count and sparkline stand for, across a template merge", async () => {
  const file = path.join(home, 'svc.log');
  // The first two users get templates of their own; the third merges them (the oldest id survives), so the
  // line of "news" is stored with an id that now stands for "session closed for user <*>".
  const users = ['cyrus', 'news', 'test', 'root', 'alice'];
  fs.writeFileSync(file, [...users.map((u) => `session closed for user ${u}`), 'disk almost full on /var', 'disk almost full on /tmp'].map((l) => `${l}\n`).join(''));
  const settings = settingsSchema.parse({ services: [{ name: 'svc', url: 'http://127.0.0.1:20000', logs: [file] }], logs: { follow: { pollInterval: '20ms' } } });
  signals = createSignals({
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
  await signals.start();
  const s = signals;
  const nowUs = () => Date.now() * 1000;
  const window = () => ({ service: 'svc', fromUs: nowUs() - 3_600_000_000, toUs: nowUs() + 60_000_000 });
  const end = Date.now() + 20_000;
  while ((await s.handlers['logs:search']({ ...window(), limit: 100 })).lines.length < 7) {
    if (Date.now() > end) throw new Error('timed out waiting for the 7 lines in the store');
    await new Promise((r) => setTimeout(r, 50));
  }

  const w = window();
  const { patterns } = await s.handlers['logs:patterns']({ ...w, buckets: 10 });
  const session = patterns.find((p) => p.template === 'session closed for user <*>');
  expect(session, JSON.stringify(patterns)).toBeDefined();
  expect(session!.count).toBe(5);
  expect(session!.counts.reduce((a, b) => a + b, 0)).toBe(5);
  // Stored with two different ids (the merge happened after "news" was stored): the contract's one id finds all.
  const all = (await s.handlers['logs:search']({ ...w, limit: 100 })).lines.filter((l) => l.message.startsWith('session'));
  expect(new Set(all.map((l) => l.templateId)).size).toBe(2);
  const examples = await s.handlers['logs:search']({ ...w, templateId: session!.templateId!, limit: 100 });
  expect(examples.lines.map((l) => l.message).sort()).toEqual(users.map((u) => `session closed for user ${u}`).sort());

  const disk = patterns.find((p) => p.template.startsWith('disk almost full'))!;
  const diskExamples = await s.handlers['logs:search']({ ...w, templateId: disk.templateId!, limit: 100 });
  expect(diskExamples.lines).toHaveLength(disk.count);
  expect(diskExamples.lines.every((l) => l.message.startsWith('disk almost full'))).toBe(true);
}, 60_000);
