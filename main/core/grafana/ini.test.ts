import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { paths as layout } from '../paths';
import { defaultSettings, settingsSchema } from '../settings/schema';
import { renderStack } from '../stack/render';
import { ensureGrafanaSecrets, grafanaCredentials } from './credentials';
import { grafanaIniSections, iniValue, renderGrafanaIni } from './ini';
import { grafanaSecretFiles } from './secret-files';

const home = '/Users/me/Library/Application Support/Lookout';
const paths = layout(home);

/** grafana.ini back into sections, the way go-ini reads it (enough for what Lookout writes). */
function parse(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = '';
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith(';')) continue;
    const m = /^\[(.+)\]$/.exec(line);
    if (m) {
      section = m[1]!;
      out[section] = {};
      continue;
    }
    const [key, ...value] = line.split(' = ');
    out[section]![key!] = value.join(' = ').replace(/^`(.*)`$/, '$1');
  }
  return out;
}

describe('grafana.ini', () => {
  const ini = parse(renderGrafanaIni(defaultSettings(), paths));

  it('listens on loopback only, on the port from settings', () => {
    const custom = parse(renderGrafanaIni(settingsSchema.parse({ stack: { components: { grafana: { port: 3123 } } } }), paths));
    expect(custom.server).toMatchObject({ http_addr: '127.0.0.1', http_port: '3123', domain: '127.0.0.1', root_url: 'http://127.0.0.1:3123/' });
    expect(ini.server!.http_port).toBe('3000');
  });

  it('holds no credential or key: the admin password and secret_key are $__file references to 0600 secret files', () => {
    const files = grafanaSecretFiles(paths);
    expect(ini.security!.admin_password).toBe(`$__file{${files.adminPassword}}`);
    expect(ini.security!.secret_key).toBe(`$__file{${files.secretKey}}`);
    expect(files.adminPassword.startsWith(`${paths.secretsDir}/`)).toBe(true);
    expect(files.secretKey.startsWith(`${paths.secretsDir}/`)).toBe(true);
    const text = renderGrafanaIni(defaultSettings(), paths);
    // Grafana's public defaults must not appear as values.
    expect(text).not.toMatch(/^admin_password = admin$/m);
    expect(text).not.toContain('SW2YcwTIb9zpOOhoPsMm');
  });

  it('turns off anonymous access, sign-up, reporting, update checks and outside calls', () => {
    expect(ini['auth.anonymous']).toEqual({ enabled: 'false' });
    expect(ini.users).toMatchObject({ allow_sign_up: 'false', allow_org_create: 'false' });
    expect(ini.analytics).toMatchObject({ reporting_enabled: 'false', check_for_updates: 'false', check_for_plugin_updates: 'false' });
    expect(ini.security!.disable_gravatar).toBe('true');
    expect(ini.snapshots!.external_enabled).toBe('false');
    expect(ini.news!.news_feed_enabled).toBe('false');
  });

  it('keeps data, logs, plugins and provisioning under $LOOKOUT_HOME', () => {
    for (const key of ['data', 'logs', 'plugins', 'provisioning']) expect(ini.paths![key]!.startsWith(`${home}/`), key).toBe(true);
    expect(ini.paths!.provisioning).toBe(path.join(home, 'stack', 'grafana', 'provisioning'));
    expect(ini.dashboards!.default_home_dashboard_path).toBe(path.join(home, 'stack', 'grafana', 'dashboards', 'lookout-services.json'));
    // The console is the supervisor's capped log file; Grafana's own file logger would grow unbounded.
    expect(ini.log!.mode).toBe('console');
  });

  it('quotes what go-ini would cut as a comment, and refuses what it cannot represent', () => {
    expect(iniValue('paths.data', '/Users/me/odd#dir')).toBe('`/Users/me/odd#dir`');
    expect(iniValue('paths.data', '/a;b')).toBe('`/a;b`');
    expect(iniValue('paths.data', '/plain path')).toBe('/plain path');
    expect(() => iniValue('paths.data', '/a\nb')).toThrow('paths.data');
    expect(() => renderGrafanaIni(defaultSettings(), layout('/home/x}y'))).toThrow(/"\}"/);
    expect(parse(renderGrafanaIni(defaultSettings(), layout('/tmp/we#ird'))).paths!.data).toBe('/tmp/we#ird/data/grafana');
  });

  it('exposes the sections it renders (for the tests above)', () => {
    expect(Object.keys(grafanaIniSections(defaultSettings(), paths))).toContain('security');
  });
});

describe('Grafana secrets', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('are random per install, 0600 in a 0700 dir, stable across calls, and appear in no rendered file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-grafana-secrets-'));
    const p = layout(dir);
    await ensureGrafanaSecrets(p);
    const files = grafanaSecretFiles(p);
    const password = await readFile(files.adminPassword, 'utf8');
    const key = await readFile(files.secretKey, 'utf8');
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(password).not.toBe(key);
    for (const f of [files.adminPassword, files.secretKey]) expect((await stat(f)).mode & 0o777).toBe(0o600);
    expect((await stat(p.secretsDir)).mode & 0o777).toBe(0o700);

    await ensureGrafanaSecrets(p);
    expect(await readFile(files.adminPassword, 'utf8')).toBe(password);
    const creds = await grafanaCredentials(p, defaultSettings());
    expect(creds).toEqual({ user: 'admin', password, url: 'http://127.0.0.1:3000/login' });

    for (const file of renderStack(defaultSettings(), p)) {
      expect(file.content.includes(password), file.path).toBe(false);
      expect(file.content.includes(key), file.path).toBe(false);
    }

    // Another install gets other secrets.
    const other = layout(path.join(dir, 'other'));
    await ensureGrafanaSecrets(other);
    expect(await readFile(grafanaSecretFiles(other).adminPassword, 'utf8')).not.toBe(password);
  });
});
