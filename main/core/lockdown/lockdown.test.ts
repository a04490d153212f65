import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createCommandRunner } from '../adapters/command-runner';
import { ALERTMANAGER_SPEC } from '../alertmanager/component';
import { NODE_EXPORTER_SPEC } from '../node-exporter/component';
import { paths as layout, type Paths } from '../paths';
import type { HealthProbe, ProbeOptions } from '../ports';
import { prometheusConfig, PROMETHEUS_SPEC } from '../prometheus/component';
import { settingsSchema, type SettingsInput } from '../settings/schema';
import { basicAuthorization, createStackAccess } from './access';
import { withStackAuth } from './authorizing-probe';
import { ensureStackCredentials, stackPasswordFile, webConfigFile } from './credentials';

let home: string;
let paths: Paths;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'lookout-lockdown-'));
  paths = layout(home);
});
afterEach(() => rm(home, { recursive: true, force: true }));

const settings = (input: SettingsInput = {}) => settingsSchema.parse(input);
const off = { stack: { lockdown: { enabled: false } } };

describe('flags and configs', () => {
  it('gives each component --web.config.file with lock-down on (the default), and Prometheus its admin API only then', () => {
    const web = `--web.config.file=${webConfigFile(paths)}`;
    for (const spec of [PROMETHEUS_SPEC, ALERTMANAGER_SPEC, NODE_EXPORTER_SPEC]) {
      expect(spec.args(settings(), paths, spec.binaries[0]!), spec.id).toContain(web);
      expect(spec.args(settings(off), paths, spec.binaries[0]!), spec.id).not.toContain(web);
    }
    expect(PROMETHEUS_SPEC.args(settings(), paths, 'prometheus')).toContain('--web.enable-admin-api');
    expect(PROMETHEUS_SPEC.args(settings(off), paths, 'prometheus')).not.toContain('--web.enable-admin-api');
    expect(PROMETHEUS_SPEC.flagFields!['--web.config.file']).toBe('stack.lockdown.enabled');
  });

  it("scrapes the stack's own jobs and sends alerts with the password by file; Lookout and services stay as they were", () => {
    const s = settings({ services: [{ name: 'api', url: 'http://127.0.0.1:8080' }] });
    const doc = prometheusConfig(s, paths) as { scrape_configs: Array<{ job_name: string; basic_auth?: unknown }>; alerting: { alertmanagers: Array<{ basic_auth?: unknown }> } };
    const auth = { username: 'lookout', password_file: stackPasswordFile(paths) };
    expect(Object.fromEntries(doc.scrape_configs.map((j) => [j.job_name, j.basic_auth ?? null]))).toEqual({ prometheus: auth, alertmanager: auth, node_exporter: auth, lookout: null, api: null });
    expect(doc.alerting.alertmanagers[0]!.basic_auth).toEqual(auth);
    const open = prometheusConfig(settings(off), paths) as { scrape_configs: Array<{ basic_auth?: unknown }> };
    expect(open.scrape_configs.every((j) => j.basic_auth === undefined)).toBe(true);
  });

  it('sends alerts to an attached Alertmanager with its scheme, path prefix and credentials, and does not scrape it', () => {
    const s = settings({ stack: { components: { alertmanager: { attach: { url: 'https://am.example.org/am/', bearerTokenFile: '/etc/am-token' } } } } });
    const doc = prometheusConfig(s, paths) as { scrape_configs: Array<{ job_name: string }>; alerting: { alertmanagers: unknown[] } };
    expect(doc.alerting.alertmanagers).toEqual([{ scheme: 'https', path_prefix: '/am', authorization: { credentials_file: '/etc/am-token' }, static_configs: [{ targets: ['am.example.org'] }] }]);
    expect(doc.scrape_configs.map((j) => j.job_name)).not.toContain('alertmanager');
  });

  it('refuses attach credentials that cannot be a $__file reference, or half a basic-auth pair, naming the field', () => {
    const bad = (attach: unknown) => settingsSchema.safeParse({ stack: { components: { prometheus: { attach } } } });
    expect(bad({ url: 'http://x:9090', username: 'u' }).error?.issues[0]).toMatchObject({ path: ['stack', 'components', 'prometheus', 'attach', 'passwordFile'] });
    expect(bad({ url: 'http://x:9090', passwordFile: '/a/$HOME' }).error?.issues[0]?.message).toMatch(/must not contain \$/);
    expect(bad({ url: 'http://x:9090', username: 'u', passwordFile: '/p', bearerTokenFile: '/t' }).error?.issues[0]?.message).toMatch(/choose one/);
    expect(bad({ url: 'ftp://x' }).success).toBe(false);
  });
});

describe('the credential', () => {
  const runner = createCommandRunner();

  it('creates a 0600 password and a web config with only its bcrypt hash, which promtool accepts', async () => {
    const { password, webConfig } = await ensureStackCredentials({ paths, runner, promtool: '/usr/bin/promtool' });
    expect((await stat(stackPasswordFile(paths))).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(stackPasswordFile(paths)))).mode & 0o777).toBe(0o700);
    expect((await stat(webConfig)).mode & 0o777).toBe(0o600);
    const text = await readFile(webConfig, 'utf8');
    expect(text).not.toContain(password);
    const hash = (parse(text) as { basic_auth_users: { lookout: string } }).basic_auth_users.lookout;
    expect(bcrypt.compareSync(password, hash)).toBe(true);
  });

  it('keeps the web config byte for byte while the password verifies, and rewrites it when the password changed', async () => {
    const first = await ensureStackCredentials({ paths, runner, promtool: null });
    const before = await readFile(first.webConfig, 'utf8');
    await ensureStackCredentials({ paths, runner, promtool: null });
    expect(await readFile(first.webConfig, 'utf8')).toBe(before);
    await writeFile(stackPasswordFile(paths), 'x'.repeat(43), { mode: 0o600 });
    const second = await ensureStackCredentials({ paths, runner, promtool: null });
    expect(second.password).toBe('x'.repeat(43));
    const hash = (parse(await readFile(first.webConfig, 'utf8')) as { basic_auth_users: { lookout: string } }).basic_auth_users.lookout;
    expect(bcrypt.compareSync('x'.repeat(43), hash)).toBe(true);
  });

  it('names promtool\'s refusal', async () => {
    await ensureStackCredentials({ paths, runner, promtool: null });
    const fakePromtool = path.join(home, 'promtool');
    await writeFile(fakePromtool, '#!/bin/sh\necho "FAILED: crypto/bcrypt: hashedSecret too short" >&2\nexit 1\n');
    await chmod(fakePromtool, 0o755);
    await expect(ensureStackCredentials({ paths, runner, promtool: fakePromtool })).rejects.toThrow(/promtool refused .*web-config\.yml: FAILED: crypto\/bcrypt/);
  });
});

describe('access: which URL and which Authorization for each component', () => {
  it('sends the stack credential to the locked components only, nothing with lock-down off', async () => {
    const { password } = await ensureStackCredentials({ paths, runner: createCommandRunner(), promtool: null });
    const on = createStackAccess({ paths, settings: () => settings({ stack: { components: { prometheus: { port: 19090 } } } }) });
    expect(on.baseUrl('prometheus')).toBe('http://127.0.0.1:19090');
    expect(await on.headers('prometheus')).toEqual({ Authorization: basicAuthorization('lookout', password) });
    expect(await on.headers('grafana')).toEqual({});
    expect(await on.headersFor('http://127.0.0.1:19090/-/ready')).toEqual({ Authorization: basicAuthorization('lookout', password) });
    // Same host, another port (Lookout's own listener, say): no credential leaks there.
    expect(await on.headersFor('http://127.0.0.1:9469/metrics')).toEqual({});
    expect(await on.headersFor('http://127.0.0.1:190900/')).toEqual({});
    expect(await createStackAccess({ paths, settings: () => settings(off) }).headers('prometheus')).toEqual({});
  });

  it('uses the attach URL and its credential file; an unreadable file is an error naming the setting', async () => {
    const tokenFile = path.join(home, 'token');
    await writeFile(tokenFile, 'tok-123\n');
    const s = settings({ stack: { components: { prometheus: { attach: { url: 'https://prom.example.org/p/', bearerTokenFile: tokenFile } }, alertmanager: { attach: { url: 'http://127.0.0.1:1', username: 'u', passwordFile: '/nonexistent' } } } } });
    const access = createStackAccess({ paths, settings: () => s });
    expect(access.baseUrl('prometheus')).toBe('https://prom.example.org/p');
    expect(await access.headersFor('https://prom.example.org/p/api/v1/query')).toEqual({ Authorization: 'Bearer tok-123' });
    expect(await access.headersFor('https://prom.example.org/other')).toEqual({});
    await expect(access.headers('alertmanager')).rejects.toThrow(/stack\.components\.alertmanager\.attach\.passwordFile \(\/nonexistent\): ENOENT/);
  });

  it('the probe wrapper adds the header to component URLs and turns an unreadable credential into a failed probe', async () => {
    const calls: Array<{ url: string; opts?: ProbeOptions }> = [];
    const probe: HealthProbe = {
      check: async (url, _t, opts) => (calls.push({ url, opts }), { ok: true, status: 200 }),
      post: async (url, _t, opts) => (calls.push({ url, opts }), { ok: true, status: 200 }),
    };
    await ensureStackCredentials({ paths, runner: createCommandRunner(), promtool: null });
    const s = settings({ stack: { components: { node_exporter: { port: 19100 }, alertmanager: { attach: { url: 'http://127.0.0.1:1', username: 'u', passwordFile: '/nonexistent' } } } } });
    const wrapped = withStackAuth(probe, createStackAccess({ paths, settings: () => s }));
    await wrapped.check('http://127.0.0.1:19100/metrics', 100);
    await wrapped.post('http://127.0.0.1:3000/api/health', 100);
    expect(calls[0]!.opts?.headers?.Authorization).toMatch(/^Basic /);
    expect(calls[1]!.opts?.headers).toEqual({});
    expect(await wrapped.check('http://127.0.0.1:1/-/ready', 100)).toEqual({ ok: false, error: expect.stringMatching(/attach\.passwordFile/) });
    expect(calls).toHaveLength(2);
  });
});
