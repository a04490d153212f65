import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSecrets } from './file-secrets';

describe('createFileSecrets', () => {
  let dir: string;
  beforeEach(async () => {
    dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'lookout-secrets-')), 'secrets');
  });
  afterEach(() => rm(path.dirname(dir), { recursive: true, force: true }));

  it('writes each secret as a 0600 file in a 0700 dir, exactly as given, and reports only whether it is set', async () => {
    const secrets = createFileSecrets(dir);
    expect(await secrets.status()).toEqual({ slackUrl: false, smtpPassword: false, webhookToken: false });
    await secrets.set('smtpPassword', 'hunter2');
    expect(await readFile(path.join(dir, 'alert-smtp-password'), 'utf8')).toBe('hunter2');
    expect((await stat(path.join(dir, 'alert-smtp-password'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await secrets.status()).toEqual({ slackUrl: false, smtpPassword: true, webhookToken: false });
    await secrets.clear('smtpPassword');
    expect(await secrets.status()).toEqual({ slackUrl: false, smtpPassword: false, webhookToken: false });
    await secrets.clear('smtpPassword');
  });
});
