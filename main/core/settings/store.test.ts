import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paths as makePaths, type Paths } from '../paths';
import { defaultSettings, type Settings } from './schema';
import { createSettingsStore, jsonErrorOffset, parseSettings } from './store';

const logger = pino({ level: 'silent' });
let home: string;
let paths: Paths;

const write = (value: unknown) => fs.writeFile(paths.settings, typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/** Poll until `fn` returns true (file watching is asynchronous and debounced). */
async function until(fn: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'lookout-settings-'));
  paths = makePaths(home);
});
afterEach(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

describe('parseSettings', () => {
  it('reports the JSON error with line and column', () => {
    const r = parseSettings('{\n  "lookout": {\n    "port": 9469,\n  }\n}', '/x/settings.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^\/x\/settings\.json is not valid JSON at line 4, column 3: /);
  });

  it('finds the offending character even when V8 names no position', () => {
    const text = '{"a": t}';
    expect(() => JSON.parse(text)).toThrow(/^Unexpected token/);
    expect(jsonErrorOffset(text)).toBe(7); // the '}' after the start of `true`
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9);
    expect(jsonErrorOffset('{"a": 1')).toBe(7); // ends too early: the end of the text
  });

  it('names every bad field', () => {
    const r = parseSettings(JSON.stringify({ lookout: { port: 'high' }, stack: { scrapeInterval: 'often' } }), 'settings.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(/^settings\.json has invalid settings:/);
    expect(r.error).toMatch(/lookout\.port: /);
    expect(r.error).toMatch(/stack\.scrapeInterval: must be a Prometheus duration/);
  });

  it('names an unknown field', () => {
    const r = parseSettings(JSON.stringify({ stack: { scrapeIntervall: '5s' } }), 'settings.json');
    expect(!r.ok && r.error).toMatch(/stack: .*"scrapeIntervall"/);
  });

  it('treats an empty file as an error', () => {
    expect(parseSettings('  \n', 'settings.json')).toEqual({ ok: false, error: 'settings.json is empty' });
  });
});

describe('createSettingsStore', () => {
  it('writes pretty-printed defaults when the file is missing, creating the home dir', async () => {
    paths = makePaths(path.join(home, 'nested', 'home'));
    const store = createSettingsStore(paths, logger);
    await store.load();
    expect(store.current()).toEqual(defaultSettings());
    expect(store.error()).toBeNull();
    const text = await fs.readFile(paths.settings, 'utf8');
    // Two-space indentation, one key per line, so the file reads well when a user opens it.
    expect(text).toContain('\n  "lookout": {\n    "port": 9469,\n');
    expect(JSON.parse(text)).toEqual(defaultSettings());
  });

  it('loads a valid file', async () => {
    await write({ stack: { scrapeInterval: '5s' } });
    const store = createSettingsStore(paths, logger);
    await store.load();
    expect(store.current().stack.scrapeInterval).toBe('5s');
    expect(store.error()).toBeNull();
  });

  it('keeps the defaults on invalid JSON at first load, and leaves the file alone', async () => {
    await write('{ "lookout": ');
    const store = createSettingsStore(paths, logger);
    await store.load();
    expect(store.current()).toEqual(defaultSettings());
    expect(store.error()).toContain(`${paths.settings} is not valid JSON at line 1, column 14: Unexpected end of JSON input`);
    expect(store.error()).toContain('The default settings are in force.');
    expect(await fs.readFile(paths.settings, 'utf8')).toBe('{ "lookout": ');
  });

  it('keeps the last valid settings when the file turns invalid (wrong type, unknown field)', async () => {
    await write({ lookout: { port: 9500 } });
    const store = createSettingsStore(paths, logger);
    await store.load();
    await write({ lookout: { port: '9600' }, stack: { colour: 'blue' } });
    await store.load();
    expect(store.current().lookout.port).toBe(9500);
    const error = store.error()!;
    expect(error).toContain(paths.settings);
    expect(error).toMatch(/lookout\.port: /);
    expect(error).toMatch(/stack: .*"colour"/);
    expect(error).toContain('The last valid settings stay in force.');
    await write({ lookout: { port: 9600 } });
    await store.load();
    expect(store.current().lookout.port).toBe(9600);
    expect(store.error()).toBeNull();
  });

  it('watch: picks up edits, reports errors once, ignores no-op saves and other files, recovers', async () => {
    await write({ stack: { scrapeInterval: '15s' } });
    const store = createSettingsStore(paths, logger);
    await store.load();
    const changes: Settings[] = [];
    const errors: string[] = [];
    const stop = store.watch((s) => changes.push(s), (m) => errors.push(m));
    try {
      await write({ stack: { scrapeInterval: '5s' } });
      await until(() => changes.length === 1, 'the first change');
      expect(changes[0]!.stack.scrapeInterval).toBe('5s');
      expect(store.current().stack.scrapeInterval).toBe('5s');

      // Same settings, different formatting: not a change.
      await write(JSON.stringify({ stack: { scrapeInterval: '5s' } }));
      await fs.writeFile(path.join(home, 'other.json'), '{}');
      await new Promise((r) => setTimeout(r, 600));
      expect(changes).toHaveLength(1);

      await write({ stack: { scrapeInterval: 'sometimes' } });
      await until(() => errors.length === 1, 'the error');
      expect(errors[0]).toMatch(/stack\.scrapeInterval: must be a Prometheus duration/);
      expect(store.error()).toBe(errors[0]);
      expect(store.current().stack.scrapeInterval).toBe('5s');
      await write({ stack: { scrapeInterval: 'sometimes' } }); // same problem again: not reported twice
      await new Promise((r) => setTimeout(r, 600));
      expect(errors).toHaveLength(1);

      // Back to the settings in force: no change, but the error clears and listeners hear about it.
      await write({ stack: { scrapeInterval: '5s' } });
      await until(() => changes.length === 2, 'the recovery');
      expect(store.error()).toBeNull();
    } finally {
      stop();
    }
  });

  it('watch: follows an editor that saves by renaming a new file over the old one', async () => {
    await write({});
    const store = createSettingsStore(paths, logger);
    await store.load();
    const changes: Settings[] = [];
    const stop = store.watch((s) => changes.push(s), () => undefined);
    try {
      for (const port of [9501, 9502]) {
        const tmp = path.join(home, `.settings.json.${port}.swp`);
        await fs.writeFile(tmp, JSON.stringify({ lookout: { port } }));
        await fs.rename(tmp, paths.settings);
        await until(() => changes.at(-1)?.lookout.port === port, `port ${port}`);
      }
      expect(changes.map((s) => s.lookout.port)).toEqual([9501, 9502]);
    } finally {
      stop();
    }
  });

  it('watch: debounces a burst of writes into one change', async () => {
    await write({});
    const store = createSettingsStore(paths, logger);
    await store.load();
    const changes: Settings[] = [];
    const stop = store.watch((s) => changes.push(s), () => undefined);
    try {
      for (let i = 1; i <= 5; i++) {
        await write({ lookout: { port: 9600 + i } });
        await new Promise((r) => setTimeout(r, 20));
      }
      await until(() => changes.length >= 1, 'the change');
      await new Promise((r) => setTimeout(r, 500));
      expect(changes.map((s) => s.lookout.port)).toEqual([9605]);
    } finally {
      stop();
    }
  });

  it('watch: stops reporting after the returned function is called', async () => {
    await write({});
    const store = createSettingsStore(paths, logger);
    await store.load();
    const changes: Settings[] = [];
    store.watch((s) => changes.push(s), () => undefined)();
    await write({ lookout: { port: 9700 } });
    await new Promise((r) => setTimeout(r, 500));
    expect(changes).toEqual([]);
  });
});
