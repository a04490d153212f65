import { runDemoCommand } from '../reference/demo-command';
import { parseRate } from '../reference/traffic';
import type { ReferenceServiceName } from '../reference/running-service';
import { expectArgs, homePaths, parsePort, str, usageError, type Command } from './command';

const USAGE = `  demo [--traffic RATE] [--llm-port N] [--memory-port N] [--gui-port N]
                               Run the reference LLM, memory and GUI servers as scrape targets until Ctrl-C
                               (RATE: requests per second through them; ports default to free ones)
`;

const SERVICES: ReferenceServiceName[] = ['llm', 'memory', 'gui'];

export const demoCommand: Command = {
  name: 'demo',
  usage: USAGE,
  options: { traffic: { type: 'string' }, 'llm-port': { type: 'string' }, 'memory-port': { type: 'string' }, 'gui-port': { type: 'string' } },
  async run(rest, flags) {
    expectArgs('demo', rest, USAGE);
    const trafficFlag = str(flags.traffic);
    let traffic: number | undefined;
    try {
      traffic = trafficFlag === undefined ? undefined : parseRate(trafficFlag);
    } catch (err) {
      throw usageError((err as Error).message, USAGE);
    }
    const serviceArgs: Partial<Record<ReferenceServiceName, string[]>> = {};
    for (const name of SERVICES) {
      const port = str(flags[`${name}-port`]);
      if (port !== undefined) serviceArgs[name] = ['--port', String(parsePort(port, USAGE, `--${name}-port`))];
    }
    // The children run this same program as `demo-service` (dist/main/cli.js, or main/cli.ts under tsx).
    return runDemoCommand({ home: homePaths().home, traffic, serviceArgs, cliEntry: process.argv[1]! });
  },
};
