import { createWriteStream } from 'node:fs';
import type { CommandRunner, ExitInfo, ProcessHandle, Spawner } from '../ports';
import { COMPOSE_PROJECT } from './compose-file';
import { jsonMsg, parseComposeEvent, parseComposePs } from './compose-output';
import type { ProcessStreamer } from './process-stream';

/*
 * The Docker runtime behind the supervisor's Spawner port: a component's "process" is its container in
 * Lookout's compose project. The supervisor keeps doing what it does for a native process — start, wait
 * for readiness on the published loopback port, health checks, restart with backoff, stop with a grace
 * period, adoption after a Lookout restart — and this module turns each step into a compose command:
 *
 *   spawn      → `docker compose … up --detach --wait --no-deps <service>` (pull progress to the log file)
 *   exited     → a `die` from `docker compose … events --json <service>`, or the events stream ending
 *   SIGTERM    → `docker compose … stop -t <grace> <service>`      SIGKILL → `… kill -s SIGKILL <service>`
 *   attach     → the container is running (`ps --format json`): adopted, not started again
 *
 * A container's pid is inside the engine (on a Mac, inside its VM), so handles carry the container's name
 * and pid 0; nothing here signals a host pid.
 */

/** Where the compose project is and which of its services this component is. */
export interface ContainerTarget {
  docker: string;
  /** The rendered docker-compose.yml. */
  file: string;
  service: string;
  /** `up --wait` gives up after this long. */
  waitTimeoutS: number;
  /** Seconds `stop` gives the container between SIGTERM and SIGKILL (the component's grace period). */
  stopGraceS: number;
}

/** How long after starting `events` the container's state is checked once by `ps`. */
const SUBSCRIBE_GRACE_MS = 2_000;

export const composeBase = (t: Pick<ContainerTarget, 'file'>): string[] => ['compose', '-p', COMPOSE_PROJECT, '-f', t.file];

/** The command that starts (or, when its definition changed, recreates) one service and waits until it is healthy. */
export const upArgs = (t: Omit<ContainerTarget, 'docker' | 'stopGraceS'>): string[] => [
  ...composeBase(t),
  'up',
  '--detach',
  '--wait',
  '--wait-timeout',
  String(t.waitTimeoutS),
  '--no-deps',
  t.service,
];

/** Compose names a service's first container `<project>-<service>-1`. */
export const containerName = (service: string): string => `${COMPOSE_PROJECT}-${service}-1`;

export interface ContainerSpawnerDeps {
  streamer: ProcessStreamer;
  runner: CommandRunner;
  /** Resolved at each call, from the settings in force. */
  target(): ContainerTarget;
}

export function createContainerSpawner(deps: ContainerSpawnerDeps): Spawner {
  /** Handles handed out by attach() whose container has not been confirmed yet by commandLine(). */
  const unconfirmed = new Set<ContainerHandle>();

  function handle(t: ContainerTarget): ContainerHandle {
    return new ContainerHandle(t, deps);
  }

  return {
    async spawn(req) {
      const t = deps.target();
      const log = createWriteStream(req.logFile, { flags: 'a', mode: 0o600 });
      const h = handle(t);
      const lines: string[] = [];
      const up = deps.streamer.start({
        command: req.command,
        args: req.args,
        onLine(line) {
          lines.push(line);
          log.write(`${line}\n`);
        },
      });
      const exit = await up.exited;
      log.end();
      if (exit.code !== 0 || exit.error) {
        const said = lines.map((l) => jsonMsg(l) ?? l.trim()).filter((l) => /error|unhealthy|cannot|failed|denied|not found|allocated/i.test(l)).slice(-2);
        h.finish({ code: exit.code, signal: exit.signal, error: `docker compose up ${t.service} failed${said.length ? `: ${said.join(' / ')}` : ` (exit ${exit.code})`}` });
      } else {
        h.watch();
      }
      return h;
    },
    attach() {
      const h = handle(deps.target());
      unconfirmed.add(h);
      return h;
    },
    async commandLine() {
      const t = deps.target();
      const [h] = unconfirmed;
      unconfirmed.clear();
      const r = await deps.runner.run(t.docker, [...composeBase(t), 'ps', '--format', 'json', t.service], { timeoutMs: 30_000 });
      let running: boolean;
      try {
        running = r.code === 0 && parseComposePs(r.stdout).some((c) => c.service === t.service && c.state === 'running');
      } catch {
        running = false;
      }
      if (!running) {
        h?.finish({ code: null, signal: null, error: 'container not running' });
        return null;
      }
      h?.watch();
      return [t.docker, ...upArgs(t)];
    },
  };
}

class ContainerHandle implements ProcessHandle {
  readonly pid = 0;
  readonly container: string;
  readonly exited: Promise<ExitInfo>;
  private resolve!: (e: ExitInfo) => void;
  private done = false;
  private stopWatch: (() => void) | null = null;

  constructor(
    private readonly t: ContainerTarget,
    private readonly deps: ContainerSpawnerDeps,
  ) {
    this.container = containerName(t.service);
    this.exited = new Promise((r) => (this.resolve = r));
  }

  /** From now on a `die` of the container, or the event stream ending (the engine went away), is its exit. */
  watch(): void {
    if (this.done || this.stopWatch) return;
    let lastError: string | null = null;
    const proc = this.deps.streamer.start({
      command: this.t.docker,
      args: [...composeBase(this.t), 'events', '--json', this.t.service],
      onLine: (line) => {
        const e = parseComposeEvent(line);
        if (e?.service === this.t.service && e.action === 'die') {
          this.finish({ code: e.exitCode ?? null, signal: null });
        } else if (!e && line.trim()) lastError = jsonMsg(line) ?? line.trim();
      },
    });
    this.stopWatch = () => proc.kill('SIGTERM');
    void proc.exited.then((exit) => this.finish({ code: null, signal: null, error: `docker compose events stopped: ${exit.error ?? lastError ?? `exit ${exit.code}`}` }));
    // `events` reports only what happens once it has subscribed: a container that died between `up` and
    // then would go unnoticed, so look once more when the subscription has surely started.
    setTimeout(() => void this.checkRunning(), SUBSCRIBE_GRACE_MS).unref();
  }

  private async checkRunning(): Promise<void> {
    if (this.done) return;
    const r = await this.deps.runner.run(this.t.docker, [...composeBase(this.t), 'ps', '--all', '--format', 'json', this.t.service], { timeoutMs: 30_000 });
    if (r.code !== 0 || this.done) return;
    try {
      const mine = parseComposePs(r.stdout).find((c) => c.service === this.t.service);
      if (mine && mine.state !== 'running') this.finish({ code: mine.exitCode, signal: null });
    } catch {
      // Unreadable output: the event stream and the health checks still watch it.
    }
  }

  finish(e: ExitInfo): void {
    if (this.done) return;
    this.done = true;
    this.stopWatch?.();
    this.resolve(e);
  }

  kill(signal: NodeJS.Signals): boolean {
    if (this.done) return false;
    // A container cannot be paused by a signal of ours, so there is nothing to continue.
    if (signal === 'SIGCONT') return true;
    const args =
      signal === 'SIGKILL'
        ? [...composeBase(this.t), 'kill', '-s', 'SIGKILL', this.t.service]
        : [...composeBase(this.t), 'stop', '-t', String(this.t.stopGraceS), this.t.service];
    void this.deps.runner.run(this.t.docker, args, { timeoutMs: (this.t.stopGraceS + 30) * 1000 }).then((r) => {
      if (r.code === 0) this.finish({ code: null, signal });
    });
    return true;
  }
}
