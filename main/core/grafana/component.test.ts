import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths as layout } from '../paths';
import { defaultSettings, settingsSchema } from '../settings/schema';
import { CATALOG } from '../stack/catalog';
import { componentOf } from '../stack/render';
import { GRAFANA_SPEC, LOCKED_SETTINGS } from './component';
import { homepathCandidates, HOMEPATH_DIRS, resolveHomepath } from './homepath';

const paths = layout('/home/me/.local/share/lookout');

describe('Grafana in the catalog', () => {
  it('is a component that starts after Prometheus, ready on /api/health, default port 3000, enabled', () => {
    expect(CATALOG.grafana).toBe(GRAFANA_SPEC);
    expect(GRAFANA_SPEC).toMatchObject({ dependsOn: ['prometheus'], readinessPath: '/api/health', binaries: ['grafana', 'grafana-server'] });
    expect(defaultSettings().stack.components.grafana).toEqual({ enabled: true, port: 3000, runtime: 'native' });
  });

  it('runs Homebrew\'s `grafana` as `grafana server`, the legacy `grafana-server` without the subcommand', () => {
    const s = settingsSchema.parse({ stack: { components: { grafana: { homepath: '/opt/homebrew/opt/grafana/share/grafana' } } } });
    const ini = '/home/me/.local/share/lookout/stack/grafana/grafana.ini';
    expect(GRAFANA_SPEC.args(s, paths, '/opt/homebrew/bin/grafana')).toEqual(['server', '--homepath', '/opt/homebrew/opt/grafana/share/grafana', '--config', ini, ...LOCKED_SETTINGS]);
    expect(GRAFANA_SPEC.args(s, paths, '/usr/local/bin/grafana-server')).toEqual(['--homepath', '/opt/homebrew/opt/grafana/share/grafana', '--config', ini, ...LOCKED_SETTINGS]);
    // Command-line overrides win over GF_* environment variables in Grafana: loopback cannot be undone from outside.
    expect(LOCKED_SETTINGS).toContain('cfg:server.http_addr=127.0.0.1');
    expect(LOCKED_SETTINGS.every((a) => a.split('=').length === 2)).toBe(true);
  });

  it('restarts for grafana.ini and datasource changes, not for dashboards (the provider re-reads those)', () => {
    expect(componentOf('grafana/grafana.ini')).toBe('grafana');
    expect(componentOf('grafana/provisioning/datasources/lookout.yaml')).toBe('grafana');
    expect(componentOf('grafana/provisioning/dashboards/lookout.yaml')).toBe('grafana');
    expect(componentOf('grafana/dashboards/lookout-system.json')).toBeNull();
  });
});

describe('Grafana homepath', () => {
  it('looks beside the binary (tarball, Homebrew keg through its symlink), then Homebrew and Debian share dirs', () => {
    const realpath = (p: string) => (p === '/opt/homebrew/bin/grafana' ? '/opt/homebrew/Cellar/grafana/11.3.0/bin/grafana' : p);
    expect(homepathCandidates('/opt/homebrew/bin/grafana', realpath)).toEqual([
      '/opt/homebrew',
      '/opt/homebrew/share/grafana',
      '/opt/homebrew/Cellar/grafana/11.3.0',
      '/opt/homebrew/Cellar/grafana/11.3.0/share/grafana',
      ...HOMEPATH_DIRS.filter((d) => d !== '/opt/homebrew/share/grafana'),
    ]);
    expect(HOMEPATH_DIRS).toEqual(['/opt/homebrew/opt/grafana/share/grafana', '/opt/homebrew/share/grafana', '/usr/local/opt/grafana/share/grafana', '/usr/local/share/grafana', '/usr/share/grafana']);
  });

  it('takes the setting as is, else the first candidate holding conf/defaults.ini, else null', () => {
    const exists = (p: string) => p === '/usr/share/grafana/conf/defaults.ini';
    expect(resolveHomepath('/custom', '/usr/sbin/grafana-server', exists, (p) => p)).toBe('/custom');
    expect(resolveHomepath(undefined, '/usr/sbin/grafana-server', exists, (p) => p)).toBe('/usr/share/grafana');
    expect(resolveHomepath(undefined, '/usr/sbin/grafana-server', () => false, (p) => p)).toBeNull();
  });

  describe('checkInstall', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-grafana-home-'));
      await mkdir(path.join(dir, 'Cellar', 'grafana', '11.3.0', 'bin'), { recursive: true });
      await mkdir(path.join(dir, 'Cellar', 'grafana', '11.3.0', 'share', 'grafana', 'conf'), { recursive: true });
      await writeFile(path.join(dir, 'Cellar', 'grafana', '11.3.0', 'share', 'grafana', 'conf', 'defaults.ini'), '');
      await writeFile(path.join(dir, 'Cellar', 'grafana', '11.3.0', 'bin', 'grafana'), '');
      await mkdir(path.join(dir, 'bin'));
      await symlink(path.join(dir, 'Cellar', 'grafana', '11.3.0', 'bin', 'grafana'), path.join(dir, 'bin', 'grafana'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('finds a Homebrew-style keg through the bin/ symlink', async () => {
      expect(await GRAFANA_SPEC.checkInstall!(defaultSettings(), path.join(dir, 'bin', 'grafana'))).toBeNull();
      expect(GRAFANA_SPEC.args(defaultSettings(), paths, path.join(dir, 'bin', 'grafana'))[2]).toBe(path.join(dir, 'Cellar', 'grafana', '11.3.0', 'share', 'grafana'));
    });

    it('names the setting when the homepath is missing or wrong', async () => {
      const lonely = path.join(dir, 'lonely', 'grafana');
      const missing = await GRAFANA_SPEC.checkInstall!(defaultSettings(), lonely);
      expect(missing?.problem).toContain("Grafana's homepath");
      expect(missing?.fix).toContain('stack.components.grafana.homepath');
      const wrong = await GRAFANA_SPEC.checkInstall!(settingsSchema.parse({ stack: { components: { grafana: { homepath: dir } } } }), lonely);
      expect(wrong?.problem).toBe(`stack.components.grafana.homepath (${dir}) has no conf/defaults.ini`);
    });
  });
});
