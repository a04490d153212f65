import { spawn as spawnChild, execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { ExitInfo, ProcessHandle, Spawner } from '../ports';

/** How often an adopted process (not our child, so no exit event) is checked for liveness. */
const ATTACH_POLL_MS = 500;

/**
 * Spawns components detached, writing straight into their log file. Writing to a file rather than a
 * pipe matters: a pipe would break when Lookout exits, and Go programs die of SIGPIPE when stderr
 * breaks, which would make adoption after a Lookout restart impossible.
 */
export function createProcessSpawner(): Spawner {
  return {
    async spawn(req) {
      const log = await open(req.logFile, 'a', 0o600);
      try {
        await log.write(`--- lookout: ${new Date().toISOString()} starting ${req.command} ${req.args.join(' ')}\n`);
        const child = spawnChild(req.command, req.args, {
          cwd: req.cwd,
          env: req.env ?? process.env,
          detached: true,
          stdio: ['ignore', log.fd, log.fd],
        });
        child.unref();
        const exited = new Promise<ExitInfo>((resolve) => {
          child.once('error', (err) => resolve({ code: null, signal: null, error: err.message }));
          child.once('exit', (code, signal) => resolve({ code, signal }));
        });
        return {
          pid: child.pid ?? -1,
          exited,
          // Detached, so the child leads its own process group: signal the group, so that what the
          // component started itself (Grafana's plugin processes) stops with it.
          kill: (signal) => (child.pid ? signalGroup(child.pid, signal) : false),
        } satisfies ProcessHandle;
      } finally {
        // The child holds its own copy of the descriptor.
        await log.close();
      }
    },

    attach(pid) {
      if (!isAlive(pid)) return null;
      const exited = new Promise<ExitInfo>((resolve) => {
        const timer = setInterval(() => {
          if (!isAlive(pid)) {
            clearInterval(timer);
            // Not our child: the exit status is not ours to read.
            resolve({ code: null, signal: null });
          }
        }, ATTACH_POLL_MS);
        timer.unref();
      });
      return { pid, exited, kill: (signal) => signalGroup(pid, signal) };
    },

    async commandLine(pid) {
      if (process.platform === 'linux') {
        try {
          const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
          const argv = raw.split('\0').filter((s) => s.length > 0);
          return argv.length ? argv : null;
        } catch {
          return null;
        }
      }
      // macOS has no /proc; ps prints the full command line (space-joined, good enough for containment checks).
      return new Promise((resolve) => {
        execFile('ps', ['-ww', '-o', 'command=', '-p', String(pid)], { timeout: 2000 }, (err, stdout) => {
          const line = stdout.trim();
          resolve(err || !line ? null : line.split(/\s+/));
        });
      });
    },
  };
}

/** Alive and ours to signal (EPERM means somebody else's process reuses the pid). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch {
    return false;
  }
}

/** Signal the process group the pid leads; a process that is not a group leader (adopted from elsewhere) gets it alone. */
function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** A zombie still answers kill(0) but is gone for our purposes (Linux only; elsewhere assume not). */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // Synchronous on purpose: /proc reads never touch a disk, and this runs only on the slow adoption poll.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
