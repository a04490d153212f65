/**
 * The real node-notifier with no notify-send on PATH (issue 16.9): its first and later failures are
 * worded differently by the library; Lookout reports one wording both times, with the install
 * command of the platform. A file of its own, because node-notifier caches the miss for the process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeNotifier, notifierError } from './node-notifier';
import { installAdvice, toolNotFound } from '../missing-tool';

const n = { id: '1', kind: 'firing' as const, severity: 'warning' as const, title: 't', body: 'b', url: null, actions: [] };

describe('a missing notify-send', () => {
  let dir: string;
  let oldPath: string | undefined;
  beforeAll(async () => {
    if (process.platform !== 'linux') throw new Error('this test needs Linux (node-notifier uses notify-send there)');
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-no-notify-'));
    oldPath = process.env.PATH;
    process.env.PATH = dir;
  });
  afterAll(async () => {
    process.env.PATH = oldPath;
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the same on the first and on later calls', async () => {
    const notifier = createNodeNotifier({ platform: 'linux' });
    const first = await notifier.notify(n, () => undefined).then(() => 'shown', (e: Error) => e.message);
    const second = await notifier.notify(n, () => undefined).then(() => 'shown', (e: Error) => e.message);
    expect(first).toBe('desktop notification failed: notify-send not found in PATH; install it: apt-get install libnotify-bin');
    expect(second).toBe(first);
  });

  it('names the install command of the platform', () => {
    expect(notifierError('notify-send must be installed on the system.', 'darwin')).toBe('notify-send not found in PATH; install it: brew install libnotify');
    expect(notifierError('some other failure', 'linux')).toBe('some other failure');
  });
});

describe('install advice follows the platform', () => {
  const cmds = { brew: 'brew install prometheus', apt: 'apt-get install prometheus' };
  it('is Homebrew only on a Mac and apt-get only on Linux', () => {
    expect(installAdvice(cmds, 'darwin')).toBe('brew install prometheus');
    expect(installAdvice(cmds, 'linux')).toBe('apt-get install prometheus');
    expect(installAdvice(cmds, 'freebsd')).toBe('brew install prometheus (macOS) or apt-get install prometheus (Debian, Ubuntu)');
  });
  it('words a missing tool one way', () => {
    expect(toolNotFound('ioreg', { at: '/usr/sbin/ioreg' })).toBe('ioreg not found at /usr/sbin/ioreg');
    expect(toolNotFound('nvidia-smi')).toBe('nvidia-smi not found in PATH');
  });
});
