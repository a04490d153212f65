import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupArchiveError, describeFiles, packArchive, readManifest, unpackVerified, verifyArchive, writeJson } from './archive';
import { MANIFEST_FILE, type Manifest } from './manifest';
import { decryptSecrets, encryptSecrets } from './secrets-crypto';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-archive-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const contents: Manifest['contents'] = {
  settings: { included: true },
  stack: { included: false, reason: 'r' },
  prometheus: { included: false, reason: 'r' },
  grafana: { included: false, reason: 'r' },
  telemetry: { included: false, reason: 'r' },
  secrets: { included: false, reason: 'r' },
};

async function staging(files: Record<string, string>): Promise<string> {
  const s = path.join(dir, 'staging');
  for (const [p, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(s, p)), { recursive: true });
    await writeFile(path.join(s, p), content);
  }
  const manifest: Manifest = { format: 'lookout-backup', version: 1, id: '20250101T000000Z-abcd', created: '2025-01-01T00:00:00.000Z', lookoutVersion: 't', contents, files: await describeFiles(s) };
  await writeJson(path.join(s, MANIFEST_FILE), manifest);
  return s;
}

describe('backup archives', () => {
  it('round-trips: manifest first (list reads only it), every file verified', async () => {
    const s = await staging({ 'settings.json': '{}', 'prometheus/01/index': 'x'.repeat(10_000) });
    const file = path.join(dir, 'a.tar.gz');
    await packArchive(s, file);
    expect((await readManifest(file)).files.map((f) => f.path)).toEqual(['prometheus/01/index', 'settings.json']);
    const out = path.join(dir, 'out');
    await unpackVerified(file, out);
    expect(await readFile(path.join(out, 'prometheus/01/index'), 'utf8')).toBe('x'.repeat(10_000));
  });

  it('refuses a file the manifest does not list, one it lists but is missing, and a changed one', async () => {
    const s = await staging({ 'settings.json': '{}', 'stack/prometheus.yml': 'a' });
    await writeFile(path.join(s, 'extra'), 'smuggled');
    await writeFile(path.join(s, 'stack/prometheus.yml'), 'b');
    await rm(path.join(s, 'settings.json'));
    const file = path.join(dir, 'b.tar.gz');
    await packArchive(s, file);
    const err = await verifyArchive(file).catch((e: Error) => e);
    expect(err).toBeInstanceOf(BackupArchiveError);
    expect((err as Error).message).toMatch(/settings\.json is missing; stack\/prometheus\.yml: sha256 differs from the manifest; extra is not in the manifest$/);
  });

  it('refuses links and paths outside the archive before writing anything', async () => {
    const s = await staging({ 'settings.json': '{}' });
    await symlink('/etc/passwd', path.join(s, 'link'));
    const file = path.join(dir, 'c.tar.gz');
    await tar.c({ gzip: true, cwd: s, file }, [MANIFEST_FILE, 'settings.json', 'link']);
    await expect(verifyArchive(file)).rejects.toThrow(/link: SymbolicLink entries are not allowed/);
    const out = path.join(dir, 'out');
    await expect(unpackVerified(file, out)).rejects.toThrow(BackupArchiveError);
    await expect(readFile(path.join(out, 'settings.json'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses an archive whose first entry is not the manifest', async () => {
    const s = await staging({ 'settings.json': '{}' });
    const file = path.join(dir, 'd.tar.gz');
    await tar.c({ gzip: true, cwd: s, file }, ['settings.json', MANIFEST_FILE]);
    await expect(readManifest(file)).rejects.toThrow(/first entry is settings\.json/);
    await expect(verifyArchive(file)).rejects.toThrow(/no manifest\.json as its first entry|not in the manifest/);
  });
});

describe('secrets encryption', () => {
  it('round-trips; a wrong passphrase and a changed byte both fail with the reason', async () => {
    const files = { 'slack-url': Buffer.from('https://hooks.slack.com/services/x'), 'grafana-secret-key': Buffer.from([0, 1, 2, 255]) };
    const env = await encryptSecrets(files, 'long enough passphrase');
    expect(env.toString()).not.toContain('hooks.slack.com');
    expect(await decryptSecrets(env, 'long enough passphrase')).toEqual(files);
    await expect(decryptSecrets(env, 'another passphrase!')).rejects.toThrow(/wrong passphrase, or the archive was changed/);
    const doc = JSON.parse(env.toString()) as { data: string };
    const data = Buffer.from(doc.data, 'base64');
    data[0]! ^= 1;
    await expect(decryptSecrets(Buffer.from(JSON.stringify({ ...doc, data: data.toString('base64') })), 'long enough passphrase')).rejects.toThrow(/wrong passphrase, or the archive was changed/);
    await expect(encryptSecrets(files, 'short')).rejects.toThrow(/at least 8 characters/);
  });
});
