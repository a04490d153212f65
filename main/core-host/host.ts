/**
 * The core host: the menubar app's core and HTTP listener in a process of their own (an Electron
 * utilityProcess), started the way `lookout serve` starts them (startLookout), so a busy collector or a
 * slow query never stalls the tray, and a crash is a restart rather than the app gone. The shell talks
 * to it as an HTTP/SSE client like the browser and the CLI; the parent port carries only the handshake
 * and what Electron's main process alone can do (notifications, safeStorage): common/core-host.ts.
 */
import { parseArgs } from 'node:util';
import { startLookout, type RunningLookout } from '../index';
import { createEncryptedSecrets } from '../core/adapters/encrypted-secrets';
import { paths as layout, resolveHome } from '../core/paths';
import { readServeFile } from '../server/serve-file';
import { createParentLink, type ParentLink, type ParentPort } from './parent-link';

export interface HostOptions {
  port: ParentPort;
  /** `--port N` (default: settings' lookout.port), `--home DIR` (default: LOOKOUT_HOME or the platform's). */
  argv: string[];
  exit?: (code: number) => void;
}

/** A start that cannot succeed however often it is tried. */
class NoRetryError extends Error {}

/** Start the core for the shell on `port`; resolves once it runs, or once it has said why it could not. */
export async function runHost(opts: HostOptions): Promise<void> {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const link = createParentLink(opts.port);
  let lookout: RunningLookout | null = null;
  let stopping = false;
  // Asked before the core is up (a quit during start): stop as soon as it is.
  let stopRequested = false;

  const stop = (why: string) => {
    stopRequested = true;
    if (!lookout || stopping) return;
    stopping = true;
    const running = lookout;
    running.logger.info({ why }, 'core host stopping');
    running.stop().then(
      () => exit(0),
      (err: unknown) => {
        process.stderr.write(`lookout core host: ${(err as Error).message}\n`);
        exit(1);
      },
    );
  };
  link.onStop(() => stop('the menubar app asked (or went away)'));
  // utilityProcess.kill() sends SIGTERM: the same orderly stop.
  process.once('SIGTERM', () => stop('SIGTERM'));

  try {
    const { values } = parseArgs({ args: opts.argv, options: { port: { type: 'string' }, home: { type: 'string' } }, strict: true, allowPositionals: false });
    lookout = await start(link, { home: values.home ?? resolveHome(), port: values.port === undefined ? undefined : parsePort(values.port) });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`lookout core host: ${message}\n`);
    await link.failed(message, !(err instanceof NoRetryError)).catch(() => undefined);
    return exit(1);
  }
  await link.ready({ url: lookout.server.url, token: lookout.token, pid: process.pid });
  if (stopRequested) stop('the menubar app asked while the core was starting');
}

async function start(link: ParentLink, where: { home: string; port: number | undefined }): Promise<RunningLookout> {
  const paths = layout(where.home);
  // Two instances would supervise the same processes and fight over them (`lookout serve` refuses the same way).
  const other = await readServeFile(paths);
  if (other && other.pid !== process.pid) throw new NoRetryError(`Lookout is already running for ${paths.home} at ${other.url} (pid ${other.pid}); quit it first.`);
  // Receiver secrets encrypted with the shell's safeStorage; Alertmanager's 0600 copies re-created before it reads them.
  const secrets = createEncryptedSecrets(paths.secretsDir, link.cipher);
  await secrets.restore();
  return startLookout({ mode: 'electron', home: where.home, port: where.port, staticDir: null, notifier: link.notifier, secrets });
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65_535) throw new Error(`--port must be a port number (0–65535), not ${JSON.stringify(text)}`);
  return n;
}
