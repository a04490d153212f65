import type { ComponentId } from '../../../common/model';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import { GRAFANA_SPEC } from '../grafana/component';

/**
 * What Lookout knows about each component: where to find it, how to run it, how to tell it is ready.
 * Adding a component means adding an entry here and a renderer for its config; nothing else branches on ids.
 */
export interface ComponentSpec {
  id: ComponentId;
  name: string;
  /** Binary names in preference order: Homebrew's name first, then Debian's. */
  binaries: string[];
  /** How to install it, shown when the binary is missing. */
  install: { brew: string; apt: string };
  /** Components that must be ready before this one starts (and that it outlives on stop). */
  dependsOn: ComponentId[];
  /** Path answering 2xx when the component is ready to serve (polled while starting). */
  readinessPath: string;
  /**
   * Path polled every few seconds once running, to catch a hung process. Defaults to readinessPath;
   * an exporter's /metrics makes it collect everything, so exporters name a cheap page instead.
   */
  livenessPath?: string;
  /** POST here to reload the config without a restart; null when only a restart applies changes. */
  reloadPath: string | null;
  /** Time between SIGTERM and SIGKILL. Prometheus needs time to close its TSDB cleanly. */
  stopGraceMs: number;
  /** Rendered files (relative to the stack dir) whose content change needs a reload. */
  configFiles: string[];
  /**
   * Command-line flags; a change in these needs a restart. Everything listens on 127.0.0.1 only.
   * `binary` is the one found: Grafana's flags depend on which of its binaries it is.
   */
  args(settings: Settings, paths: Paths, binary: string): string[];
  /**
   * A binary alone may not be a usable install (Grafana also needs its homepath): the problem and its fix,
   * shown as not-installed, or null when the install is complete.
   */
  checkInstall?(settings: Settings, binary: string): Promise<{ problem: string; fix: string } | null>;
}

const listen = (port: number) => `--web.listen-address=127.0.0.1:${port}`;

export const CATALOG: Record<ComponentId, ComponentSpec> = {
  node_exporter: {
    id: 'node_exporter',
    name: 'node_exporter',
    binaries: ['node_exporter', 'prometheus-node-exporter'],
    install: { brew: 'brew install node_exporter', apt: 'apt-get install prometheus-node-exporter' },
    dependsOn: [],
    readinessPath: '/metrics',
    livenessPath: '/',
    reloadPath: null,
    stopGraceMs: 5_000,
    configFiles: [],
    // Collectors that need systemd or root are off: they fail noisily on a laptop and in containers.
    // The textfile collector reads *.prom files users drop into the component's data dir.
    args: (s, p) => [listen(s.stack.components.node_exporter.port), '--no-collector.systemd', `--collector.textfile.directory=${p.dataDir('node_exporter')}`],
  },
  alertmanager: {
    id: 'alertmanager',
    name: 'Alertmanager',
    binaries: ['alertmanager', 'prometheus-alertmanager'],
    install: { brew: 'brew install alertmanager', apt: 'apt-get install prometheus-alertmanager' },
    dependsOn: [],
    readinessPath: '/-/ready',
    reloadPath: '/-/reload',
    stopGraceMs: 5_000,
    configFiles: ['alertmanager.yml'],
    args: (s, p) => [
      `--config.file=${p.stackDir}/alertmanager.yml`,
      `--storage.path=${p.dataDir('alertmanager')}`,
      listen(s.stack.components.alertmanager.port),
      `--web.external-url=http://127.0.0.1:${s.stack.components.alertmanager.port}/`,
      // An empty cluster address turns off the gossip listener (it would bind 0.0.0.0:9094).
      '--cluster.listen-address=',
    ],
  },
  prometheus: {
    id: 'prometheus',
    name: 'Prometheus',
    binaries: ['prometheus'],
    install: { brew: 'brew install prometheus', apt: 'apt-get install prometheus' },
    dependsOn: ['alertmanager', 'node_exporter'],
    readinessPath: '/-/ready',
    reloadPath: '/-/reload',
    stopGraceMs: 30_000,
    configFiles: ['prometheus.yml', 'rules'],
    args: (s, p) => [
      `--config.file=${p.stackDir}/prometheus.yml`,
      `--storage.tsdb.path=${p.dataDir('prometheus')}`,
      `--storage.tsdb.retention.time=${s.stack.retention.time}`,
      `--storage.tsdb.retention.size=${s.stack.retention.size}`,
      listen(s.stack.components.prometheus.port),
      `--web.external-url=http://127.0.0.1:${s.stack.components.prometheus.port}/`,
      '--web.enable-lifecycle',
      // A firing alert is sent again every 15 s rather than every minute, so one lost delivery (Alertmanager
      // busy reloading, say) delays a notification by seconds, not by a minute.
      '--rules.alert.resend-delay=15s',
    ],
  },
  grafana: GRAFANA_SPEC,
};

export const spec = (id: ComponentId): ComponentSpec => CATALOG[id];

/** Install advice for a missing component, for the running platform. */
export const installHint = (s: ComponentSpec, platform: NodeJS.Platform = process.platform): string =>
  platform === 'darwin' ? s.install.brew : `${s.install.apt} (or ${s.install.brew} on a Mac)`;

/** Base URL of a component on loopback. */
export const componentUrl = (settings: Settings, id: ComponentId): string => `http://127.0.0.1:${settings.stack.components[id].port}`;
