import { execFile } from 'node:child_process';
import type { CommandRunner } from '../ports';

/** Tools we run print a few KB at most; the cap only guards against a runaway child. */
const MAX_BUFFER = 8 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The real CommandRunner: execFile (no shell, so arguments are never re-parsed), async, with a timeout.
 * It never rejects: a non-zero exit, a timeout or a failure to start all resolve with `code` (null when
 * the process did not exit normally) and whatever output there was, so callers can show the tool's own words.
 */
export function createCommandRunner(): CommandRunner {
  return {
    run(command, args, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      return new Promise((resolve) => {
        execFile(
          command,
          args,
          // SIGKILL: a validation tool that ignores its timeout must not linger behind us.
          { cwd: opts.cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_BUFFER, encoding: 'utf8', windowsHide: true },
          (error, stdout, stderr) => {
            if (!error) return resolve({ code: 0, stdout, stderr });
            const err = error as Omit<NodeJS.ErrnoException, 'code'> & { code?: number | string | null; killed?: boolean; signal?: NodeJS.Signals | null };
            if (typeof err.code === 'number') return resolve({ code: err.code, stdout, stderr });
            // Not a plain exit: spawn failure (ENOENT, EACCES), timeout, signal or output overflow.
            // `killed` is only set when execFile itself killed the child, i.e. on timeout.
            const why = err.killed
              ? `${command} timed out after ${timeoutMs} ms`
              : err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER'
                ? `${command} printed more than ${MAX_BUFFER} bytes`
                : err.signal
                  ? `${command} was killed by ${err.signal}`
                  : err.message;
            resolve({ code: null, stdout: stdout ?? '', stderr: [stderr, why].filter(Boolean).join('\n') });
          },
        );
      });
    },
  };
}
