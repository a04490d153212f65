import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLookout } from '../index';
import { userUrl } from '../server/http';
import { readServeFile } from '../server/serve-file';
import { CliError, EXIT, expectArgs, homePaths, parsePort, str, type Command } from './command';

const USAGE = `  serve [--port N]             Run Lookout headless; prints the URL of the UI (with its token)
`;

/** The built UI: dist/renderer next to dist/main/cli.js; from a source checkout (tsx), the build in dist/. */
function findStaticDir(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, '..', 'renderer'), path.join(here, '..', '..', 'dist', 'renderer'), path.join(here, '..', 'dist', 'renderer')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html')) && existsSync(path.join(dir, 'assets'))) ?? null;
}

export const serveCommand: Command = {
  name: 'serve',
  usage: USAGE,
  options: { port: { type: 'string' } },
  async run(rest, flags) {
    expectArgs('serve', rest, USAGE);
    const portFlag = str(flags.port);
    const port = portFlag === undefined ? undefined : parsePort(portFlag, USAGE);
    const paths = homePaths();
    const running = await readServeFile(paths);
    if (running) {
      // Two instances would supervise the same processes and fight over them.
      throw new CliError(`Lookout is already running for ${paths.home} at ${running.url} (pid ${running.pid}).`, EXIT.failure);
    }

    const lookout = await startLookout({ mode: 'serve', home: paths.home, port, staticDir: findStaticDir() });
    process.stdout.write(`Lookout is running: ${userUrl(lookout.server.url, lookout.token)}\n`);

    return new Promise<number>((resolve) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        // A second Ctrl-C means "now": skip the orderly shutdown.
        if (stopping) process.exit(EXIT.failure);
        stopping = true;
        lookout.logger.info({ signal }, 'shutting down');
        lookout.stop().then(
          () => resolve(EXIT.ok),
          (err: unknown) => {
            process.stderr.write(`lookout: ${(err as Error).message}\n`);
            resolve(EXIT.failure);
          },
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};
