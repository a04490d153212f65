#!/usr/bin/env node
// A stand-in for the docker CLI with the Compose v2 plugin, installed as `<dir>/docker` by
// test/fakes/install-docker-stand-in.ts. It prints what docker and docker compose print (formats and
// their sources in docker-stand-in.md) and keeps the "project" state in `<dir>/docker-stand-in-state.json`.
// Behaviour comes from `<dir>/docker-stand-in.json`:
//   { "scenario": "ok" | "daemon-down" | "unhealthy" | "crash", "composeVersion": "2.39.1",
//     "context": "desktop-linux", "operatingSystem": "Docker Desktop" }
// Every invocation is appended to `<dir>/docker-invocations.jsonl`.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

// Installed as a shim that names the dir holding its config and state (install-docker-stand-in.ts).
const here = process.env.DOCKER_STAND_IN_DIR ?? path.dirname(process.argv[1]);
const config = JSON.parse(readFileSync(path.join(here, 'docker-stand-in.json'), 'utf8'));
const argv = process.argv.slice(2);
appendFileSync(path.join(here, 'docker-invocations.jsonl'), `${JSON.stringify({ argv, pid: process.pid })}\n`);
const statePath = path.join(here, 'docker-stand-in-state.json');
const state = () => (existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : { up: false, services: [], volumes: [] });
const save = (s) => writeFileSync(statePath, JSON.stringify(s));
const out = (s) => process.stdout.write(`${s}\n`);
const err = (s) => process.stderr.write(`${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SOCKET = 'unix:///Users/me/.docker/run/docker.sock';
// docker/cli: client.ErrorConnectionFailed
const DAEMON_DOWN = `Cannot connect to the Docker daemon at ${SOCKET}. Is the docker daemon running?`;
const versionAtLeast = (v, min) => {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};
const id64 = (s) => createHash('sha256').update(s).digest('hex');

/** Services, images, ports, volumes and health checks from the rendered compose file (Lookout's own layout). */
function readProject(file) {
  const services = [];
  const volumes = [];
  let section = null;
  let svc = null;
  let inPorts = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\S/.test(line)) {
      section = line.replace(/:.*$/, '');
      svc = null;
      continue;
    }
    if (section === 'volumes') {
      const m = /^ {2}([\w.-]+):/.exec(line);
      if (m) volumes.push(m[1]);
      continue;
    }
    if (section !== 'services') continue;
    let m;
    if ((m = /^ {2}([\w.-]+):\s*$/.exec(line))) {
      svc = { name: m[1], image: '', ports: [], healthcheck: false };
      services.push(svc);
      inPorts = false;
    } else if (svc && (m = /^ {4}image: (\S+)/.exec(line))) svc.image = m[1];
    else if (svc && /^ {4}healthcheck:/.test(line)) svc.healthcheck = true;
    else if (svc && /^ {4}ports:/.test(line)) inPorts = true;
    else if (svc && inPorts && (m = /^ {6}- "?([^"\s]+)"?/.exec(line))) svc.ports.push(m[1]);
    else if (/^ {4}\S/.test(line)) inPorts = false;
  }
  return { services, volumes };
}

/** One `--progress json` line (compose cmd/display/json.go jsonMessage). */
const progress = (o) => err(JSON.stringify(o));

function publishers(ports) {
  return ports.map((p) => {
    const parts = p.split(':');
    // "127.0.0.1:9090:9090" → URL 127.0.0.1; a bare "9090:9090" is what Docker reports as 0.0.0.0.
    const [url, published, target] = parts.length === 3 ? parts : ['0.0.0.0', parts[0], parts[1]];
    return { URL: url, TargetPort: Number(target), PublishedPort: Number(published), Protocol: 'tcp' };
  });
}

async function compose(args) {
  // Global flags come before the subcommand: --progress, -p, -f.
  let progressMode = 'auto';
  let project = 'default';
  let file = null;
  let i = 0;
  for (; i < args.length; i++) {
    if (args[i] === '--progress') progressMode = args[++i];
    else if (args[i] === '-p') project = args[++i];
    else if (args[i] === '-f') file = args[++i];
    else break;
  }
  const [sub, ...rest] = args.slice(i);
  if (sub === 'version') {
    out(rest.includes('--short') ? config.composeVersion : `Docker Compose version v${config.composeVersion}`);
    return;
  }
  if (progressMode === 'json' && !versionAtLeast(config.composeVersion, '2.29.0')) {
    err(`invalid argument "json" for "--progress" flag: unsupported --progress value "json"`);
    process.exit(1);
  }
  if (config.scenario === 'daemon-down') {
    err(DAEMON_DOWN);
    process.exit(1);
  }
  if (config.scenario === 'engine') {
    const { engine } = await import('./docker-stand-in-engine.mjs');
    return engine({ here, project, file, sub, rest, out, err });
  }
  const json = progressMode === 'json';
  const proj = file ? readProject(file) : { services: [], volumes: [] };
  const step = (id, status, text, extra = {}) => (json ? progress({ id, status, text, ...extra }) : err(` ${id}  ${text}`));
  switch (sub) {
    case 'pull': {
      for (const s of proj.services) {
        const image = `Image ${s.image}`;
        step(image, 'Working', 'Pulling');
        for (const [n, total] of [[1, 3_500_000], [2, 12_000_000]]) {
          const layer = id64(`${s.image}${n}`).slice(0, 12);
          if (json) {
            progress({ id: layer, parent_id: image, status: 'Working', text: 'Downloading', details: '1.75MB', current: total / 2, total, percent: 50 });
            progress({ id: layer, parent_id: image, status: 'Working', text: 'Downloading', details: `${total / 1e6}MB`, current: total, total, percent: 100 });
            progress({ id: layer, parent_id: image, status: 'Done', text: 'Pull complete', percent: 100 });
          }
        }
        step(image, 'Done', 'Pulled');
      }
      return;
    }
    case 'up': {
      const s = state();
      step(`Network ${project}_default`, 'Done', 'Created');
      for (const v of proj.volumes) {
        step(`Volume ${project}_${v}`, 'Done', 'Created');
        if (!s.volumes.includes(v)) s.volumes.push(v);
      }
      s.services = proj.services;
      s.up = true;
      save(s);
      for (const svc of proj.services) {
        const c = `Container ${project}-${svc.name}-1`;
        step(c, 'Working', 'Creating');
        step(c, 'Done', 'Created');
        step(c, 'Done', 'Started');
      }
      for (const svc of proj.services) {
        const c = `Container ${project}-${svc.name}-1`;
        step(c, 'Working', 'Waiting');
        await sleep(20);
        if (config.scenario === 'unhealthy' && svc.name === 'prometheus') {
          step(c, 'Error', 'Error', { details: `container ${project}-${svc.name}-1 is unhealthy` });
          // compose pkg/compose/convergence.go isServiceHealthy: the error up --wait exits with.
          err(`container ${project}-${svc.name}-1 is unhealthy`);
          s.unhealthy = svc.name;
          save(s);
          process.exit(1);
        }
        step(c, 'Done', 'Healthy');
      }
      return;
    }
    case 'ps': {
      const s = state();
      const rows = s.up
        ? s.services.map((svc) => ({
            Command: `"/bin/${svc.name}"`,
            CreatedAt: '2026-08-20 10:00:00 +0000 UTC',
            ExitCode: 0,
            Health: svc.healthcheck ? (s.unhealthy === svc.name ? 'unhealthy' : 'healthy') : '',
            ID: id64(svc.name),
            Image: svc.image,
            Labels: `com.docker.compose.project=${project},com.docker.compose.service=${svc.name}`,
            LocalVolumes: '1',
            Mounts: '',
            Name: `${project}-${svc.name}-1`,
            Names: `${project}-${svc.name}-1`,
            Networks: `${project}_default`,
            Ports: '',
            Project: project,
            Publishers: publishers(svc.ports),
            RunningFor: '2 minutes ago',
            Service: svc.name,
            Size: '0B',
            State: 'running',
            Status: `Up 2 minutes${svc.healthcheck ? ' (healthy)' : ''}`,
          }))
        : [];
      if (versionAtLeast(config.composeVersion, '2.21.0')) {
        for (const r of rows) out(JSON.stringify(r));
      } else {
        // Before v2.21.0: one JSON array of the older, shorter objects.
        out(JSON.stringify(rows.map(({ ID, Name, Command, Project, Service, State, Health, ExitCode, Publishers }) => ({ ID, Name, Command, Project, Service, State, Health, ExitCode, Publishers }))));
      }
      return;
    }
    case 'events': {
      const s = state();
      // compose cmd/compose/events.go: {time, type, service, id, action, attributes} per line.
      const event = (svc, action, attributes = {}) =>
        out(JSON.stringify({ action, attributes: { image: svc.image, name: `${project}-${svc.name}-1`, ...attributes }, id: id64(svc.name), service: svc.name, time: new Date().toISOString(), type: 'container' }));
      for (const svc of s.services) event(svc, 'start');
      for (const svc of s.services) if (svc.healthcheck) event(svc, 'health_status: healthy');
      if (config.scenario === 'crash') {
        const victim = s.services.find((x) => x.name === 'prometheus');
        if (victim) {
          await sleep(50);
          event(victim, 'die', { exitCode: '2' });
        }
      }
      // Streams until it is stopped.
      await sleep(120_000);
      return;
    }
    case 'down': {
      const s = state();
      for (const svc of s.services) {
        const c = `Container ${project}-${svc.name}-1`;
        step(c, 'Working', 'Stopping');
        step(c, 'Done', 'Stopped');
        step(c, 'Done', 'Removed');
      }
      step(`Network ${project}_default`, 'Done', 'Removed');
      // Named volumes stay unless -v/--volumes is given.
      const keepVolumes = !rest.includes('-v') && !rest.includes('--volumes');
      save({ up: false, services: [], volumes: keepVolumes ? s.volumes : [] });
      return;
    }
    default:
      err(`unknown docker compose command: ${sub}`);
      process.exit(1);
  }
}

const [cmd, ...rest] = argv;
switch (cmd) {
  case 'context':
    if (rest[0] === 'show') out(config.context);
    break;
  case 'info':
    if (config.scenario === 'daemon-down') {
      // docker/cli system/info.go: with --format the client part is still printed, the connection error goes to stderr.
      out(JSON.stringify({ ClientInfo: { Debug: false, Version: '29.1.2', Context: config.context, Plugins: [{ Name: 'compose', Version: `v${config.composeVersion}` }] } }));
      err(DAEMON_DOWN);
      process.exit(1);
    }
    out(JSON.stringify({ ID: 'stand-in', Containers: 0, ServerVersion: '29.1.2', OperatingSystem: config.operatingSystem, OSType: 'linux', Architecture: 'aarch64', Name: config.context === 'colima' ? 'colima' : 'docker-desktop', NCPU: 8, MemTotal: 8_217_866_240 }));
    break;
  case 'compose':
    await compose(rest);
    break;
  default:
    err(`docker: '${cmd}' is not a docker command.`);
    process.exit(1);
}
