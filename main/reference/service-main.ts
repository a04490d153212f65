/**
 * One reference service as its own process: `lookout demo-service <memory|llm|gui> [options]`, which
 * `lookout demo` spawns. It reports `{type:"ready",…}` over the Node IPC channel when its parent has one
 * (and prints the same as a `ready {…}` line on stdout), and exits when told to stop or when its parent
 * goes away, so a killed demo never leaves services behind.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createTelemetry } from '../core/telemetry/kit';
import { startGuiServer } from './gui-server';
import { startLlmServer } from './llm-server';
import { startMemoryServer } from './memory-server';
import { REFERENCE_SERVICES, type ReferenceServiceName, type RunningService } from './running-service';

export const SERVICE_USAGE = `Usage: lookout demo-service <memory|llm|gui> [options]

  --port N           port on 127.0.0.1 (default 0: a free one)
  --socket PATH      memory: the Unix socket to serve IPC on; llm: the memory server's socket
  --llm-url URL      gui: the LLM server's base URL
  --log FILE         append JSON logs here (default stdout)
  --latency-ms N     llm: fixed simulated generation time (default 50)
  --per-token-ms N   llm: simulated time per completion token (default 1)
  --models A,B       llm: models served (default demo-small,demo-large)
`;

/** What a service tells its parent once it listens. */
export interface ReadyMessage {
  type: 'ready';
  name: ReferenceServiceName;
  url: string;
  port: number;
  pid: number;
  socketPath?: string;
}

function numberOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new Error(`--${name} must be a whole number (got ${value})`);
  return n;
}

/** Run one service until SIGTERM/SIGINT or the parent's exit; resolves to the exit code. */
export async function runReferenceService(argv: string[]): Promise<number> {
  let values: Record<string, string | undefined>;
  let name: string | undefined;
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        socket: { type: 'string' },
        'llm-url': { type: 'string' },
        log: { type: 'string' },
        'latency-ms': { type: 'string' },
        'per-token-ms': { type: 'string' },
        models: { type: 'string' },
      },
    });
    values = parsed.values;
    [name] = parsed.positionals;
    if (!name || !(REFERENCE_SERVICES as readonly string[]).includes(name)) throw new Error(`unknown service: ${name ?? '(none)'}`);
    if ((name === 'memory' || name === 'llm') && !values.socket) throw new Error(`${name} needs --socket PATH`);
    if (name === 'gui' && !values['llm-url']) throw new Error('gui needs --llm-url URL');
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${SERVICE_USAGE}`);
    return 2;
  }

  const service = name as ReferenceServiceName;
  const telemetry = createTelemetry({ service, logFile: values.log });
  // SIGHUP reopens the log file, the convention logrotate's rename rotation relies on (copytruncate needs nothing).
  const reopen = () => ((telemetry.logger as unknown as Record<symbol, { reopen?: () => void } | undefined>)[pino.symbols.streamSym])?.reopen?.();
  process.on('SIGHUP', reopen);
  const port = numberOption(values.port, 'port', 0);
  let running: RunningService;
  try {
    switch (service) {
      case 'memory':
        running = await startMemoryServer({ telemetry, port, socketPath: values.socket! });
        break;
      case 'llm':
        running = await startLlmServer({
          telemetry,
          port,
          memorySocket: values.socket!,
          latencyMs: numberOption(values['latency-ms'], 'latency-ms', 50),
          perTokenMs: numberOption(values['per-token-ms'], 'per-token-ms', 1),
          models: values.models?.split(',').map((m) => m.trim()).filter(Boolean),
        });
        break;
      case 'gui':
        running = await startGuiServer({ telemetry, port, llmUrl: values['llm-url']! });
        break;
    }
  } catch (err) {
    telemetry.logger.fatal({ err }, 'service failed to start');
    process.stderr.write(`${service}: ${(err as Error).message}\n`);
    return 1;
  }

  const ready: ReadyMessage = { type: 'ready', name: service, url: running.url, port: running.port, pid: process.pid, ...(running.socketPath ? { socketPath: running.socketPath } : {}) };
  telemetry.logger.info({ url: ready.url, port: ready.port, ...(ready.socketPath ? { socket: ready.socketPath } : {}) }, 'service listening');
  process.send?.(ready);
  process.stdout.write(`ready ${JSON.stringify(ready)}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (why: string) => {
      if (stopping) return;
      stopping = true;
      telemetry.logger.info({ why }, 'service stopping');
      void Promise.allSettled([running.close(), telemetry.shutdown()]).then(() => resolve(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    // The demo that started us is gone: do not outlive it.
    process.once('disconnect', () => stop('parent exited'));
  });
}
