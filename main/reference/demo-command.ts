import { readFile } from 'node:fs/promises';
import { paths as layout } from '../core/paths';
import { defaultSettings } from '../core/settings/schema';
import { parseSettings } from '../core/settings/store';
import { readServeFile } from '../server/serve-file';
import { runDemo, type DemoOptions } from './demo';

export interface DemoCommandOptions {
  home: string;
  traffic?: number;
  /** Extra flags per service (the CLI's --llm-port and friends become --port). */
  serviceArgs?: DemoOptions['serviceArgs'];
  /** The running CLI's own file (dist/main/cli.js, or main/cli.ts under tsx): children run it as `demo-service`. */
  cliEntry: string;
}

/** Node flags worth passing to the children (a loader such as tsx), but never a debugger port they would fight over. */
function childExecArgv(): string[] {
  return process.execArgv.filter((a) => !/^--inspect/.test(a) && !/^--debug/.test(a));
}

/** `lookout demo`: look at the home (settings, running instance), then run the demo until Ctrl-C. */
export async function runDemoCommand(opts: DemoCommandOptions): Promise<number> {
  const paths = layout(opts.home);
  const text = await readFile(paths.settings, 'utf8').catch(() => null);
  const parsed = text === null ? null : parseSettings(text, paths.settings);
  const takenJobs = parsed?.ok ? parsed.settings.services.map((s) => s.name) : [];
  const receiver = (parsed?.ok ? parsed.settings : defaultSettings()).traces.receiver;
  const running = await readServeFile(paths).catch(() => null);
  return runDemo({
    home: opts.home,
    traffic: opts.traffic,
    serviceArgs: opts.serviceArgs,
    otlpEndpoint: receiver.enabled ? `http://127.0.0.1:${receiver.port}` : null,
    command: process.execPath,
    commandArgs: [...childExecArgv(), opts.cliEntry],
    lookoutUrl: running?.url ?? null,
    takenJobs,
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  });
}
