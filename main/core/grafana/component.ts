import { access } from 'node:fs/promises';
import path from 'node:path';
import type { ComponentSpec } from '../stack/component-spec';
import { DEFAULTS_FILE, HOMEPATH_DIRS, resolveHomepath } from './homepath';
import { GRAFANA_DATASOURCES_FILE, GRAFANA_INI, GRAFANA_PROVIDER_FILE } from './ini';
import { renderGrafana } from './render';

/** Rendered files whose change needs Grafana restarted (it has no reload endpoint that works without a login). */
export const GRAFANA_CONFIG_FILES = [GRAFANA_INI, GRAFANA_DATASOURCES_FILE, GRAFANA_PROVIDER_FILE];

/**
 * Grafana lets GF_* environment variables override grafana.ini, and `cfg:` arguments override both
 * (pkg/setting: defaults → --config → env → command line). These keep a stray GF_SERVER_HTTP_ADDR=0.0.0.0
 * or GF_AUTH_ANONYMOUS_ENABLED=true in the user's environment from exposing Grafana. (Values cannot contain "=".)
 */
export const LOCKED_SETTINGS = ['cfg:server.http_addr=127.0.0.1', 'cfg:auth.anonymous.enabled=false', 'cfg:users.allow_sign_up=false'];

/**
 * Grafana as a supervised component. Homebrew installs one `grafana` binary run as `grafana server`;
 * older installs (and Grafana < 10 packages) have `grafana-server`, which takes the same flags without the
 * subcommand. Dashboards are not in configFiles: the provider re-reads them every 30 s, no restart needed.
 */
export const GRAFANA_SPEC: ComponentSpec = {
  id: 'grafana',
  name: 'Grafana',
  binaries: ['grafana', 'grafana-server'],
  install: { brew: 'brew install grafana', apt: 'apt-get install grafana (from the apt.grafana.com repository)' },
  dependsOn: ['prometheus'],
  readinessPath: '/api/health',
  reloadPath: null,
  stopGraceMs: 10_000,
  configFiles: GRAFANA_CONFIG_FILES,
  render: renderGrafana,
  args: (s, p, binary) => {
    // checkInstall refuses to launch without a homepath, so the fallback only keeps the flags well-formed.
    const homepath = resolveHomepath(s.stack.components.grafana.homepath, binary) ?? HOMEPATH_DIRS[0]!;
    const subcommand = path.basename(binary) === 'grafana-server' ? [] : ['server'];
    return [...subcommand, '--homepath', homepath, '--config', path.join(p.stackDir, ...GRAFANA_INI.split('/')), ...LOCKED_SETTINGS];
  },
  async checkInstall(s, binary) {
    const setting = s.stack.components.grafana.homepath;
    const homepath = resolveHomepath(setting, binary);
    const fix = 'set stack.components.grafana.homepath to the directory holding conf/defaults.ini (Homebrew: $(brew --prefix)/opt/grafana/share/grafana)';
    if (!homepath) {
      return { problem: `Grafana's homepath (the directory with ${DEFAULTS_FILE}) was not found beside ${binary} or in ${HOMEPATH_DIRS.join(', ')}`, fix };
    }
    try {
      await access(path.join(homepath, DEFAULTS_FILE));
      return null;
    } catch {
      return { problem: `stack.components.grafana.homepath (${homepath}) has no ${DEFAULTS_FILE}`, fix };
    }
  },
};
