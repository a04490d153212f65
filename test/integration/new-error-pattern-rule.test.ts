/**
 * The NewErrorPattern rule (main/core/logs/analysis/new-error-pattern-rule.ts) under the real promtool:
 * `promtool check rules` accepts it, and test/promtool/logs/NewErrorPattern.test.yml shows it firing at
 * the first new pattern, staying up for the window, resolving after it, and quiet for flat counters and
 * counter resets. Until the lead renders this rule into rules/lookout.yml, it is rendered alone here.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { newErrorPatternRuleFile } from '../../main/core/logs/analysis/new-error-pattern-rule';

const TEST_FILE = path.resolve(import.meta.dirname, '..', 'promtool', 'logs', 'NewErrorPattern.test.yml');

function promtool(args: string[], cwd: string): { code: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool is not installed or not runnable (${r.error.message}): apt-get install prometheus / brew install prometheus`);
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

async function renderInto(dir: string, window?: string) {
  await writeFile(path.join(dir, 'new-error-pattern.yml'), stringify(newErrorPatternRuleFile(window), { lineWidth: 0 }));
  await copyFile(TEST_FILE, path.join(dir, 'NewErrorPattern.test.yml'));
}

describe('NewErrorPattern under promtool', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-promtool-logs-'));
    await renderInto(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('promtool check rules accepts the rule', () => {
    const r = promtool(['check', 'rules', 'new-error-pattern.yml'], dir);
    expect(r.output).toMatch(/SUCCESS: 1 rules found/);
    expect(r.code).toBe(0);
  });

  it('promtool test rules passes: fires, holds for the window, resolves, stays quiet on flat counters and resets', () => {
    const r = promtool(['test', 'rules', 'NewErrorPattern.test.yml'], dir);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });

  it('the test catches a wrong rule: with a 1m window it fails', async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'lookout-promtool-logs-'));
    try {
      await renderInto(other, '1m');
      const r = promtool(['test', 'rules', 'NewErrorPattern.test.yml'], other);
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/FAILED/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
