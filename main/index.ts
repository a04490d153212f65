/**
 * Composition root: the only place that picks real adapters for core's ports. Both shells (the
 * Electron app and `lookout serve`) start through `startLookout`, so they run the same core and the
 * same local HTTP listener (API, /metrics for Prometheus, Alertmanager's webhook).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { systemClock } from './core/adapters/clock';
import { createCommandRunner } from './core/adapters/command-runner';
import { createHealthProbe } from './core/adapters/health-probe';
import { createPortProbe } from './core/adapters/port-probe';
import { createProcessSpawner } from './core/adapters/process-spawner';
import type { Core, CoreDeps } from './core/core';
import { createNodeNotifier } from './core/adapters/node-notifier';
import type { Notifier, Secrets } from './core/alerts/ports';
import { createCore } from './core/create-core';
import { paths as layout, resolveHome } from './core/paths';
import { ensureToken, ensureWebhookToken } from './core/secrets';
import { closeLogger, createLogger } from './core/telemetry/logger';
import { startServer, type RunningServer } from './server/http';
import { removeServeFile, writeServeFile } from './server/serve-file';

export interface LookoutOptions {
  mode: 'electron' | 'serve';
  /** Overrides LOOKOUT_HOME and the platform default. */
  home?: string;
  logger?: Logger;
  timings?: CoreDeps['timings'];
  /** Desktop notifications; default node-notifier (notify-send on Linux). The Electron shell passes its own; null shows none. */
  notifier?: Notifier | null;
  /** Receiver secrets store; default 0600 files. The Electron shell passes its safeStorage adapter. */
  secrets?: Secrets;
  alertTimings?: CoreDeps['alertTimings'];
}

/** The app's version from package.json (dist/main/*.js sits two levels below it). */
export function appVersion(): string {
  try {
    const here = path.dirname(fileURLToPath(import.meta.url));
    for (const candidate of [path.join(here, '..', '..', 'package.json'), path.join(here, '..', 'package.json')]) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'lookout' && pkg.version) return pkg.version;
      } catch {
        // try the next candidate
      }
    }
  } catch {
    // fall through
  }
  return '0.0.0';
}

/** Build the core from the real adapters (not yet initialised: call `core.init()`). */
export function createLookout(opts: LookoutOptions): Core {
  const home = opts.home ?? resolveHome();
  const logger = opts.logger ?? createLogger(layout(home));
  const runner = createCommandRunner();
  return createCore({
    home,
    mode: opts.mode,
    version: appVersion(),
    clock: systemClock,
    spawner: createProcessSpawner(),
    health: createHealthProbe(),
    ports: createPortProbe(runner),
    runner,
    logger,
    timings: opts.timings,
    notifier: opts.notifier === undefined ? createNodeNotifier() : opts.notifier,
    secrets: opts.secrets,
    alertTimings: opts.alertTimings,
  });
}

export interface StartOptions extends LookoutOptions {
  /** Port for Lookout's own listener; settings' lookout.port when omitted. */
  port?: number;
  /** The built UI to serve (browser mode), or null (the Electron popover loads it from disk). */
  staticDir: string | null;
}

/** A running Lookout: core initialised, local listener up, serve.json published. */
export interface RunningLookout {
  core: Core;
  server: RunningServer;
  token: string;
  logger: Logger;
  /** Close the listener, release the core (leaving or stopping the stack per settings), unpublish serve.json. */
  stop(): Promise<void>;
}

/**
 * Start Lookout the same way in both shells: core, then the 127.0.0.1 listener (API, UI, /metrics,
 * Alertmanager webhook), then serve.json so the CLI and scripts can find this instance.
 */
export async function startLookout(opts: StartOptions): Promise<RunningLookout> {
  const home = opts.home ?? resolveHome();
  const paths = layout(home);
  const logger = opts.logger ?? createLogger(paths);
  const core = createLookout({ ...opts, home, logger });
  const token = await ensureToken(paths);
  await core.init();
  let server: RunningServer;
  try {
    server = await startServer({
      core,
      token,
      webhookToken: await ensureWebhookToken(paths),
      port: opts.port ?? core.settings().lookout.port,
      staticDir: opts.staticDir,
      logger,
    });
  } catch (err) {
    await core.dispose();
    throw err;
  }
  await writeServeFile(paths, { url: server.url, port: server.port, token, pid: process.pid });
  logger.info({ url: server.url, mode: opts.mode }, 'Lookout running');

  return {
    core,
    server,
    token,
    logger,
    async stop() {
      const failures: unknown[] = [];
      // The supervisor's timers and the components' process handles are unref'd, so that a pending
      // backoff never keeps Lookout alive on its own. Stopping waits on exactly those, so hold the event
      // loop open until every step is done: without this, Node exited after Prometheus had stopped and
      // left Alertmanager and node_exporter running.
      const keepAlive = setInterval(() => undefined, 60_000);
      try {
        // Each step runs even when an earlier one failed: a stuck listener must not leave serve.json behind.
        for (const step of [() => server.close(), () => core.dispose(), () => removeServeFile(paths)]) {
          await step().catch((err: unknown) => failures.push(err));
        }
        // Lookout's own logger only: one passed in belongs to the caller.
        if (!opts.logger) await closeLogger(logger);
      } finally {
        clearInterval(keepAlive);
      }
      if (failures.length) throw new AggregateError(failures, `stopping Lookout: ${failures.map((e) => (e as Error).message).join('; ')}`);
    },
  };
}
