// `npm start`: the menubar app when Electron can run here, else browser mode (`lookout serve`).
// Electron needs a display and its downloaded binary; when either is missing we say so in one line
// and fall back, rather than dumping the electron package's download stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Why Electron cannot start here, or null plus the binary path when it can. */
function electronUnavailable() {
  if (process.env.LOOKOUT_FORCE_BROWSER === '1') return { reason: 'LOOKOUT_FORCE_BROWSER=1 is set' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  // require('electron') returns the binary's path, but when the binary is missing it first tries to
  // download it and throws. Do that in a child with a timeout so its noise stays captured.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('electron')))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const binary = probe.status === 0 ? probe.stdout.trim() : '';
  if (!binary || !existsSync(binary)) {
    const why = probe.error?.code === 'ETIMEDOUT' ? 'resolving it timed out' : 'its binary is not installed and could not be downloaded';
    return { reason: `Electron is unavailable (${why})` };
  }
  return { reason: null, binary };
}

/** Run a child with our terminal output, pass SIGINT/SIGTERM/SIGHUP on exactly once, and exit with its status. */
function run(command, args, { onSpawnError } = {}) {
  // Its own process group: Ctrl-C in the terminal then reaches only us, and we forward it once.
  // (`lookout serve` treats a second SIGINT as "quit now, skip the orderly shutdown".)
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  const alive = () => child.exitCode === null && child.signalCode === null;
  let forwarded = false;
  const forward = (signal) => {
    forwarded = true;
    if (alive()) child.kill(signal);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, forward);
  // Should this script die of an error, do not leave the child running on its own.
  process.on('exit', () => alive() && child.kill('SIGTERM'));
  child.on('error', (err) => {
    for (const s of signals) process.off(s, forward);
    if (onSpawnError) onSpawnError(err);
    else {
      console.error(`lookout: could not start ${command}: ${err.message}`);
      process.exit(1);
    }
  });
  child.on('exit', (code, signal) => process.exit(code ?? (forwarded || signals.includes(signal) ? 0 : 1)));
}

function browserMode(reason) {
  console.log(`lookout: ${reason}; falling back to browser mode (lookout serve).`);
  run(process.execPath, [path.join(root, 'dist', 'main', 'cli.js'), 'serve']);
}

const probe = electronUnavailable();
if (probe.reason) browserMode(probe.reason);
// package.json "main" points Electron at dist/main/electron.js.
else run(probe.binary, [root], { onSpawnError: (err) => browserMode(`Electron could not be launched (${err.message})`) });
