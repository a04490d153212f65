import type { ComponentId } from '../../../common/model';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import { lookoutRuleGroups } from '../alerts/rules';
import { attachBase, attachOf } from '../lockdown/attach';
import { stackPasswordFile, STACK_USER, webConfigFile } from '../lockdown/credentials';
import { remoteWriteConfigs } from '../remote-write/render';
import { reach, reachHost, reachUrl } from '../runtime/addresses';
import { listenFlag, type ComponentSpec } from '../stack/component-spec';
import { dryRunFlags } from '../stack/flag-check';
import { yamlFile } from '../stack/yaml-file';

interface ScrapeConfig {
  job_name: string;
  scheme?: string;
  metrics_path?: string;
  basic_auth?: BasicAuth;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
}

interface BasicAuth {
  username: string;
  password_file: string;
}

/** The stack credential as Prometheus reads it (by file), when lock-down is on. */
const stackAuth = (settings: Settings, paths: Pick<Paths, 'secretsDir'>): { basic_auth?: BasicAuth } =>
  settings.stack.lockdown.enabled ? { basic_auth: { username: STACK_USER, password_file: stackPasswordFile(paths) } } : {};

/** Where Prometheus sends alerts: Lookout's own Alertmanager, or the one it is attached to (with that one's credentials). */
function alertmanagerTarget(settings: Settings, paths: Pick<Paths, 'secretsDir'>): Record<string, unknown> {
  const attach = attachOf(settings, 'alertmanager');
  if (!attach) return { ...stackAuth(settings, paths), static_configs: [{ targets: [reach(settings, 'prometheus', 'alertmanager')] }] };
  const url = new URL(attachBase(attach));
  return {
    scheme: url.protocol.replace(/:$/, ''),
    ...(url.pathname !== '/' ? { path_prefix: url.pathname } : {}),
    ...(attach.username && attach.passwordFile ? { basic_auth: { username: attach.username, password_file: attach.passwordFile } } : {}),
    ...(attach.bearerTokenFile ? { authorization: { credentials_file: attach.bearerTokenFile } } : {}),
    static_configs: [{ targets: [url.host] }],
  };
}

function serviceJob(settings: Settings, service: Settings['services'][number]): ScrapeConfig {
  const url = new URL(reachUrl(settings, 'prometheus', service.url));
  const labels = Object.keys(service.labels).length ? { labels: { ...service.labels } } : {};
  return {
    job_name: service.name,
    scheme: url.protocol.replace(/:$/, ''),
    metrics_path: service.metricsPath,
    // url.host keeps an explicit port and IPv6 brackets; without a port Prometheus uses the scheme's default.
    static_configs: [{ targets: [url.host], ...labels }],
  };
}

/**
 * prometheus.yml as a plain object. With lock-down on, the stack's own jobs and the alerting target carry
 * the stack credential by file (never the password itself).
 */
export function prometheusConfig(settings: Settings, paths: Pick<Paths, 'secretsDir'>): Record<string, unknown> {
  const c = settings.stack.components;
  const ownJob = (id: ComponentId): ScrapeConfig => ({ job_name: id, ...stackAuth(settings, paths), static_configs: [{ targets: [reach(settings, 'prometheus', id)] }] });
  const jobs: ScrapeConfig[] = [];
  // An attached server is not Lookout's to scrape: its own Prometheus watches it.
  if (c.prometheus.enabled && !c.prometheus.attach) jobs.push(ownJob('prometheus'));
  if (c.alertmanager.enabled && !c.alertmanager.attach) jobs.push(ownJob('alertmanager'));
  if (c.node_exporter.enabled) jobs.push(ownJob('node_exporter'));
  jobs.push({ job_name: 'lookout', metrics_path: '/metrics', static_configs: [{ targets: [reachHost(settings, 'prometheus', settings.lookout.port)] }] });
  jobs.push(...settings.services.map((service) => serviceJob(settings, service)));
  return {
    global: {
      scrape_interval: settings.stack.scrapeInterval,
      evaluation_interval: settings.stack.evaluationInterval,
      ...(Object.keys(settings.stack.externalLabels).length ? { external_labels: { ...settings.stack.externalLabels } } : {}),
    },
    // Relative on purpose: Prometheus resolves rule_files against the config file's directory, so the same
    // text validates in a staging directory and runs from the live one.
    rule_files: ['rules/*.yml'],
    ...(c.alertmanager.enabled ? { alerting: { alertmanagers: [alertmanagerTarget(settings, paths)] } } : {}),
    scrape_configs: jobs,
    ...(settings.stack.remoteWrite.length ? { remote_write: remoteWriteConfigs(settings.stack.remoteWrite) } : {}),
  };
}

export const PROMETHEUS_SPEC: ComponentSpec = {
  id: 'prometheus',
  name: 'Prometheus',
  binaries: ['prometheus'],
  install: { brew: 'brew install prometheus', apt: 'apt-get install prometheus' },
  dependsOn: ['alertmanager', 'node_exporter'],
  readinessPath: '/-/ready',
  reloadPath: '/-/reload',
  stopGraceMs: 30_000,
  configFiles: ['prometheus.yml', 'rules'],
  // Lookout's recording and alert rules come from the alerts settings (main/core/alerts/rules.ts).
  render: (s, p) => [
    { path: 'prometheus.yml', content: yamlFile(prometheusConfig(s, p)) },
    { path: 'rules/lookout.yml', content: yamlFile(lookoutRuleGroups(s)) },
  ],
  args: (s, p) => [
    `--config.file=${p.stackDir}/prometheus.yml`,
    `--storage.tsdb.path=${p.dataDir('prometheus')}`,
    `--storage.tsdb.retention.time=${s.stack.retention.time}`,
    `--storage.tsdb.retention.size=${s.stack.retention.size}`,
    listenFlag(s.stack.components.prometheus.port),
    `--web.external-url=http://127.0.0.1:${s.stack.components.prometheus.port}/`,
    '--web.enable-lifecycle',
    // Keeps the trace ids services attach to histogram buckets (OpenMetrics exemplars), for Grafana's links.
    '--enable-feature=exemplar-storage',
    // A firing alert is sent again every 15 s rather than every minute, so one lost delivery (Alertmanager
    // busy reloading, say) delays a notification by seconds, not by a minute.
    '--rules.alert.resend-delay=15s',
    // Basic auth on every path; only then the admin API (TSDB snapshots for backups), which must never be open.
    ...(s.stack.lockdown.enabled ? [`--web.config.file=${webConfigFile(p)}`, '--web.enable-admin-api'] : []),
  ],
  // Prometheus prints "Error parsing commandline arguments: duration out of range" and exits 2.
  checkFlags: (binary, args, { runner }) =>
    dryRunFlags(binary, args, runner, { redirect: ['--config.file', '--storage.tsdb.path'], refusal: /^Error parsing commandline arguments: (.+)$/m }),
  flagFields: {
    '--storage.tsdb.retention.time': 'stack.retention.time',
    '--storage.tsdb.retention.size': 'stack.retention.size',
    '--web.listen-address': 'stack.components.prometheus.port',
    '--web.external-url': 'stack.components.prometheus.port',
    '--web.config.file': 'stack.lockdown.enabled',
    '--web.enable-admin-api': 'stack.lockdown.enabled',
  },
};
