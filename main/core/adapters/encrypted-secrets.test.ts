import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretCipher } from '../alerts/ports';
import { secretFile } from '../alerts/secret-files';
import { createEncryptedSecrets } from './encrypted-secrets';

const dirs: string[] = [];
afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));
async function secretsDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-enc-'));
  dirs.push(dir);
  return path.join(dir, 'secrets');
}

/** A stand-in for safeStorage: reversible, visibly not the plaintext. */
const cipher = (available = true): SecretCipher => ({
  available: async () => available,
  encrypt: async (plain) => Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`),
  decrypt: async (blob) => Buffer.from(Buffer.from(blob).toString().slice(4), 'hex').toString(),
});

describe('createEncryptedSecrets', () => {
  it('keeps the encrypted copy beside the 0600 file Alertmanager reads, and re-creates that file from it', async () => {
    const dir = await secretsDir();
    const secrets = createEncryptedSecrets(dir, cipher());
    await secrets.set('smtpPassword', 'hunter2');
    const enc = `${secretFile(dir, 'smtpPassword')}.enc`;
    expect(await readFile(enc, 'utf8')).toBe(`enc:${Buffer.from('hunter2').toString('hex')}`);
    expect((await stat(enc)).mode & 0o777).toBe(0o600);
    expect(await readFile(secretFile(dir, 'smtpPassword'), 'utf8')).toBe('hunter2');

    await rm(secretFile(dir, 'smtpPassword'));
    expect((await secrets.status()).smtpPassword).toBe(false);
    await secrets.restore();
    expect(await readFile(secretFile(dir, 'smtpPassword'), 'utf8')).toBe('hunter2');

    await secrets.clear('smtpPassword');
    await expect(stat(enc)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await secrets.status()).smtpPassword).toBe(false);
  });

  it('refuses to store a secret without a cipher to encrypt it (no keychain), and restores nothing', async () => {
    const dir = await secretsDir();
    const secrets = createEncryptedSecrets(dir, cipher(false));
    await expect(secrets.set('slackUrl', 'https://hooks.slack.com/x')).rejects.toThrow('safeStorage encryption is not available');
    await secrets.restore();
    expect((await secrets.status()).slackUrl).toBe(false);
  });
});
