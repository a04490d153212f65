import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { paths as homePaths } from './paths';
import { ensureToken, ensureWebhookToken } from './secrets';

describe('ensureToken', () => {
  let dir: string;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates a 32-byte base64url token once (dir 0700, file 0600) and reuses it', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-token-'));
    const paths = homePaths(dir);
    const first = await ensureToken(paths);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    expect((await stat(paths.tokenFile)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(paths.tokenFile))).mode & 0o777).toBe(0o700);
    expect(await readFile(paths.tokenFile, 'utf8')).toBe(first);
    expect(await ensureToken(paths)).toBe(first);
    // Another home gets its own token.
    expect(await ensureToken(homePaths(path.join(dir, 'other-home')))).not.toBe(first);
  });

  it('tightens an existing secrets dir and replaces an unusable token file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-token-'));
    const paths = homePaths(dir);
    await mkdir(path.dirname(paths.tokenFile), { recursive: true, mode: 0o755 });
    await writeFile(paths.tokenFile, 'short\n', { mode: 0o644 });
    const token = await ensureToken(paths);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(paths.tokenFile)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(paths.tokenFile))).mode & 0o777).toBe(0o700);
  });

  it('keeps the webhook token apart from the API token, where alertmanager.yml expects it', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-token-'));
    const paths = homePaths(dir);
    const api = await ensureToken(paths);
    const webhook = await ensureWebhookToken(paths);
    expect(webhook).not.toBe(api);
    expect(await readFile(path.join(paths.secretsDir, 'webhook-token'), 'utf8')).toBe(webhook);
  });
});
