import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSecrets } from '../adapters/file-secrets';
import { BadRequestError } from '../api';
import { secretFile } from './secret-files';
import { secretsHandlers } from './secrets-handlers';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-secrets-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The real 0600-file store in a temp dir. */
const fileSecrets = () => createFileSecrets(dir);

describe('secretsHandlers', () => {
  it('stores a trimmed secret, re-applies the configs, and answers only which are set', async () => {
    const secrets = fileSecrets();
    let reapplied = 0;
    const h = secretsHandlers({ secrets, logger: pino({ level: 'silent' }), reapply: async () => void reapplied++ });
    expect(await h['secrets:set']({ name: 'webhookToken', value: '  s3cret \n' })).toEqual({ slackUrl: false, smtpPassword: false, webhookToken: true });
    expect(await readFile(secretFile(dir, 'webhookToken'), 'utf8')).toBe('s3cret');
    expect(await h['secrets:clear']({ name: 'webhookToken' })).toEqual({ slackUrl: false, smtpPassword: false, webhookToken: false });
    expect(reapplied).toBe(2);
  });

  it('refuses a bad value with a 400 naming the settings field, and stores nothing', async () => {
    const secrets = fileSecrets();
    const h = secretsHandlers({ secrets, logger: pino({ level: 'silent' }), reapply: async () => undefined });
    const err = await h['secrets:set']({ name: 'slackUrl', value: 'line one\nline two' }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toBe('alerts.receivers.slack (secret slackUrl): must be one line');
    expect(await secrets.status()).toEqual({ slackUrl: false, smtpPassword: false, webhookToken: false });
  });
});
