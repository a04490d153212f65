/**
 * Lookout's rules and routes checked by the real promtool and amtool:
 * - `promtool test rules` runs test/promtool/<Alert>.test.yml against rules/lookout.yml rendered from the
 *   default settings: every alert rule fires when it should, stays quiet when it should not, and
 *   honours its `for:` edge (quiet one evaluation before it, firing at it);
 * - `promtool check rules` / `check config` and `amtool check-config` accept what Lookout renders;
 * - `amtool config routes test` shows each severity reaching exactly the receivers the settings choose.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { durationMs } from '../../main/core/settings/prom-units';
import { ALERT_NAMES, alertRules } from '../../main/core/alerts/rules';
import { receiversFor } from '../../main/core/alerts/routing';
import { paths as makePaths } from '../../main/core/paths';
import { defaultSettings, settingsSchema, type SettingsInput } from '../../main/core/settings/schema';
import { renderStack } from '../../main/core/stack/render';

const TESTS_DIR = path.resolve(import.meta.dirname, '..', 'promtool');

function tool(name: string, args: string[], cwd: string): { code: number | null; output: string } {
  const r = spawnSync(name, args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`${name} is not installed or not runnable (${r.error.message}): apt-get install prometheus prometheus-alertmanager / brew install prometheus alertmanager`);
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** Render the stack for settings into a fresh dir (the layout Prometheus and Alertmanager read). */
async function renderInto(dir: string, input: SettingsInput = {}): Promise<void> {
  const paths = makePaths(path.join(dir, 'home'));
  for (const f of renderStack(settingsSchema.parse(input), paths)) {
    await mkdir(path.dirname(path.join(dir, f.path)), { recursive: true });
    await writeFile(path.join(dir, f.path), f.content);
  }
}

interface PromtoolTest {
  name?: string;
  alert_rule_test?: Array<{ eval_time: string; alertname: string; exp_alerts?: unknown[] }>;
}

describe('alert rules under promtool', () => {
  let dir: string;
  let testFiles: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-promtool-'));
    await renderInto(dir);
    // promtool resolves rule_files relative to the test file: put both side by side.
    await copyFile(path.join(dir, 'rules', 'lookout.yml'), path.join(dir, 'lookout.yml'));
    testFiles = (await readdir(TESTS_DIR)).filter((f) => f.endsWith('.test.yml')).sort();
    for (const f of testFiles) await copyFile(path.join(TESTS_DIR, f), path.join(dir, f));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('promtool check rules and check config accept the rendered files', () => {
    const rules = tool('promtool', ['check', 'rules', 'rules/lookout.yml'], dir);
    expect(rules.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(rules.code).toBe(0);
    const config = tool('promtool', ['check', 'config', 'prometheus.yml'], dir);
    expect(config.code, config.output).toBe(0);
  });

  it('there is one test file per alert rule, and nothing else', () => {
    expect(testFiles).toEqual([...ALERT_NAMES].sort().map((n) => `${n}.test.yml`));
  });

  for (const name of ALERT_NAMES) {
    const what = name === 'Watchdog' ? 'firing from the first evaluation (it has no for:)' : 'with a firing case, a quiet case and its for: edge';
    it(`${name}: promtool test rules passes, ${what}`, async () => {
      const file = `${name}.test.yml`;
      const doc = parse(await readFile(path.join(TESTS_DIR, file), 'utf8')) as { evaluation_interval: string; tests: PromtoolTest[] };
      const cases = doc.tests.flatMap((t) => t.alert_rule_test ?? []).filter((c) => c.alertname === name);
      expect(cases.some((c) => (c.exp_alerts ?? []).length > 0), 'a case where it fires').toBe(true);

      const rule = alertRules(defaultSettings()).find((r) => r.alert === name)!;
      if (rule.for) {
        expect(cases.some((c) => !(c.exp_alerts ?? []).length), 'a case where it stays quiet').toBe(true);
        // The edge: within one test, quiet one evaluation before a time where it fires.
        const step = durationMs(doc.evaluation_interval);
        const edge = doc.tests.some((t) => {
          const mine = (t.alert_rule_test ?? []).filter((c) => c.alertname === name);
          return mine.some((fires) => (fires.exp_alerts ?? []).length && mine.some((quiet) => !(quiet.exp_alerts ?? []).length && durationMs(fires.eval_time) - durationMs(quiet.eval_time) === step));
        });
        expect(edge, `a quiet case ${doc.evaluation_interval} before a firing one (the for: edge)`).toBe(true);
      }

      const r = tool('promtool', ['test', 'rules', file], dir);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toContain('SUCCESS');
    });
  }

  const wrongRules: Array<[string, SettingsInput]> = [
    ['ServiceDown for: 1m', { alerts: { rules: { ServiceDown: { for: '1m' } } } }],
    // No for: to check, so the window is what its test pins down.
    ['NewErrorPattern window 1m', { alerts: { rules: { NewErrorPattern: { window: '1m' } } } }],
  ];
  for (const [what, input] of wrongRules) {
    it(`the tests catch a wrong rule: with ${what} its test fails`, async () => {
      const name = what.split(' ')[0]!;
      const other = await mkdtemp(path.join(os.tmpdir(), 'lookout-promtool-'));
      try {
        await renderInto(other, input);
        await copyFile(path.join(other, 'rules', 'lookout.yml'), path.join(other, 'lookout.yml'));
        await copyFile(path.join(TESTS_DIR, `${name}.test.yml`), path.join(other, `${name}.test.yml`));
        const r = tool('promtool', ['test', 'rules', `${name}.test.yml`], other);
        expect(r.code).not.toBe(0);
        expect(r.output).toMatch(/FAILED/);
      } finally {
        await rm(other, { recursive: true, force: true });
      }
    });
  }
});

describe('Alertmanager routes under amtool', () => {
  const cases: Array<{ name: string; settings: SettingsInput; expected: Record<'critical' | 'warning' | 'info', string[]> }> = [
    { name: 'defaults: desktop for critical and warning, nothing external', settings: {}, expected: { critical: ['desktop'], warning: ['desktop'], info: ['lookout'] } },
    {
      name: 'every receiver on, each for its own severities',
      settings: {
        alerts: {
          receivers: {
            desktop: { severities: ['critical'] },
            slack: { severities: ['critical', 'warning'] },
            email: { severities: ['critical'], to: 'me@example.com', from: 'lookout@example.com', smarthost: 'smtp.example.com:587', username: 'me' },
            webhook: { severities: ['warning', 'info'], url: 'https://example.com/hook', sendToken: true },
          },
        },
      },
      expected: { critical: ['desktop', 'slack', 'email'], warning: ['lookout', 'slack', 'webhook'], info: ['lookout', 'webhook'] },
    },
    {
      name: 'desktop off, everything to Slack',
      settings: { alerts: { receivers: { desktop: { severities: [] }, slack: { severities: ['critical', 'warning', 'info'] } } } },
      expected: { critical: ['lookout', 'slack'], warning: ['lookout', 'slack'], info: ['lookout', 'slack'] },
    },
  ];

  for (const c of cases) {
    it(`${c.name}: check-config passes and each severity reaches exactly the chosen receivers`, async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-amtool-'));
      try {
        await renderInto(dir, c.settings);
        const check = tool('amtool', ['check-config', 'alertmanager.yml'], dir);
        expect(check.code, check.output).toBe(0);
        for (const severity of ['critical', 'warning', 'info'] as const) {
          const r = tool('amtool', ['config', 'routes', 'test', '--config.file=alertmanager.yml', `severity=${severity}`, 'alertname=ServiceDown', 'job=llm'], dir);
          expect(r.code, r.output).toBe(0);
          const receivers = r.output.split('\n').filter((l) => !l.startsWith('Warning:')).join('').trim().split(',');
          expect(receivers, severity).toEqual(c.expected[severity]);
          expect(receivers, `${severity} matches receiversFor()`).toEqual(receiversFor(settingsSchema.parse(c.settings), severity));
        }
        // The Watchdog only ever reaches Lookout, whatever the settings.
        const watchdog = tool('amtool', ['config', 'routes', 'test', '--config.file=alertmanager.yml', 'alertname=Watchdog', 'severity=info'], dir);
        expect(watchdog.output.split('\n').filter((l) => !l.startsWith('Warning:')).join('').trim()).toBe('lookout');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
