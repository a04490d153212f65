import path from 'node:path';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import { alertmanagerDocument } from '../alerts/routing';
import { WEBHOOK_PATH, WEBHOOK_TOKEN_FILE } from '../alerts/webhook';
import { webConfigFile } from '../lockdown/credentials';
import { reachHost } from '../runtime/addresses';
import { listenFlag, type ComponentSpec } from '../stack/component-spec';
import { dryRunFlags } from '../stack/flag-check';
import { yamlFile } from '../stack/yaml-file';

/**
 * alertmanager.yml as a plain object: routing, inhibition and receivers come from the alerts settings
 * (main/core/alerts/routing.ts). Every token and password is referenced by file, never inlined.
 */
export function alertmanagerConfig(settings: Settings, paths: Paths): Record<string, unknown> {
  return alertmanagerDocument(settings, {
    url: `http://${reachHost(settings, 'alertmanager', settings.lookout.port)}${WEBHOOK_PATH}`,
    credentialsFile: path.join(paths.secretsDir, WEBHOOK_TOKEN_FILE),
    secretsDir: paths.secretsDir,
  });
}

export const ALERTMANAGER_SPEC: ComponentSpec = {
  id: 'alertmanager',
  name: 'Alertmanager',
  binaries: ['alertmanager', 'prometheus-alertmanager'],
  install: { brew: 'brew install alertmanager', apt: 'apt-get install prometheus-alertmanager' },
  dependsOn: [],
  readinessPath: '/-/ready',
  reloadPath: '/-/reload',
  stopGraceMs: 5_000,
  configFiles: ['alertmanager.yml'],
  render: (s, p) => [{ path: 'alertmanager.yml', content: yamlFile(alertmanagerConfig(s, p)) }],
  args: (s, p) => [
    `--config.file=${p.stackDir}/alertmanager.yml`,
    `--storage.path=${p.dataDir('alertmanager')}`,
    listenFlag(s.stack.components.alertmanager.port),
    `--web.external-url=http://127.0.0.1:${s.stack.components.alertmanager.port}/`,
    // An empty cluster address turns off the gossip listener (it would bind 0.0.0.0:9094).
    '--cluster.listen-address=',
    ...(s.stack.lockdown.enabled ? [`--web.config.file=${webConfigFile(p)}`] : []),
  ],
  // Alertmanager (kingpin) prints "<binary>: error: <reason>, try --help" and exits 1.
  checkFlags: (binary, args, { runner }) =>
    dryRunFlags(binary, args, runner, { redirect: ['--config.file', '--storage.path'], refusal: /^\S+: error: (.+?)(?:, try --help)?$/m }),
  flagFields: {
    '--web.listen-address': 'stack.components.alertmanager.port',
    '--web.external-url': 'stack.components.alertmanager.port',
    '--web.config.file': 'stack.lockdown.enabled',
  },
};
