import { fork } from 'node:child_process';
import path from 'node:path';
import type { CoreChild, CoreLauncher, CoreExit } from '../../main/electron/core-supervisor';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The core host's entry, run from source. */
export const CORE_HOST_ENTRY = path.join(ROOT, 'main', 'core-host', 'main.ts');

/**
 * A stand-in for Electron's utilityProcess (which cannot run here: the Electron binary's download is
 * blocked): child_process.fork with an IPC channel, so the child's `process.send` is its parent port,
 * as `process.parentPort` is in a utilityProcess. The core host speaks to either (main/core-host/parent-link.ts).
 * Children run from source under tsx; stderr is kept for failure messages.
 */
export function utilityProcessStandIn(entry: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): CoreLauncher & { children: CoreChild[]; output(): string } {
  const children: CoreChild[] = [];
  let output = '';
  const launch = (): CoreChild => {
    const proc = fork(entry, args, { cwd: ROOT, env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
    proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<CoreExit>((resolve) => {
      proc.once('exit', (code, signal) => resolve({ code, signal }));
      // A fork that could not start never exits; it errors.
      proc.once('error', (err) => {
        output += `fork failed: ${err.message}\n`;
        if (proc.pid === undefined) resolve({ code: null, signal: null });
      });
    });
    const child: CoreChild = {
      pid: proc.pid,
      postMessage(message) {
        if (proc.connected) proc.send(message);
      },
      onMessage: (listener) => void proc.on('message', listener),
      onExit: (listener) => void exited.then(listener),
      kill: (signal) => void proc.kill(signal),
    };
    children.push(child);
    return child;
  };
  return Object.assign(launch, { children, output: () => output });
}
