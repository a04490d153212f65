import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeNotifier } from './node-notifier';

/**
 * The real node-notifier on Linux runs `notify-send` from PATH; a stand-in script on PATH records its
 * arguments (one JSON array per line), as the end-to-end test does.
 */
describe('createNodeNotifier with a notify-send stand-in on PATH', () => {
  let dir: string;
  let oldPath: string | undefined;
  beforeAll(async () => {
    if (process.platform !== 'linux') throw new Error('this test needs Linux (node-notifier uses notify-send there)');
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-notify-'));
    await writeFile(
      path.join(dir, 'notify-send'),
      `#!/usr/bin/env node\nrequire('fs').appendFileSync(${JSON.stringify(path.join(dir, 'calls.jsonl'))}, JSON.stringify(process.argv.slice(2)) + '\\n');\n`,
    );
    await chmod(path.join(dir, 'notify-send'), 0o755);
    oldPath = process.env.PATH;
    process.env.PATH = `${dir}:${oldPath}`;
  });
  afterAll(async () => {
    process.env.PATH = oldPath;
    await rm(dir, { recursive: true, force: true });
  });

  it('passes title, body and urgency, and keeps shell metacharacters and newlines inert', async () => {
    await createNodeNotifier().notify(
      { id: '1', kind: 'firing', severity: 'critical', title: 'Critical: ServiceDown (llm)', body: 'llm is "down" $(touch /tmp/pwned) `x`\nsecond line', url: null, actions: ['ack'] },
      () => undefined,
    );
    const calls = (await readFile(path.join(dir, 'calls.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(calls).toHaveLength(1);
    const args = calls[0]!;
    expect(args.slice(0, 2)).toEqual(['Critical: ServiceDown (llm)', 'llm is "down" $(touch /tmp/pwned) `x` second line']);
    expect(args).toContain('--urgency');
    expect(args[args.indexOf('--urgency') + 1]).toBe('critical');
    expect(args[args.indexOf('--app-name') + 1]).toBe('Lookout');
  });
});
