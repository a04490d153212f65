import type { ContainerStatus, InstallComponentId, InstallProgress } from '../../../common/install';
import type { CommandRunner } from '../ports';
import { COMPOSE_PROJECT, componentOfService, IMAGES } from './compose-file';
import { DAEMON_DOWN, jsonMsg, parseComposeEvent, parseComposePs, parseProgressLine, pullTracker, type ComposeEvent } from './compose-output';
import type { ProcessStreamer } from './process-stream';

/** A compose command failed: what happened (in Compose's own words) and what to do. */
export class RuntimeError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}

export interface ComposeRuntimeDeps {
  streamer: ProcessStreamer;
  runner: CommandRunner;
  /** The docker CLI (from detectDocker). */
  docker: string;
  /** The rendered docker-compose.yml. */
  file: string;
  /** Compose ≥ 2.29 understands `--progress json` (from detectDocker). */
  progressJson: boolean;
  project?: string;
  /** Images as rendered, to tell which component a pull line is about (default IMAGES). */
  images?: Partial<Record<InstallComponentId, string>>;
  /** `up --wait` gives up after this long (default 180 s: a first start pulls nothing but waits for health). */
  waitTimeoutS?: number;
}

export interface StartOptions {
  signal?: AbortSignal;
  /** Image pull progress per component (source "docker"). */
  onProgress?(event: InstallProgress): void;
  /** Container steps as Compose reports them ("prometheus", "Healthy"). */
  onContainer?(service: string, text: string): void;
}

/** A running subscription to `docker compose events`. */
export interface EventWatch {
  stop(): void;
  /** Resolves when the events command ends (stopped, or Docker went away), with why. */
  ended: Promise<string | null>;
}

/**
 * The Docker Compose runtime for one project (`-p lookout`): pull with progress, `up -d --wait`, status
 * from `ps --format json`, state changes from `events --json`, `down` (volumes kept).
 */
export interface ComposeRuntime {
  pull(opts?: StartOptions): Promise<void>;
  /** Pull, then start everything and wait until every container is healthy. A cancel stops what started. */
  start(opts?: StartOptions): Promise<ContainerStatus[]>;
  /** `docker compose down`: containers and the network go, named volumes (the data) stay. */
  stop(): Promise<void>;
  status(): Promise<ContainerStatus[]>;
  watch(onEvent: (e: ComposeEvent) => void): EventWatch;
}

export function createComposeRuntime(deps: ComposeRuntimeDeps): ComposeRuntime {
  const project = deps.project ?? COMPOSE_PROJECT;
  const base = ['compose', '-p', project, '-f', deps.file];
  const withProgress = ['compose', '--progress', deps.progressJson ? 'json' : 'plain', '-p', project, '-f', deps.file];
  const images = { ...IMAGES, ...deps.images };
  const componentOfImage = (image: string) => (Object.entries(images).find(([, i]) => i === image)?.[0] as InstallComponentId | undefined) ?? null;

  /** Run a compose command with streamed output; resolves with its error lines when it fails. */
  async function stream(args: string[], opts: StartOptions, onJson?: (line: NonNullable<ReturnType<typeof parseProgressLine>>) => void): Promise<void> {
    const errors: string[] = [];
    const proc = deps.streamer.start({
      command: deps.docker,
      args,
      onLine(line) {
        const p = parseProgressLine(line);
        if (p) {
          onJson?.(p);
          if (p.status === 'Error') errors.push(`${p.id}: ${[p.text, p.details].filter(Boolean).join(' ')}`);
          return;
        }
        // Not a progress line: Compose's final error (plain text, or logrus JSON in json mode), or plain progress.
        const msg = jsonMsg(line) ?? line.trim();
        if (msg && (/error|unhealthy|exited|cannot|failed|denied|not found/i.test(msg) || DAEMON_DOWN.test(msg))) errors.push(msg);
      },
    });
    const onAbort = () => proc.kill('SIGTERM');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let exit;
    try {
      exit = await proc.exited;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (opts.signal?.aborted) throw new RuntimeError(`docker ${args.slice(-3).join(' ')} was cancelled`, 'start again when ready');
    if (exit.error) throw new RuntimeError(`${deps.docker} could not be run: ${exit.error}`, 'install Docker Desktop, OrbStack or Colima');
    if (exit.code !== 0) throw failure(errors, exit.code);
  }

  async function run(args: string[], timeoutMs: number): Promise<string> {
    const r = await deps.runner.run(deps.docker, args, { timeoutMs });
    if (r.code !== 0) throw failure(`${r.stderr}\n${r.stdout}`.split('\n').map((l) => jsonMsg(l) ?? l.trim()).filter(Boolean), r.code);
    return r.stdout;
  }

  const runtime: ComposeRuntime = {
    async pull(opts = {}) {
      const tracker = pullTracker();
      await stream([...withProgress, 'pull'], opts, (p) => {
        const image = p.id.startsWith('Image ') ? p.id.slice(6) : null;
        const summed = tracker.add(p);
        const ref = image ?? summed?.image;
        const component = ref ? componentOfImage(ref) : null;
        if (!component) return;
        const done = image !== null && p.status === 'Done';
        opts.onProgress?.({
          component,
          source: 'docker',
          phase: p.status === 'Error' ? 'failed' : done ? 'done' : 'downloading',
          message: `${image ? p.text : 'Pulling'} ${ref}`.trim(),
          ...(summed && summed.bytesTotal > 0 ? { bytesDone: summed.bytesDone, bytesTotal: summed.bytesTotal } : {}),
        });
      });
    },
    async start(opts = {}) {
      await runtime.pull(opts);
      try {
        await stream([...withProgress, 'up', '--detach', '--wait', '--wait-timeout', String(deps.waitTimeoutS ?? 180), '--remove-orphans'], opts, (p) => {
          const m = /^Container (\S+)$/.exec(p.id);
          if (!m) return;
          // Container names are <project>-<service>-<n>.
          const service = m[1]!.replace(new RegExp(`^${project}-`), '').replace(/-\d+$/, '');
          opts.onContainer?.(componentOfService(service) ?? service, p.text);
        });
      } catch (err) {
        // A cancelled start leaves nothing half-running: what came up goes down again (volumes stay).
        if (opts.signal?.aborted) await runtime.stop().catch(() => undefined);
        throw err;
      }
      return runtime.status();
    },
    async stop() {
      await run([...base, 'down', '--remove-orphans'], 120_000);
    },
    async status() {
      const out = await run([...base, 'ps', '--all', '--format', 'json'], 30_000);
      try {
        return parseComposePs(out);
      } catch (err) {
        throw new RuntimeError((err as Error).message, 'update Docker Compose; Lookout reads both the old (array) and new (one per line) formats');
      }
    },
    watch(onEvent) {
      let stopped = false;
      let lastError: string | null = null;
      const proc = deps.streamer.start({
        command: deps.docker,
        args: [...base, 'events', '--json'],
        onLine(line) {
          const e = parseComposeEvent(line);
          if (e) onEvent(e);
          else if (line.trim()) lastError = jsonMsg(line) ?? line.trim();
        },
      });
      const ended = proc.exited.then((exit) => (stopped ? null : (exit.error ?? lastError ?? `docker compose events exited with ${exit.code}`)));
      return {
        stop() {
          stopped = true;
          proc.kill('SIGTERM');
        },
        ended,
      };
    },
  };
  return runtime;
}

function failure(errors: string[], code: number | null): RuntimeError {
  const text = errors.join('\n');
  if (DAEMON_DOWN.test(text)) {
    return new RuntimeError(`the Docker engine is not running: ${errors.find((e) => DAEMON_DOWN.test(e))}`, 'start Docker Desktop or OrbStack, or run `colima start`, then try again');
  }
  const unhealthy = errors.find((e) => /is unhealthy|exited \(\d+\)/.test(e));
  if (unhealthy) return new RuntimeError(`a container did not become healthy: ${unhealthy}`, 'look at its log: docker compose -p lookout logs <service>');
  const said = errors.slice(-3).join(' / ') || `exit ${code}`;
  return new RuntimeError(`docker compose failed: ${said}`, 'run the same docker compose command in a terminal to see the whole output');
}
