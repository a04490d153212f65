import path from 'node:path';
import type { CommandRunner } from '../ports';
import { CollectorError, type ExecOptions } from './collector';
import { toolNotFound } from '../missing-tool';

/** Runs a collector's tool: `(command, args, timeoutMs, opts)` → stdout, or a CollectorError. */
export type ToolRunner = (command: string, args: string[], timeoutMs: number, opts?: ExecOptions) => Promise<string>;

const firstLine = (text: string) => text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';

/**
 * Tools through the CommandRunner port (execFile: async, no shell, SIGKILL on timeout), with two
 * guarantees the collectors rely on:
 * - at most one run of the same command line in flight: a second caller shares the first one's result
 *   instead of spawning again (so a slow `top` never piles up);
 * - every failure becomes a CollectorError that names the tool and says what happened.
 */
export function createToolRunner(runner: CommandRunner): ToolRunner {
  const inFlight = new Map<string, Promise<string>>();
  return (command, args, timeoutMs, opts = {}) => {
    const key = `${opts.allowNonZero ? '1' : '0'}\0${command}\0${args.join('\0')}`;
    const running = inFlight.get(key);
    if (running) return running;
    const name = path.basename(command);
    const run = runner
      .run(command, args, { timeoutMs })
      .then(({ code, stdout, stderr }) => {
        if (code === 0 || (code !== null && opts.allowNonZero)) return stdout;
        if (code === null) {
          if (/ENOENT/.test(stderr)) throw new CollectorError(toolNotFound(name, { at: command }), true);
          if (/EACCES/.test(stderr)) throw new CollectorError(`${name} is not executable (${command})`);
          if (/timed out/.test(stderr)) throw new CollectorError(`${name} timed out after ${timeoutMs} ms`);
          throw new CollectorError(`${name} failed: ${firstLine(stderr) || 'no output'}`);
        }
        throw new CollectorError(`${name} exited with code ${code}${firstLine(stderr) ? `: ${firstLine(stderr)}` : ''}`);
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, run);
    return run;
  };
}
