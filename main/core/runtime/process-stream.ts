import { spawn } from 'node:child_process';
import readline from 'node:readline';
import type { ExitInfo } from '../ports';

/** A long-running tool whose output is read as it comes (brew install, docker compose up/events). */
export interface StreamRequest {
  command: string;
  args: string[];
  /** Added to the inherited environment (brew and docker need HOME, PATH, DOCKER_HOST, …). */
  env?: Record<string, string>;
  cwd?: string;
  /** Each line of stdout or stderr as it arrives; a carriage return (progress bars) ends a line too. */
  onLine?(line: string, stream: 'stdout' | 'stderr'): void;
}

export interface StreamedProcess {
  readonly pid: number;
  /** Resolves once, when the process has exited and its output has been read. */
  readonly exited: Promise<ExitInfo>;
  /** Signal the process and its children (its process group); false when it is gone. */
  kill(signal: NodeJS.Signals): boolean;
}

/**
 * The port for streamed tools, beside CommandRunner (short tools, output at the end) and Spawner
 * (components, output to a log file). Tests pass the real one with stand-in executables on PATH.
 */
export interface ProcessStreamer {
  start(req: StreamRequest): StreamedProcess;
}

/**
 * The real ProcessStreamer: no shell; the child leads its own process group so a cancel reaches what it
 * started too (brew runs curl, docker compose runs plugins), and `exited` waits for both pipes to drain
 * so no last line (the error message) is lost.
 */
export function createProcessStreamer(): ProcessStreamer {
  return {
    start(req) {
      const child = spawn(req.command, req.args, { cwd: req.cwd, env: { ...process.env, ...req.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const drained = (['stdout', 'stderr'] as const).map(
        (name) =>
          new Promise<void>((resolve) => {
            const stream = child[name];
            if (!stream) return resolve();
            const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
            rl.on('line', (line) => req.onLine?.(line, name));
            rl.once('close', resolve);
          }),
      );
      const exited = new Promise<ExitInfo>((resolve) => {
        child.once('error', (err) => resolve({ code: null, signal: null, error: err.message }));
        child.once('close', (code, signal) => resolve({ code, signal }));
      }).then(async (info) => {
        await Promise.all(drained);
        return info;
      });
      return {
        pid: child.pid ?? -1,
        exited,
        kill(signal) {
          if (!child.pid || child.exitCode !== null || child.signalCode !== null) return false;
          try {
            process.kill(-child.pid, signal);
            return true;
          } catch {
            return child.kill(signal);
          }
        },
      };
    },
  };
}
