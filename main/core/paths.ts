import { chmodSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ComponentId } from '../../common/model';

/**
 * Everything Lookout writes lives under one home directory, so tests run in a temp dir.
 * LOOKOUT_HOME wins; otherwise the platform's per-user application data directory.
 */
export function resolveHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.LOOKOUT_HOME) return path.resolve(env.LOOKOUT_HOME);
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Lookout');
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share');
  return path.join(xdg, 'lookout');
}

/** The layout of a Lookout home. */
export interface Paths {
  home: string;
  settings: string;
  /** Rendered, validated configs in use by the running components. */
  stackDir: string;
  rulesDir: string;
  /** 0600 files referenced by rendered configs (`*_file` options). */
  secretsDir: string;
  /** Random API token, created once per home (0600). */
  tokenFile: string;
  /** Written by a running instance: { url, port, token, pid } (0600). */
  serveFile: string;
  logsDir: string;
  runDir: string;
  /** The embedded telemetry store (spans and log records), one DuckDB file. */
  telemetryStore: string;
  /** The log analysis' state (template miner, known error patterns), 0600. */
  logAnalysisState: string;
  dataDir(id: ComponentId): string;
  logFile(id: ComponentId): string;
  pidFile(id: ComponentId): string;
}

export function paths(home: string): Paths {
  const stackDir = path.join(home, 'stack');
  const logsDir = path.join(home, 'logs');
  const runDir = path.join(home, 'run');
  return {
    home,
    settings: path.join(home, 'settings.json'),
    stackDir,
    rulesDir: path.join(stackDir, 'rules'),
    secretsDir: path.join(home, 'secrets'),
    tokenFile: path.join(home, 'secrets', 'api-token'),
    serveFile: path.join(home, 'serve.json'),
    logsDir,
    runDir,
    telemetryStore: path.join(home, 'telemetry.duckdb'),
    logAnalysisState: path.join(home, 'state', 'log-analysis.json'),
    dataDir: (id) => path.join(home, 'data', id),
    logFile: (id) => path.join(logsDir, `${id}.log`),
    pidFile: (id) => path.join(runDir, `${id}.pid.json`),
  };
}

/**
 * Create the home (0700) or tighten an existing one: it holds settings, logs, rendered configs and
 * secrets, and a 0700 home keeps all of them from other local users whatever each file's own mode is.
 * Synchronous because the logger, which writes into it, is created first and synchronously.
 */
export function prepareHome(home: string): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and ignored for a dir that exists.
  chmodSync(home, 0o700);
}
