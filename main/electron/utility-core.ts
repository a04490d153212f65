import { utilityProcess } from 'electron';
import type { CoreChild, CoreLauncher } from './core-supervisor';

/**
 * The core host as an Electron utilityProcess: a Node process of Electron's own (no ELECTRON_RUN_AS_NODE,
 * which the packaged app's fuses turn off), messages over its parentPort. The supervisor sees it only as a
 * CoreChild; the tests fork the same entry with child_process.fork (test/fakes/utility-process-stand-in.ts).
 */
export function utilityProcessLauncher(entry: string, args: string[] = []): CoreLauncher {
  return (): CoreChild => {
    const proc = utilityProcess.fork(entry, args, { serviceName: 'Lookout core', stdio: 'inherit' });
    return {
      get pid() {
        return proc.pid;
      },
      postMessage: (message) => proc.postMessage(message),
      onMessage: (listener) => void proc.on('message', listener),
      // Electron reports the exit status only (a signal shows as its code).
      onExit: (listener) => void proc.once('exit', (code) => listener({ code, signal: null })),
      kill(signal) {
        // kill() is SIGTERM (the core host's orderly stop); SIGKILL needs the pid.
        if (signal === 'SIGTERM' || proc.pid === undefined) proc.kill();
        else process.kill(proc.pid, 'SIGKILL');
      },
    };
  };
}
