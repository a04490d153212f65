import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderStack } from '../core/stack/render';
import { CliError, EXIT, expectArgs, homePaths, str, usageError, type Command } from './command';
import { loadSettings } from './doctor';

const CONFIG_USAGE = `  config render --out DIR      Write the configs Lookout would render from settings.json into DIR
`;
const DASHBOARDS_USAGE = `  dashboards export --out DIR  Write Lookout's Grafana dashboards (JSON, built from code) into DIR
  dashboards export --out DIR --loki
                               Only the service dashboards, with the log panels Lookout provisions when Loki is configured
`;

export const configCommand: Command = {
  name: 'config',
  usage: CONFIG_USAGE,
  options: { out: { type: 'string' } },
  async run([verb, ...rest], flags) {
    if (verb !== 'render') throw usageError(`unknown config command: ${verb ?? '(none)'}`, CONFIG_USAGE);
    expectArgs('config render', rest, CONFIG_USAGE);
    const outFlag = str(flags.out);
    if (!outFlag) throw usageError('lookout config render needs --out DIR', CONFIG_USAGE);
    const paths = homePaths();
    const parsed = await loadSettings(paths);
    if (!parsed.ok) throw new CliError(parsed.error, EXIT.failure);
    const out = path.resolve(outFlag);
    for (const file of renderStack(parsed.settings, paths)) {
      const target = path.join(out, ...file.path.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content);
      process.stdout.write(`${target}\n`);
    }
    return EXIT.ok;
  },
};

/** The dashboards are code; this writes the JSON Grafana reads (committed in assets/grafana/dashboards). */
export const dashboardsCommand: Command = {
  name: 'dashboards',
  usage: DASHBOARDS_USAGE,
  options: { out: { type: 'string' }, loki: { type: 'boolean' } },
  async run([verb, ...rest], flags) {
    if (verb !== 'export') throw usageError(`unknown dashboards command: ${verb ?? '(none)'}`, DASHBOARDS_USAGE);
    expectArgs('dashboards export', rest, DASHBOARDS_USAGE);
    const out = str(flags.out);
    if (!out) throw usageError('lookout dashboards export needs --out DIR', DASHBOARDS_USAGE);
    // Loaded on demand: the dashboards-as-code SDK is only needed here, not in a running Lookout.
    const { exportDashboards } = await import('../core/grafana/dashboards');
    for (const file of await exportDashboards(path.resolve(out), { loki: flags.loki === true })) process.stdout.write(`${file}\n`);
    return EXIT.ok;
  },
};
