import { webConfigFile } from '../lockdown/credentials';
import { listenFlag, type ComponentSpec } from '../stack/component-spec';

/** node_exporter: host metrics for Prometheus, beside Lookout's own collectors. It has no config file. */
export const NODE_EXPORTER_SPEC: ComponentSpec = {
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
  render: () => [],
  // Collectors that need systemd or root are off: they fail noisily on a laptop and in containers.
  // The textfile collector reads *.prom files users drop into the component's data dir.
  args: (s, p) => [
    listenFlag(s.stack.components.node_exporter.port),
    '--no-collector.systemd',
    `--collector.textfile.directory=${p.dataDir('node_exporter')}`,
    // node_exporter ≥ 1.5 names it --web.config.file (1.0–1.4: --web.config).
    ...(s.stack.lockdown.enabled ? [`--web.config.file=${webConfigFile(p)}`] : []),
  ],
};
