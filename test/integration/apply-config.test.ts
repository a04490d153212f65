import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import { paths as makePaths, type Paths } from '../../main/core/paths';
import { settingsSchema, type SettingsInput } from '../../main/core/settings/schema';
import { ConfigError, applyConfig, stageConfig, validateConfig, type ConfigOptions } from '../../main/core/stack/apply-config';
import { ensureWebhookToken } from '../../main/core/secrets';
import { findBinary } from '../../main/core/stack/binaries';

const runner = createCommandRunner();
let tools: { promtool: string; amtool: string };
let home: string;
let paths: Paths;

const BAD_RULE = { path: 'rules/bad.yml', content: 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: up ==\n' };
const GOOD_RULE = { path: 'rules/extra.yml', content: 'groups:\n  - name: extra\n    rules:\n      - alert: TargetDown\n        expr: up == 0\n        for: 1m\n' };

const opts = (input: SettingsInput = {}, extra: Partial<ConfigOptions> = {}): ConfigOptions => ({
  settings: settingsSchema.parse(input),
  paths,
  runner,
  tools,
  ...extra,
});

/** Every file under the stack dir with its exact bytes. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, full)] = (await fs.readFile(full)).toString('base64');
    }
  }
  return out;
}

const stagingDirs = async () => (await fs.readdir(paths.stackDir)).filter((n) => n.startsWith('.staging-'));

async function rejectionOf(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

beforeAll(async () => {
  const promtool = await findBinary(['promtool'], { envPath: `${process.env.PATH}:/usr/bin` });
  const amtool = await findBinary(['amtool'], { envPath: `${process.env.PATH}:/usr/bin` });
  if (!promtool) throw new Error('promtool is required for this test: apt-get install prometheus / brew install prometheus');
  if (!amtool) throw new Error('amtool is required for this test: apt-get install prometheus-alertmanager / brew install alertmanager');
  tools = { promtool, amtool };
});
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'lookout-apply-'));
  paths = makePaths(home);
});
afterEach(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

describe('applyConfig with the real promtool and amtool', () => {
  it('puts valid configs in place and reports both components changed', async () => {
    await ensureWebhookToken(paths);
    const { changed } = await applyConfig(opts({ services: [{ name: 'api', url: 'http://127.0.0.1:8080', labels: { team: 'core' } }] }));
    // Grafana's files (grafana.ini, datasources) are rendered on the first apply too.
    expect([...changed].sort()).toEqual(['alertmanager', 'grafana', 'jaeger', 'prometheus']);
    expect(Object.keys(await snapshot(paths.stackDir)).filter((f) => !f.startsWith('grafana/')).sort()).toEqual(['alertmanager.yml', 'jaeger/config.yaml', 'prometheus.yml', 'rules/lookout.yml']);
    expect(Object.keys(await snapshot(paths.stackDir))).toContain('grafana/grafana.ini');
    expect(await stagingDirs()).toEqual([]);
    // The live files pass the validators where they are (rule_files resolve relative to the live config).
    const prom = await runner.run(tools.promtool, ['check', 'config', path.join(paths.stackDir, 'prometheus.yml')]);
    expect(prom.code, prom.stdout + prom.stderr).toBe(0);
    expect(prom.stdout).toMatch(/1 rule files found/);
    const am = await runner.run(tools.amtool, ['check-config', path.join(paths.stackDir, 'alertmanager.yml')]);
    expect(am.code, am.stdout + am.stderr).toBe(0);
    const amDoc = parse(await fs.readFile(path.join(paths.stackDir, 'alertmanager.yml'), 'utf8'));
    expect(amDoc.receivers[0].webhook_configs[0].http_config.authorization.credentials_file).toBe(path.join(paths.secretsDir, 'webhook-token'));
  });

  it('reports only the components whose files changed content', async () => {
    await applyConfig(opts());
    expect([...(await applyConfig(opts())).changed]).toEqual([]);
    // The Prometheus datasource's timeInterval follows the scrape interval ($__rate_interval depends on it).
    expect([...(await applyConfig(opts({ stack: { scrapeInterval: '30s' } }))).changed].sort()).toEqual(['grafana', 'prometheus']);
    // Lookout's port is a scrape target, the webhook address and where Grafana's exemplar links open a trace.
    expect([...(await applyConfig(opts({ stack: { scrapeInterval: '30s' }, lookout: { port: 19469 } }))).changed].sort()).toEqual(['alertmanager', 'grafana', 'prometheus']);
  });

  it('keeps the live files byte-identical when promtool rejects a rule file, and says why', async () => {
    await applyConfig(opts());
    const before = await snapshot(paths.stackDir);
    const err = await rejectionOf(applyConfig(opts({ stack: { scrapeInterval: '1m' } }, { extraFiles: [BAD_RULE] })));
    expect(err.message).toContain('promtool rejected rules/bad.yml');
    expect(err.message).toMatch(/could not parse expression/);
    expect(err.file).toBe('rules/bad.yml');
    expect(err.output).toMatch(/rules\/bad\.yml: 5:\d+: group "broken", rule 1, "Broken"/);
    expect(err.message).not.toContain(home); // relative paths, not the staging dir
    expect(await snapshot(paths.stackDir)).toEqual(before);
    expect(await stagingDirs()).toEqual([]);
  });

  it('adds extra rule files and removes rule files that are no longer rendered', async () => {
    expect([...(await applyConfig(opts({}, { extraFiles: [GOOD_RULE] }))).changed].sort()).toEqual(['alertmanager', 'grafana', 'jaeger', 'prometheus']);
    expect(await fs.readFile(path.join(paths.rulesDir, 'extra.yml'), 'utf8')).toBe(GOOD_RULE.content);
    const { changed } = await applyConfig(opts());
    expect([...changed]).toEqual(['prometheus']);
    expect((await fs.readdir(paths.rulesDir)).sort()).toEqual(['lookout.yml']);
  });

  it('names a missing validator when its component is enabled, and does not need it when disabled', async () => {
    const err = await rejectionOf(applyConfig(opts({}, { tools: { promtool: null, amtool: tools.amtool }, platform: 'linux' })));
    expect(err.message).toBe('promtool not found in PATH; install it: apt-get install prometheus');
    const amErr = await rejectionOf(applyConfig(opts({}, { tools: { promtool: tools.promtool, amtool: null }, platform: 'darwin' })));
    expect(amErr.message).toBe('amtool not found in PATH; install it: brew install alertmanager');
    await expect(fs.readdir(paths.stackDir)).resolves.toEqual([]);
    const { changed } = await applyConfig(opts({ stack: { components: { alertmanager: { enabled: false } } } }, { tools: { promtool: tools.promtool, amtool: null } }));
    expect(changed.has('prometheus')).toBe(true);
  });

  it('surfaces amtool output when it rejects alertmanager.yml', async () => {
    const dir = path.join(home, 'stage');
    const bad = [
      { path: 'prometheus.yml', content: 'global: {}\n' },
      { path: 'alertmanager.yml', content: 'route:\n  receiver: nobody\nreceivers:\n  - name: lookout\n' },
    ];
    const err = await rejectionOf(stageConfig(dir, bad, opts()));
    expect(err.file).toBe('alertmanager.yml');
    expect(err.message).toMatch(/^amtool rejected alertmanager\.yml:/);
    expect(err.output).toMatch(/undefined receiver "nobody" used in route/);
  });

  it('refuses extra files that escape the stack dir or replace a rendered file', async () => {
    await expect(applyConfig(opts({}, { extraFiles: [{ path: '../evil.yml', content: '' }] }))).rejects.toThrow(/relative and normalised/);
    await expect(applyConfig(opts({}, { extraFiles: [{ path: 'prometheus.yml', content: '' }] }))).rejects.toThrow(/rendered twice/);
    expect(await fs.readdir(paths.stackDir)).toEqual([]);
  });
});

describe('validateConfig', () => {
  it('validates in a temp dir and never creates or touches the stack dir', async () => {
    await validateConfig(opts());
    await expect(fs.stat(paths.stackDir)).rejects.toThrow(/ENOENT/);
    const err = await rejectionOf(validateConfig(opts({}, { extraFiles: [BAD_RULE] })));
    expect(err.file).toBe('rules/bad.yml');
    await expect(fs.stat(paths.stackDir)).rejects.toThrow(/ENOENT/);
  });
});
