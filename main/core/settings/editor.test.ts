import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fieldPath } from '../../../common/field-path';
import { createSettingsEditor, SettingsFileError, updateSettingsFile } from './editor';
import { lockDir, unlockDir } from '../../../test/support/locked-dir';
import { defaultSettings } from './schema';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-editor-'));
  file = path.join(dir, 'settings.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('updateSettingsFile', () => {
  it('applies a valid edit to the document as written, keeping it short, and writes it 0600', async () => {
    await writeFile(file, JSON.stringify({ services: [{ name: 'llm', url: 'http://127.0.0.1:8080' }] }));
    const result = await updateSettingsFile({ settings: file }, [{ path: ['stack', 'scrapeInterval'], value: '5s' }], defaultSettings());
    expect(result.ok).toBe(true);
    if (result.ok) expect((result.settings as { stack: { scrapeInterval: string } }).stack.scrapeInterval).toBe('5s');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ services: [{ name: 'llm', url: 'http://127.0.0.1:8080' }], stack: { scrapeInterval: '5s' } });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('rejects an invalid value with an issue for that field and leaves the file untouched', async () => {
    const before = JSON.stringify({ lookout: { port: 9469 } });
    await writeFile(file, before);
    const result = await updateSettingsFile({ settings: file }, [{ path: ['stack', 'components', 'prometheus', 'port'], value: 'ninety' }], defaultSettings());
    expect(result).toEqual({ ok: false, issues: [{ path: 'stack.components.prometheus.port', message: expect.stringMatching(/number/) }] });
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('names fields inside lists, removes a field with undefined, and refuses prototype paths', async () => {
    await writeFile(file, JSON.stringify({ services: [{ name: 'llm', url: 'http://127.0.0.1:8080' }], stack: { scrapeInterval: '7s' } }));
    const bad = await updateSettingsFile({ settings: file }, [{ path: ['services', 0, 'url'], value: 'not a url' }], defaultSettings());
    expect(bad.ok === false && bad.issues[0]!.path).toBe('services[0].url');
    const removed = await updateSettingsFile({ settings: file }, [{ path: ['stack', 'scrapeInterval'], value: undefined }], defaultSettings());
    expect(removed.ok && (removed.settings as { stack: { scrapeInterval: string } }).stack.scrapeInterval).toBe('5s');
    const evil = await updateSettingsFile({ settings: file }, [{ path: ['__proto__', 'polluted'], value: true }], defaultSettings());
    expect(evil).toEqual({ ok: false, issues: [{ path: '__proto__.polluted', message: 'not a settings field' }] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('adds an IPC endpoint the way the popover sends it, naming the field a refused one got wrong', async () => {
    await writeFile(file, JSON.stringify({ services: [{ name: 'llm', url: 'http://127.0.0.1:8080' }] }));
    const remote = await updateSettingsFile({ settings: file }, [{ path: ['services', 0, 'ipc', 0], value: { name: 'api', address: '10.0.0.5:8081' } }], defaultSettings());
    expect(remote.ok === false && remote.issues.map((i) => i.path)).toEqual(['services[0].ipc[0].address']);
    const local = await updateSettingsFile({ settings: file }, [{ path: ['services', 0, 'ipc', 0], value: { name: 'api', address: '127.0.0.1:8081' } }], defaultSettings());
    expect(local.ok).toBe(true);
    expect(JSON.parse(await readFile(file, 'utf8')).services[0].ipc).toEqual([{ name: 'api', address: '127.0.0.1:8081' }]);
  });

  it('starts from the settings in force when the file is not JSON', async () => {
    await writeFile(file, '{ broken');
    const result = await updateSettingsFile({ settings: file }, [{ path: ['lookout', 'port'], value: 9470 }], defaultSettings());
    expect(result.ok).toBe(true);
    expect(JSON.parse(await readFile(file, 'utf8')).lookout.port).toBe(9470);
  });
});

describe('createSettingsEditor', () => {
  it('serialises concurrent saves: every accepted change of 12 lands, and the file stays valid JSON', async () => {
    await writeFile(file, JSON.stringify({ services: [] }));
    const editor = createSettingsEditor({ settings: file });
    const names = Array.from({ length: 12 }, (_, i) => `svc${i}`);
    // Different fields each (one service per save), all at once, as 12 concurrent API calls would.
    const results = await Promise.all(
      names.map((name, i) => editor.update([{ path: ['services', i], value: { name, url: `http://127.0.0.1:${8000 + i}` } }], defaultSettings())),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { services: Array<{ name: string }> };
    expect(saved.services.map((s) => s.name)).toEqual(names);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a field removed through an edit without a value gets its default back', async () => {
    await writeFile(file, JSON.stringify({ stack: { scrapeInterval: '9s' } }));
    const result = await createSettingsEditor({ settings: file }).update([{ path: ['stack', 'scrapeInterval'] }], defaultSettings());
    expect(result.ok && (result.settings as { stack: { scrapeInterval: string } }).stack.scrapeInterval).toBe('5s');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ stack: {} });
  });

  it('an unwritable settings.json is an error naming the file, and no temp file is left behind', async () => {
    const before = JSON.stringify({ stack: { scrapeInterval: '9s' } });
    await writeFile(file, before);
    // Root ignores file modes, so an immutable directory is the unwritable case that holds for everyone here.
    lockDir(dir);
    try {
      await expect(createSettingsEditor({ settings: file }).update([{ path: ['stack', 'scrapeInterval'], value: '7s' }], defaultSettings())).rejects.toThrow(
        new RegExp(`cannot save ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*(EPERM|EACCES)`),
      );
      await expect(createSettingsEditor({ settings: file }).update([{ path: ['stack', 'scrapeInterval'], value: '7s' }], defaultSettings())).rejects.toBeInstanceOf(SettingsFileError);
    } finally {
      unlockDir(dir);
    }
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['settings.json']);
  });
});

describe('fieldPath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(fieldPath(['services', 2, 'labels', 'team'])).toBe('services[2].labels.team');
    expect(fieldPath([])).toBe('(root)');
  });
});
