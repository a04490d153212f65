/**
 * The shell's supervisor of its core host (main/core-host): forks it, waits for its `ready` (URL and
 * token of its HTTP API), answers what it asks of the shell (notifications, safeStorage), and restarts it
 * with backoff when it exits unexpectedly. No Electron here: the process comes from a CoreLauncher —
 * utilityProcess.fork in the app (utility-core.ts), child_process.fork in the tests — so all of this runs
 * under plain Node.
 *
 *   starting ──ready──▶ ready ──exit──▶ backoff ──timer──▶ starting
 *      │ exit / no ready in time            │ too many in a row, or a start that cannot succeed
 *      └──────────────▶ backoff ───────────▶ failed ──restart()──▶ starting
 *   any ──stop()──▶ stopping ──exit (or SIGKILL after the grace period)──▶ stopped
 */
import type { Logger } from 'pino';
import {
  CORE_HOST_PROTOCOL,
  describeDropped,
  parseHostMessage,
  type CoreEndpoint,
  type HostMessage,
  type ShellMessage,
  type ShellMethod,
  type ShellParams,
  type ShellResult,
} from '../../common/core-host';
import type { Notifier, SecretCipher } from '../core/alerts/ports';
import type { Clock, Timer } from '../core/ports';

/** How a core host process ended. */
export interface CoreExit {
  code: number | null;
  signal: string | null;
}

/** One core host process, as the launcher hands it over. */
export interface CoreChild {
  readonly pid: number | undefined;
  postMessage(message: ShellMessage): void;
  onMessage(listener: (raw: unknown) => void): void;
  /** Called once, when the process is gone (also when it could not be started). */
  onExit(listener: (exit: CoreExit) => void): void;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

/** Starts one core host process. */
export type CoreLauncher = () => CoreChild;

/** What the core host may ask of the shell. A null cipher answers `available: false`. */
export interface ShellServices {
  notifier: Notifier | null;
  cipher: SecretCipher | null;
}

export interface CoreSupervisorTimings {
  /** Time from fork to `ready` before the start counts as failed (core init renders and checks configs). */
  readyTimeoutMs: number;
  /** First restart delay, doubled per failure in a row up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Up this long, the run counts as healthy: the failure count starts again. */
  resetAfterMs: number;
  /** Failures in a row after which it stays `failed` until restart(). */
  maxFailures: number;
  /** stop(): how long the orderly stop may take before SIGKILL (a stack stop on exit waits on Prometheus' 30 s). */
  stopGraceMs: number;
}

export const DEFAULT_CORE_TIMINGS: CoreSupervisorTimings = {
  readyTimeoutMs: 60_000,
  backoffMs: 1_000,
  maxBackoffMs: 30_000,
  resetAfterMs: 60_000,
  maxFailures: 5,
  stopGraceMs: 45_000,
};

/** Why the last process went away, for the tray. */
export interface CoreFailure {
  at: number;
  exit: CoreExit | null;
  /** What the core host said (`failed`), or what the supervisor saw (no ready in time, bad protocol). */
  reason: string;
}

export type CoreProcessState =
  | { phase: 'starting'; pid: number | undefined; since: number; restarts: number; lastFailure: CoreFailure | null }
  | { phase: 'ready'; endpoint: CoreEndpoint; since: number; restarts: number; lastFailure: CoreFailure | null }
  | { phase: 'backoff'; retryAt: number; restarts: number; lastFailure: CoreFailure }
  | { phase: 'failed'; restarts: number; lastFailure: CoreFailure }
  | { phase: 'stopping' }
  | { phase: 'stopped' };

export interface CoreSupervisor {
  state(): CoreProcessState;
  /** Called on every change of state (ready again after a restart included). */
  onState(listener: (state: CoreProcessState) => void): () => void;
  /** The next (or current) ready endpoint. */
  ready(): Promise<CoreEndpoint>;
  /** Fork the first process. */
  start(): void;
  /** Start again now, forgetting the failures (the tray's "Restart core" after it gave up). */
  restart(): void;
  /** Ask for an orderly stop; SIGKILL after the grace period. Nothing restarts afterwards. */
  stop(): Promise<void>;
}

export interface CoreSupervisorOptions {
  launch: CoreLauncher;
  services: ShellServices;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  timings?: Partial<CoreSupervisorTimings>;
}

export function superviseCore(opts: CoreSupervisorOptions): CoreSupervisor {
  const t = { ...DEFAULT_CORE_TIMINGS, ...opts.timings };
  const { clock, logger } = opts;
  const listeners = new Set<(s: CoreProcessState) => void>();
  const waiting: Array<(e: CoreEndpoint) => void> = [];
  let state: CoreProcessState = { phase: 'stopped' };
  let child: CoreChild | null = null;
  let timer: Timer | null = null;
  let failuresInARow = 0;
  let restarts = 0;
  let lastFailure: CoreFailure | null = null;
  /** What the current process said before it went (a `failed` message), folded into its failure. */
  let said: { message: string; retry: boolean } | null = null;
  let onStopped: (() => void) | null = null;

  const set = (next: CoreProcessState) => {
    state = next;
    if (next.phase === 'ready') for (const resolve of waiting.splice(0)) resolve(next.endpoint);
    for (const listener of [...listeners]) listener(next);
  };
  const clearTimer = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  };

  function launch(): void {
    clearTimer();
    said = null;
    let current: CoreChild;
    try {
      current = opts.launch();
    } catch (err) {
      // Counted like a process that died at once.
      return failed(null, { code: null, signal: null }, `could not start the core: ${(err as Error).message}`);
    }
    child = current;
    current.onMessage((raw) => {
      if (child === current) onMessage(current, raw);
    });
    current.onExit((exit) => {
      if (child === current) onExit(current, exit);
    });
    timer = clock.setTimeout(() => {
      if (child !== current || state.phase !== 'starting') return;
      said = { message: `the core did not report ready within ${t.readyTimeoutMs / 1000} s`, retry: true };
      logger.error({ pid: current.pid }, said.message);
      current.kill('SIGKILL');
    }, t.readyTimeoutMs);
    logger.info({ pid: current.pid, restarts }, 'core host started');
    set({ phase: 'starting', pid: current.pid, since: clock.now(), restarts, lastFailure });
  }

  function onMessage(current: CoreChild, raw: unknown): void {
    const message = parseHostMessage(raw);
    if (!message) return void logger.warn({ pid: current.pid }, `dropped ${describeDropped(raw)} from the core host`);
    switch (message.kind) {
      case 'ready': {
        if (state.phase !== 'starting') return;
        if (message.protocol !== CORE_HOST_PROTOCOL) {
          said = { message: `the core speaks protocol ${message.protocol}, this app ${CORE_HOST_PROTOCOL} (a stale build?)`, retry: false };
          logger.error({ pid: current.pid }, said.message);
          return current.kill('SIGKILL');
        }
        clearTimer();
        const endpoint: CoreEndpoint = { url: message.url, token: message.token, pid: message.pid };
        logger.info({ url: endpoint.url, pid: endpoint.pid, restarts }, 'core ready');
        // A healthy run forgets earlier failures; checked by a timer so that a crash before then still counts.
        timer = clock.setTimeout(() => {
          if (child === current) failuresInARow = 0;
        }, t.resetAfterMs);
        return set({ phase: 'ready', endpoint, since: clock.now(), restarts, lastFailure });
      }
      case 'failed':
        said = { message: message.message, retry: message.retry };
        return void logger.error({ pid: current.pid, retry: message.retry }, `the core could not start: ${message.message}`);
      case 'request':
        return void answer(current, message);
    }
  }

  async function answer(current: CoreChild, message: Extract<HostMessage, { kind: 'request' }>): Promise<void> {
    let reply: ShellMessage;
    try {
      reply = { kind: 'response', id: message.id, ok: true, result: await serve(current, message) };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      reply = { kind: 'response', id: message.id, ok: false, error: { message: err instanceof Error ? err.message : String(err), ...(typeof code === 'string' ? { code } : {}) } };
    }
    // The process that asked may be gone by now; its successor did not ask.
    if (child === current) current.postMessage(reply);
  }

  async function serve(current: CoreChild, message: Extract<HostMessage, { kind: 'request' }>): Promise<ShellResult<ShellMethod>> {
    const { notifier, cipher } = opts.services;
    const params = message.params as ShellParams<ShellMethod>;
    switch (message.method) {
      case 'notify': {
        if (!notifier) throw new Error('this app shows no desktop notifications');
        const { notification } = params as ShellParams<'notify'>;
        await notifier.notify(notification, (action) => {
          if (child === current) current.postMessage({ kind: 'notification:action', requestId: message.id, action });
        });
        return {};
      }
      case 'cipher:available':
        return { available: cipher !== null && (await cipher.available()) };
      case 'cipher:encrypt':
        if (!cipher) throw new Error('no safeStorage in this app');
        return { blob: Buffer.from(await cipher.encrypt((params as ShellParams<'cipher:encrypt'>).plain)).toString('base64') };
      case 'cipher:decrypt':
        if (!cipher) throw new Error('no safeStorage in this app');
        return { plain: await cipher.decrypt(Buffer.from((params as ShellParams<'cipher:decrypt'>).blob, 'base64')) };
    }
  }

  function onExit(current: CoreChild, exit: CoreExit): void {
    child = null;
    clearTimer();
    if (state.phase === 'stopping' || state.phase === 'stopped') {
      logger.info({ pid: current.pid, ...exit }, 'core host stopped');
      set({ phase: 'stopped' });
      onStopped?.();
      return;
    }
    const reason = said?.message ?? `the core exited unexpectedly (${describeExit(exit)})`;
    failed(current.pid, exit, reason, said?.retry === false);
  }

  function failed(pid: number | null | undefined, exit: CoreExit | null, reason: string, noRetry = false): void {
    failuresInARow++;
    lastFailure = { at: clock.now(), exit, reason };
    if (noRetry || failuresInARow > t.maxFailures) {
      logger.error({ pid, failuresInARow, reason }, 'the core keeps failing; not restarting it until asked');
      return set({ phase: 'failed', restarts, lastFailure });
    }
    const delay = Math.min(t.backoffMs * 2 ** (failuresInARow - 1), t.maxBackoffMs);
    logger.warn({ pid, exit, delayMs: delay, reason }, 'core host gone; restarting it');
    timer = clock.setTimeout(() => {
      timer = null;
      restarts++;
      launch();
    }, delay);
    set({ phase: 'backoff', retryAt: clock.now() + delay, restarts, lastFailure });
  }

  return {
    state: () => state,
    onState(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    ready() {
      if (state.phase === 'ready') return Promise.resolve(state.endpoint);
      return new Promise((resolve) => waiting.push(resolve));
    },
    start() {
      if (state.phase !== 'stopped' || child) return;
      launch();
    },
    restart() {
      if (state.phase !== 'failed' && state.phase !== 'backoff') return;
      failuresInARow = 0;
      restarts++;
      launch();
    },
    stop() {
      clearTimer();
      const current = child;
      if (!current) {
        set({ phase: 'stopped' });
        return Promise.resolve();
      }
      if (state.phase === 'stopping') return new Promise((resolve) => (onStopped = chain(onStopped, resolve)));
      set({ phase: 'stopping' });
      return new Promise<void>((resolve) => {
        onStopped = chain(onStopped, resolve);
        current.postMessage({ kind: 'stop' });
        timer = clock.setTimeout(() => {
          logger.warn({ pid: current.pid, graceMs: t.stopGraceMs }, 'the core did not stop in time; killing it');
          current.kill('SIGKILL');
        }, t.stopGraceMs);
      });
    },
  };
}

const chain = (a: (() => void) | null, b: () => void) => (a ? () => (a(), b()) : b);

export function describeExit(exit: CoreExit | null): string {
  if (!exit) return 'it could not be started';
  if (exit.signal) return `signal ${exit.signal}`;
  return `exit code ${exit.code ?? 'unknown'}`;
}
