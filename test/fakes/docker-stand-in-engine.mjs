// The docker STAND-IN's "engine" scenario: no Docker engine runs on the Linux test machines, so here a
// container of Lookout's compose project is the Debian build of the same program, run as a host process
// with the service's command from the rendered compose file. That lets the supervisor's Docker runtime be
// tested end to end — up --wait, readiness on the published loopback port, a crash seen through
// `events`, stop with a grace period, adoption through `ps` — with real Prometheus, Alertmanager and
// node_exporter. What it changes from a real engine, and why:
//   - `0.0.0.0:<port>` in a command becomes `127.0.0.1:<port>`: the container's own interface is the host's
//     loopback publish here (a real engine binds the container on all of its interfaces and publishes
//     127.0.0.1:<port> on the host);
//   - a named volume's target (`/prometheus`) becomes `<dir>/volumes/<volume>`; `--path.rootfs=/host` goes;
//   - service names do not resolve (there is no project network), so Prometheus' `alertmanager:9093`
//     target stays down — Lookout's own checks go through the published ports, as on a Mac.
// Output formats are the same as the other scenarios' (docker-stand-in.md): plain progress lines on stderr,
// `ps --format json` JSON Lines, `events --json` with `die` and its exitCode.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** Images the stand-in can run, and the Debian binary that plays each. */
const BINARIES = {
  'prom/prometheus': '/usr/bin/prometheus',
  'prom/alertmanager': '/usr/bin/prometheus-alertmanager',
  'prom/node-exporter': '/usr/bin/prometheus-node-exporter',
};

// Runs the binary, passes SIGTERM/SIGINT on, and records how it ended the way Docker reports it (128 + signal).
const WRAPPER = `
const [exitFile, bin, ...args] = process.argv.slice(1);
const fs = require('node:fs');
const c = require('node:child_process').spawn(bin, args, { stdio: 'inherit' });
fs.writeFileSync(exitFile + '.pid', String(c.pid));
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => c.kill(s));
c.on('exit', (code, sig) => { fs.writeFileSync(exitFile, String(code ?? 128 + require('node:os').constants.signals[sig])); process.exit(0); });
`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function engine({ here, project, file, sub, rest, out, err }) {
  // One state file per container, replaced atomically: `up`s of different services run at the same time.
  const dir = path.join(here, 'containers');
  mkdirSync(dir, { recursive: true });
  const load = () => ({
    containers: Object.fromEntries(
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .flatMap((f) => {
          try {
            return [[f.slice(0, -5), JSON.parse(readFileSync(path.join(dir, f), 'utf8'))]];
          } catch {
            return []; // removed by a `down` meanwhile
          }
        }),
    ),
  });
  const save = (svc, c) => {
    const file = path.join(dir, `${svc}.json`);
    if (!c) return rmSync(file, { force: true });
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(c));
    renameSync(`${file}.${process.pid}`, file);
  };
  const services = () => parse(readFileSync(file, 'utf8')).services ?? {};
  const name = (svc) => `${project}-${svc}-1`;
  // Service names: the arguments that are neither flags nor a flag's value.
  const positional = (args) => args.filter((a, i) => !a.startsWith('-') && !/^(-t|-s|--wait-timeout|--timeout|--signal|--format)$/.test(args[i - 1] ?? ''));
  const running = (c) => c && alive(c.pid) && !existsSync(c.exitFile);
  const exitCode = (c) => (c && existsSync(c.exitFile) ? Number(readFileSync(c.exitFile, 'utf8')) : 137);
  const step = (id, text) => err(` ${id}  ${text}`);

  function start(svc, def) {
    const repo = def.image.replace(/:[^/]*$/, '');
    const bin = BINARIES[repo];
    if (!bin) {
      err(`Error response from daemon: the stand-in cannot run ${def.image} (only ${Object.keys(BINARIES).join(', ')})`);
      process.exit(1);
    }
    const volumes = Object.fromEntries((def.volumes ?? []).filter((v) => v.type === 'volume').map((v) => [v.target, path.join(here, 'volumes', v.source)]));
    for (const d of Object.values(volumes)) mkdirSync(d, { recursive: true });
    const args = (def.command ?? [])
      .filter((a) => !a.startsWith('--path.rootfs='))
      .map((a) => a.replace(/=0\.0\.0\.0:/, '=127.0.0.1:'))
      .map((a) => {
        const m = /^(--[\w.-]+=)(\/[^=]*)$/.exec(a);
        const target = m && Object.keys(volumes).find((t) => m[2] === t || m[2].startsWith(`${t}/`));
        return target ? `${m[1]}${volumes[target]}${m[2].slice(target.length)}` : a;
      });
    const exitFile = path.join(dir, `${svc}.exit`);
    for (const f of [exitFile, `${exitFile}.pid`]) rmSync(f, { force: true });
    const log = openSync(path.join(dir, `${svc}.log`), 'a');
    const child = spawn(process.execPath, ['-e', WRAPPER, exitFile, bin, ...args], { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    return { pid: child.pid, exitFile, image: def.image, healthcheck: def.healthcheck?.test ?? null, ports: def.ports ?? [], definition: JSON.stringify(def) };
  }

  async function healthy(c) {
    // The images' health checks are `wget -q -O /dev/null <url>` (or, behind lock-down, a 401 counts): GET it.
    const url = c.healthcheck?.join(' ').match(/http:\/\/\S+?(?=['\s]|$)/)?.[0];
    if (!url) return running(c);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return res.ok || res.status === 401;
    } catch {
      return false;
    }
  }

  const state = load();
  switch (sub) {
    case 'up': {
      const defs = services();
      const wanted = positional(rest);
      const timeoutS = Number(rest[rest.indexOf('--wait-timeout') + 1] ?? 180) || 180;
      for (const svc of wanted.length ? wanted : Object.keys(defs)) {
        const def = defs[svc];
        if (!def) {
          err(`no such service: ${svc}`);
          process.exit(1);
        }
        const c = state.containers[svc];
        // Compose recreates a container whose definition changed and leaves a matching running one alone.
        if (running(c) && c.definition === JSON.stringify(def)) {
          step(`Container ${name(svc)}`, 'Running');
        } else {
          if (running(c)) await stopOne(c, 10);
          step(`Container ${name(svc)}`, c ? 'Recreate' : 'Creating');
          state.containers[svc] = start(svc, def);
          save(svc, state.containers[svc]);
          step(`Container ${name(svc)}`, 'Started');
        }
        if (!rest.includes('--wait')) continue;
        step(`Container ${name(svc)}`, 'Waiting');
        const deadline = Date.now() + timeoutS * 1000;
        for (;;) {
          const now = state.containers[svc];
          if (!running(now)) {
            err(`container ${name(svc)} exited (${exitCode(now)})`);
            process.exit(1);
          }
          if (await healthy(now)) break;
          if (Date.now() > deadline) {
            err(`container ${name(svc)} is unhealthy`);
            process.exit(1);
          }
          await sleep(200);
        }
        step(`Container ${name(svc)}`, 'Healthy');
      }
      return;
    }
    case 'ps': {
      const wanted = positional(rest);
      const all = rest.includes('--all') || rest.includes('-a');
      for (const [svc, c] of Object.entries(state.containers)) {
        if (wanted.length && !wanted.includes(svc)) continue;
        const up = running(c);
        if (!up && !all) continue;
        out(JSON.stringify({ ExitCode: up ? 0 : exitCode(c), Health: '', ID: String(c.pid), Image: c.image, Name: name(svc), Project: project, Publishers: [], Service: svc, State: up ? 'running' : 'exited', Status: up ? 'Up' : `Exited (${exitCode(c)})` }));
      }
      return;
    }
    case 'stop':
    case 'kill': {
      const t = Number(rest[rest.indexOf('-t') + 1]);
      for (const svc of positional(rest)) {
        const c = state.containers[svc];
        if (!running(c)) continue;
        step(`Container ${name(svc)}`, sub === 'stop' ? 'Stopping' : 'Killing');
        if (sub === 'stop') await stopOne(c, Number.isFinite(t) ? t : 10);
        else killBinary(c, 'SIGKILL');
        step(`Container ${name(svc)}`, sub === 'stop' ? 'Stopped' : 'Killed');
      }
      return;
    }
    case 'down': {
      for (const [svc, c] of Object.entries(state.containers)) {
        if (running(c)) await stopOne(c, 10);
        save(svc, null);
      }
      return;
    }
    case 'events': {
      // Polls the "containers" and reports each one that ends as a `die` with its exit code, until stopped.
      const wanted = positional(rest.filter((a) => a !== '--json'));
      const seen = new Map();
      for (;;) {
        const now = load();
        for (const [svc, c] of Object.entries(now.containers)) {
          if (wanted.length && !wanted.includes(svc)) continue;
          const key = `${svc}:${c.pid}`;
          const up = running(c);
          if (seen.get(key) === true && !up) {
            out(JSON.stringify({ action: 'die', attributes: { exitCode: String(exitCode(c)), image: c.image, name: name(svc) }, id: String(c.pid), service: svc, time: new Date().toISOString(), type: 'container' }));
          }
          seen.set(key, up);
        }
        await sleep(100);
      }
    }
    default:
      err(`unknown docker compose command: ${sub}`);
      process.exit(1);
  }
}

function binaryPid(c) {
  try {
    return Number(readFileSync(`${c.exitFile}.pid`, 'utf8')) || null;
  } catch {
    return null;
  }
}

function killBinary(c, signal) {
  const pid = binaryPid(c);
  try {
    process.kill(pid ?? c.pid, signal);
  } catch {
    // already gone
  }
}

/** `docker stop`: SIGTERM, then SIGKILL after the grace period. */
async function stopOne(c, graceS) {
  killBinary(c, 'SIGTERM');
  const deadline = Date.now() + graceS * 1000;
  while (Date.now() < deadline) {
    if (existsSync(c.exitFile)) return;
    await sleep(100);
  }
  killBinary(c, 'SIGKILL');
  while (!existsSync(c.exitFile)) await sleep(100);
}
