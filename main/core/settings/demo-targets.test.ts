import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paths as layout } from '../paths';
import { prometheusConfig } from '../prometheus/component';
import { createDemoTargets, demoFileSchema, demoFilePath, mergeDemoTargets, readDemoFile, removeDemoFileSync, writeDemoFile, type DemoFileInput } from './demo-targets';
import { settingsSchema } from './schema';

const demo = (over: Partial<DemoFileInput> = {}): DemoFileInput => ({
  version: 1,
  pid: process.pid,
  startedAt: '2025-01-01T00:00:00.000Z',
  services: [
    { name: 'llm', url: 'http://127.0.0.1:4101', labels: { demo: 'true' }, ipc: [{ transport: 'http', url: 'http://127.0.0.1:4101/healthz' }] },
    { name: 'memory', url: 'http://127.0.0.1:4102', labels: { demo: 'true' }, ipc: [{ transport: 'unix', path: '/tmp/m.sock', protocol: 'ndjson' }] },
  ],
  ...over,
});

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'lookout-demo-targets-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('the demo file', () => {
  it('is absent without a demo, and read back as written', async () => {
    expect(await readDemoFile(home)).toEqual({ demo: null, problem: null });
    await writeDemoFile(home, demo());
    const { demo: read, problem } = await readDemoFile(home);
    expect(problem).toBeNull();
    expect(read?.services.map((s) => [s.name, s.metricsPath, s.ipc[0]?.transport])).toEqual([['llm', '/metrics', 'http'], ['memory', '/metrics', 'unix']]);
  });

  it('is ignored, with a reason naming the file and field, when broken or stale', async () => {
    const file = demoFilePath(home);
    await writeFile(file, '{not json');
    expect((await readDemoFile(home)).problem).toContain(`${file} is not valid JSON`);
    await writeFile(file, JSON.stringify({ ...demo(), services: [{ name: 'llm', url: 'ftp://x' }] }));
    expect((await readDemoFile(home)).problem).toMatch(/services\[0\]\.url/);
    await writeFile(file, JSON.stringify(demo({ pid: 999_999_999 })));
    const stale = await readDemoFile(home, () => false);
    expect(stale.demo).toBeNull();
    expect(stale.problem).toContain('is stale: lookout demo (pid 999999999) is not running');
  });

  it('is removed only by the demo that wrote it', async () => {
    await writeDemoFile(home, demo({ pid: 424242 }));
    removeDemoFileSync(home, process.pid);
    expect(JSON.parse(await readFile(demoFilePath(home), 'utf8')).pid).toBe(424242);
    removeDemoFileSync(home, 424242);
    await expect(readFile(demoFilePath(home), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

describe('mergeDemoTargets', () => {
  it('adds the demo services as scrape jobs with their labels', async () => {
    await writeDemoFile(home, demo());
    const { demo: d } = await readDemoFile(home);
    const settings = settingsSchema.parse({});
    const { settings: merged, skipped } = mergeDemoTargets(settings, d);
    expect(skipped).toEqual([]);
    const jobs = (prometheusConfig(merged, { secretsDir: '/home/me/secrets' }).scrape_configs as Array<{ job_name: string; static_configs: Array<{ targets: string[]; labels?: Record<string, string> }> }>).filter((j) => j.job_name === 'llm' || j.job_name === 'memory');
    expect(jobs).toEqual([
      expect.objectContaining({ job_name: 'llm', metrics_path: '/metrics', static_configs: [{ targets: ['127.0.0.1:4101'], labels: { demo: 'true' } }] }),
      expect.objectContaining({ job_name: 'memory', static_configs: [{ targets: ['127.0.0.1:4102'], labels: { demo: 'true' } }] }),
    ]);
    // The settings in force are not changed.
    expect(settings.services).toEqual([]);
  });

  it('leaves out a demo job the user already has, and rejects names the schema rejects', async () => {
    const settings = settingsSchema.parse({ services: [{ name: 'llm', url: 'http://127.0.0.1:9999' }] });
    const parsed = demoFileSchema.parse(demo());
    const { settings: merged, skipped } = mergeDemoTargets(settings, parsed);
    expect(merged.services.map((s) => [s.name, s.url])).toEqual([['llm', 'http://127.0.0.1:9999'], ['memory', 'http://127.0.0.1:4102']]);
    expect(skipped).toEqual(['llm: settings.services already has a job named llm']);
    const reserved = demoFileSchema.parse(demo({ services: [{ name: 'prometheus', url: 'http://127.0.0.1:1' }] }));
    const r = mergeDemoTargets(settingsSchema.parse({}), reserved);
    expect(r.settings.services).toEqual([]);
    expect(r.skipped.join('\n')).toMatch(/services\[0\]\.name: is reserved/);
  });
});

describe('createDemoTargets', () => {
  it('follows the file: targets appear when the demo writes it and go when it is removed', async () => {
    const targets = createDemoTargets(layout(home), pino({ level: 'silent' }));
    await targets.load();
    const base = settingsSchema.parse({});
    expect(targets.apply(base)).toBe(base);
    let changes = 0;
    const stop = targets.watch(() => changes++);
    try {
      await writeDemoFile(home, demo());
      for (let i = 0; i < 100 && changes < 1; i++) await new Promise((r) => setTimeout(r, 20));
      expect(changes).toBe(1);
      const merged = targets.apply(base);
      expect(merged.services.map((s) => s.name)).toEqual(['llm', 'memory']);
      expect(targets.apply(base)).toBe(merged);
      removeDemoFileSync(home, process.pid);
      for (let i = 0; i < 100 && changes < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(changes).toBe(2);
      expect(targets.apply(base).services).toEqual([]);
    } finally {
      stop();
    }
  });
});
