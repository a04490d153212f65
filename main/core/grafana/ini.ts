import path from 'node:path';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import { GRAFANA_ADMIN_USER, grafanaSecretFiles } from './secret-files';

/** Where Grafana's rendered files live, relative to the stack dir (forward slashes, as RenderedFile wants). */
export const GRAFANA_DIR = 'grafana';
export const GRAFANA_INI = `${GRAFANA_DIR}/grafana.ini`;
export const GRAFANA_PROVISIONING = `${GRAFANA_DIR}/provisioning`;
export const GRAFANA_DASHBOARDS = `${GRAFANA_DIR}/dashboards`;
export const GRAFANA_DATASOURCES_FILE = `${GRAFANA_PROVISIONING}/datasources/lookout.yaml`;
export const GRAFANA_PROVIDER_FILE = `${GRAFANA_PROVISIONING}/dashboards/lookout.yaml`;

/** Absolute dirs Grafana reads and writes, all under $LOOKOUT_HOME. */
export function grafanaDirs(paths: Paths) {
  const data = paths.dataDir('grafana');
  return {
    data,
    plugins: path.join(data, 'plugins'),
    logs: path.join(paths.logsDir, 'grafana'),
    provisioning: path.join(paths.stackDir, ...GRAFANA_PROVISIONING.split('/')),
    dashboards: path.join(paths.stackDir, ...GRAFANA_DASHBOARDS.split('/')),
  };
}

type Ini = Record<string, Record<string, string | number | boolean>>;

/**
 * One ini value. Grafana reads grafana.ini with go-ini, which ends a value at a newline and treats an
 * unquoted `#` or `;` as the start of a comment; backticks quote a value verbatim. A newline cannot be
 * represented at all, so it is an error rather than a silently different config.
 */
export function iniValue(key: string, value: string | number | boolean): string {
  const text = String(value);
  if (/[\r\n]/.test(text)) throw new Error(`grafana.ini ${key}: a value cannot contain a line break`);
  if (/[#;`"]|^\s|\s$/.test(text)) {
    if (text.includes('`')) throw new Error(`grafana.ini ${key}: a value with # or ; cannot also contain a backtick`);
    return `\`${text}\``;
  }
  return text;
}

/** `$__file{path}`: Grafana reads the file at startup and trims it. Its pattern ends the path at the first `}`. */
function fileRef(key: string, file: string): string {
  if (file.includes('}')) throw new Error(`grafana.ini ${key}: secret file path cannot contain "}" (${file})`);
  return `$__file{${file}}`;
}

/** grafana.ini as sections; exported for tests that check individual keys. */
export function grafanaIniSections(settings: Settings, paths: Paths): Ini {
  const { port } = settings.stack.components.grafana;
  const dirs = grafanaDirs(paths);
  const secrets = grafanaSecretFiles(paths);
  return {
    paths: { data: dirs.data, logs: dirs.logs, plugins: dirs.plugins, provisioning: dirs.provisioning },
    server: {
      protocol: 'http',
      // Loopback only, like every other component; links and cookies use the same host.
      http_addr: '127.0.0.1',
      http_port: port,
      domain: '127.0.0.1',
      root_url: `http://127.0.0.1:${port}/`,
      enforce_domain: false,
    },
    // The console is the supervisor's capped log file (logs/grafana.log); a second, uncapped file would grow forever.
    log: { mode: 'console', level: 'info' },
    database: { type: 'sqlite3' },
    security: {
      admin_user: GRAFANA_ADMIN_USER,
      // Never Grafana's public defaults (admin/admin, SW2YcwTIb9zpOOhoPsMm): random per install, read from 0600 files.
      admin_password: fileRef('security.admin_password', secrets.adminPassword),
      secret_key: fileRef('security.secret_key', secrets.secretKey),
      disable_gravatar: true,
      cookie_secure: false,
      cookie_samesite: 'lax',
    },
    users: { allow_sign_up: false, allow_org_create: false },
    'auth.anonymous': { enabled: false },
    // Nothing leaves the machine: no usage reports, update checks, news feed or plugin downloads.
    analytics: {
      reporting_enabled: false,
      check_for_updates: false,
      check_for_plugin_updates: false,
      feedback_links_enabled: false,
    },
    news: { news_feed_enabled: false },
    snapshots: { external_enabled: false },
    public_dashboards: { enabled: false },
    plugins: { preinstall_disabled: true, public_key_retrieval_disabled: true },
    // The gossip listener only starts with peers; pinning it to loopback keeps a stray setting from exposing it.
    unified_alerting: { ha_listen_address: '127.0.0.1:9094', ha_advertise_address: '127.0.0.1:9094' },
    dashboards: { default_home_dashboard_path: path.join(dirs.dashboards, 'lookout-services.json') },
  };
}

/** Render grafana.ini. Pure; holds no secret (only `$__file{…}` references to 0600 files). */
export function renderGrafanaIni(settings: Settings, paths: Paths): string {
  const lines = ['; Rendered by Lookout from settings.json; edits here are overwritten.'];
  for (const [section, keys] of Object.entries(grafanaIniSections(settings, paths))) {
    lines.push('', `[${section}]`);
    for (const [key, value] of Object.entries(keys)) {
      lines.push(`${key} = ${iniValue(`${section}.${key}`, value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
