import { readFile } from 'node:fs/promises';
import { createHttpClient } from '../../common/http-client';
import { createCommandRunner } from '../core/adapters/command-runner';
import { createPortProbe } from '../core/adapters/port-probe';
import { formatDoctor, runDoctor } from '../core/doctor';
import type { CollectorHealth } from '../core/metrics/doctor-checks';
import { checkCollectors } from '../core/metrics/native-metrics';
import type { Paths } from '../core/paths';
import { readDemoFile } from '../core/settings/demo-targets';
import { defaultSettings, type Settings } from '../core/settings/schema';
import { parseSettings, type ParsedSettings } from '../core/settings/store';
import { readServeFile } from '../server/serve-file';
import { print } from './client';
import { EXIT, expectArgs, homePaths, type Command } from './command';

const USAGE = `  doctor [--json]              Check binaries, ports, settings and configs; exits 1 and says how to fix what is wrong
                               (a missing optional component, marked !, is a warning: exit 0)
`;

/** The settings of this home as the core would load them: the file, or the defaults when there is none. */
export async function loadSettings(paths: Paths): Promise<ParsedSettings> {
  let text: string;
  try {
    text = await readFile(paths.settings, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { ok: true, settings: defaultSettings() };
  }
  return parseSettings(text, paths.settings);
}

export const doctorCommand: Command = {
  name: 'doctor',
  usage: USAGE,
  options: { json: { type: 'boolean' } },
  async run(rest, flags) {
    expectArgs('doctor', rest, USAGE);
    const paths = homePaths();
    const loaded = await loadSettings(paths);
    const runner = createCommandRunner();
    // With a broken file the checks run against the defaults; the settings check itself reports the problem.
    const settings = loaded.ok ? loaded.settings : defaultSettings();
    const checks = await runDoctor({
      settings,
      paths,
      runner,
      ports: createPortProbe(runner),
      collectors: () => collectorHealth(paths, settings, runner),
    });
    print(flags.json === true, checks, () => `${formatDoctor(checks)}\n`);
    return checks.every((c) => c.ok) ? EXIT.ok : EXIT.failure;
  },
};

/** Collector health for doctor: what the running instance sees, else one run of each collector here and now. */
async function collectorHealth(paths: Paths, settings: Settings, runner: ReturnType<typeof createCommandRunner>): Promise<CollectorHealth> {
  const info = await readServeFile(paths);
  if (info) {
    try {
      const { collectors } = await createHttpClient({ baseUrl: info.url, token: info.token, timeoutMs: 5_000 }).metrics.get();
      if (collectors.length) return { statuses: collectors, source: `from the running Lookout, pid ${info.pid}` };
    } catch {
      // not answering: run the collectors here instead
    }
  }
  const { demo } = await readDemoFile(paths.home);
  return { statuses: await checkCollectors({ settings, runner, demo }), source: 'one run now' };
}
