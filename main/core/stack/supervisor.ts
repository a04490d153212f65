import { readFile, rm, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { ComponentState, ComponentStatus, ExitRecord } from '../../../common/model';
import type { Clock, ExitInfo, HealthProbe, PortProbe, ProcessHandle, Spawner, Timer } from '../ports';
import type { ComponentSpec } from './component-spec';
import { backoffDelay, DEFAULT_TIMINGS, type SupervisionTimings } from './timings';
import { capLogFile, lastLogLines } from './log-file';

/*
 * One supervised component. States and the transitions between them:
 *
 *   not-installed ──start (binary found)──┐
 *                                         ▼
 *   stopped ──start──▶ starting ──ready──▶ running ──health fails ×N──▶ unhealthy
 *      ▲                 ▲   │               │   ▲                        │    │
 *      │                 │   │               │   └──── answers again ─────┘    │
 *      │                 │   └─ crash / not ready in time ─┐                   │
 *      │                 └──── backoff timer ◀─────────────┴─ unexpected exit ─┤
 *      │                                                    ◀─ hung too long ──┘
 *      │                                                      (killed, then respawned)
 *   stopping ◀──stop── starting | running | unhealthy
 *
 *   starting ──port taken / config invalid / too many restarts──▶ failed
 *   failed ──start (the user acts)──▶ starting        failed ──stop──▶ stopped
 *
 * Backoff doubles per consecutive failure (capped) and resets once the process has stayed up for a
 * stable period. Every user action bumps `generation`, so continuations of an older action (a
 * readiness poll, a pending respawn) notice they are stale and do nothing.
 */

/** What to run, resolved from settings at each launch (so a settings change applies on restart). */
export interface LaunchPlan {
  binary: string;
  version: string | null;
  args: string[];
  port: number;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  logFile: string;
  pidFile: string;
}

/** A plan, or why there is none and how to get one (the install command). */
export type PlanResult = LaunchPlan | { notInstalled: string; fix: string };

/** Written beside every spawned process so a later Lookout can adopt it instead of starting a duplicate. */
interface PidRecord {
  pid: number;
  binary: string;
  args: string[];
  startedAt: number;
}

export interface SupervisorDeps {
  spec: ComponentSpec;
  clock: Clock;
  spawner: Spawner;
  health: HealthProbe;
  ports: PortProbe;
  logger: Logger;
  timings?: Partial<SupervisionTimings>;
  /** Resolve binary, version and flags from the settings in force. */
  plan(): Promise<PlanResult>;
  /** A reason not to launch (no valid config rendered yet), or null. */
  preflight(): Promise<string | null>;
  onChange(): void;
  onUnexpectedExit?(): void;
}

const LIVE: readonly ComponentState[] = ['starting', 'running', 'unhealthy'];
const SETTLED: readonly ComponentState[] = ['running', 'failed', 'stopped', 'not-installed'];

export class ComponentSupervisor {
  private readonly t: SupervisionTimings;
  private state: ComponentState = 'stopped';
  private since: number;
  private lastError: string | null = null;
  private fix: string | null = null;
  private detail: string | null = null;
  private handle: ProcessHandle | null = null;
  private plan: LaunchPlan | null = null;
  /** Flags the running process was started with (from the pid file when adopted). */
  private runningArgs: string[] | null = null;
  private version: string | null = null;
  private binary: string | null = null;
  private adopted = false;
  private lastExit: ExitRecord | null = null;
  private restarts = 0;
  /** Consecutive failures since the last stable period; drives backoff and the crash-loop limit. */
  private failures = 0;
  private generation = 0;
  private timer: Timer | null = null;
  private launchedAt = 0;
  private runningSince = 0;
  private healthFailures = 0;
  private unhealthySince = 0;
  private stopping: Promise<void> | null = null;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly deps: SupervisorDeps) {
    this.t = { ...DEFAULT_TIMINGS, ...deps.timings };
    this.since = deps.clock.now();
  }

  get id() {
    return this.deps.spec.id;
  }

  status(port: number, url: string): ComponentStatus {
    return {
      id: this.id,
      name: this.deps.spec.name,
      state: this.state,
      pid: this.handle?.pid ?? null,
      port: this.plan?.port ?? port,
      version: this.version,
      binary: this.binary,
      lastError: this.lastError,
      fix: this.fix,
      detail: this.detail,
      since: this.since,
      restarts: this.restarts,
      adopted: this.adopted,
      lastExit: this.lastExit,
      url,
    };
  }

  get currentState(): ComponentState {
    return this.state;
  }

  /** Flags of the running process, to decide between reload and restart after a settings change. */
  get argsInUse(): string[] | null {
    return this.runningArgs;
  }

  /** The binary of the last plan (its flags can depend on which binary it is), null before one was found. */
  get binaryInUse(): string | null {
    return this.binary;
  }

  /** Look for binary and version without starting anything (so the UI shows not-installed up front). */
  async probe(): Promise<void> {
    const plan = await this.deps.plan();
    if (this.state !== 'stopped' && this.state !== 'not-installed') return;
    if ('notInstalled' in plan) return this.enter('not-installed', { lastError: plan.notInstalled, fix: plan.fix });
    this.binary = plan.binary;
    this.version = plan.version;
    if (this.state === 'not-installed') this.enter('stopped', { lastError: null });
    else this.deps.onChange();
  }

  /** The user asks for it to run. Clears a crash loop: `failed` never restarts on its own. */
  async start(): Promise<void> {
    if (LIVE.includes(this.state)) return;
    if (this.stopping) await this.stopping;
    const gen = ++this.generation;
    this.failures = 0;
    this.restarts = 0;
    await this.launch(gen);
  }

  /** SIGTERM, wait the component's grace period, SIGKILL only if it did not exit. */
  async stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const gen = ++this.generation;
    this.clearTimer();
    const handle = this.handle;
    if (!handle) {
      if (this.state !== 'not-installed' && this.state !== 'stopped') this.enter('stopped', { detail: null });
      return;
    }
    this.stopping = (async () => {
      this.enter('stopping', { detail: null });
      const { exit, forced } = await this.terminate(handle, this.deps.spec.stopGraceMs);
      if (gen !== this.generation) return;
      this.recordExit(exit, true, forced);
      this.handle = null;
      this.runningArgs = null;
      await this.removePidFile();
      this.enter('stopped', {
        lastError: null,
        detail: forced ? `did not exit within ${this.deps.spec.stopGraceMs / 1000} s of SIGTERM; killed` : null,
      });
    })().finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Reload a changed config through the lifecycle endpoint; restart when the component has none. */
  async reload(): Promise<void> {
    if (this.state !== 'running' && this.state !== 'unhealthy') return;
    const { reloadPath } = this.deps.spec;
    if (!reloadPath || !this.plan) return this.restart();
    const res = await this.deps.health.post(this.plan.baseUrl + reloadPath, 10_000);
    if (!res.ok) {
      this.lastError = `reload failed: ${res.error ?? 'unknown error'}`;
      this.deps.onChange();
    } else {
      this.deps.logger.info({ component: this.id }, 'config reloaded');
    }
  }

  /**
   * Adopt a process an earlier Lookout started and left running: the pid file names it, it is alive,
   * and its command line is the one we launched. Anything else is not ours and is left alone.
   */
  async adopt(): Promise<boolean> {
    if (this.handle || LIVE.includes(this.state)) return false;
    const plan = await this.deps.plan();
    if ('notInstalled' in plan) return false;
    const record = await readPidRecord(plan.pidFile);
    if (!record) return false;
    const handle = this.deps.spawner.attach(record.pid);
    const argv = handle ? await this.deps.spawner.commandLine(record.pid) : null;
    if (!handle || !argv || !sameCommand(argv, record)) {
      this.deps.logger.info({ component: this.id, pid: record.pid }, 'stale pid file removed (process gone or not ours)');
      await rm(plan.pidFile, { force: true });
      return false;
    }
    const gen = ++this.generation;
    this.plan = plan;
    this.binary = plan.binary;
    this.version = plan.version;
    this.handle = handle;
    this.runningArgs = record.args;
    this.adopted = true;
    this.launchedAt = this.deps.clock.now();
    this.watchExit(handle);
    this.enter('starting', { lastError: null, detail: `adopted running process ${record.pid}` });
    this.deps.logger.info({ component: this.id, pid: record.pid }, 'adopted running process');
    this.schedule(gen, 0, () => this.pollReady(gen));
    return true;
  }

  /** Resolves once the component is running, failed, stopped or not installed (or after timeoutMs). */
  waitSettled(timeoutMs: number): Promise<ComponentState> {
    return new Promise((resolve) => {
      const done = () => {
        if (!SETTLED.includes(this.state)) return;
        this.waiters.delete(done);
        this.deps.clock.clearTimeout(timer);
        resolve(this.state);
      };
      const timer = this.deps.clock.setTimeout(() => {
        this.waiters.delete(done);
        resolve(this.state);
      }, timeoutMs);
      this.waiters.add(done);
      done();
    });
  }

  /**
   * Let go of the process without touching it (Lookout is exiting and leaves the stack running, to be
   * adopted next time). Dropping the handle matters: its exit must no longer count as a crash here,
   * or this supervisor would respawn a process it no longer owns.
   */
  detach(): void {
    this.generation++;
    this.clearTimer();
    this.handle = null;
  }

  // ── launching ────────────────────────────────────────────────────────────────────────────────

  private async launch(gen: number): Promise<void> {
    this.clearTimer();
    const plan = await this.deps.plan();
    if (gen !== this.generation) return;
    if ('notInstalled' in plan) return this.enter('not-installed', { lastError: plan.notInstalled, fix: plan.fix, detail: null });
    this.plan = plan;
    this.binary = plan.binary;
    this.version = plan.version;
    this.adopted = false;

    const blocked = await this.deps.preflight();
    if (gen !== this.generation) return;
    if (blocked) return this.enter('failed', { lastError: blocked, fix: 'correct what the config error names (settings.json or your rule files), then press Start', detail: null });

    // Spawning into a taken port would only crash-loop; say who holds it instead.
    const holder = await this.deps.ports.holder(plan.port);
    if (gen !== this.generation) return;
    if (holder) {
      const who = holder.pid ? `pid ${holder.pid}${holder.command ? ` (${holder.command})` : ''}` : 'another process';
      return this.enter('failed', {
        lastError: `port ${plan.port} is already in use by ${who}; stop it or change stack.components.${this.id}.port`,
        fix: `stop ${who}, or set stack.components.${this.id}.port to a free port, then press Start`,
        detail: null,
      });
    }

    this.enter('starting', { detail: this.failures ? `restart ${this.failures}` : null });
    await capLogFile(plan.logFile, this.t.logMaxBytes);
    const handle = await this.deps.spawner.spawn({ command: plan.binary, args: plan.args, logFile: plan.logFile });
    if (gen !== this.generation) {
      // The user stopped while we were spawning: do not leave an orphan behind.
      void this.terminate(handle, this.deps.spec.stopGraceMs);
      return;
    }
    this.handle = handle;
    this.runningArgs = plan.args;
    this.launchedAt = this.deps.clock.now();
    this.watchExit(handle);
    await writePidRecord(plan.pidFile, { pid: handle.pid, binary: plan.binary, args: plan.args, startedAt: this.deps.clock.now() });
    this.deps.logger.info({ component: this.id, pid: handle.pid }, 'spawned');
    this.schedule(gen, this.t.readyPollMs, () => this.pollReady(gen));
  }

  private async pollReady(gen: number): Promise<void> {
    if (!this.plan || !this.handle) return;
    const res = await this.deps.health.check(this.plan.baseUrl + this.deps.spec.readinessPath, this.t.healthTimeoutMs);
    if (gen !== this.generation || !this.handle) return;
    if (res.ok) {
      this.runningSince = this.deps.clock.now();
      this.healthFailures = 0;
      this.enter('running', { lastError: null, detail: this.adopted ? 'adopted' : null });
      this.schedule(gen, this.t.healthIntervalMs, () => this.healthTick(gen));
      return;
    }
    if (this.deps.clock.now() - this.launchedAt >= this.t.startTimeoutMs) {
      return this.recoverHung(gen, `not ready after ${this.t.startTimeoutMs / 1000} s (${this.deps.spec.readinessPath}: ${res.error})`);
    }
    this.schedule(gen, this.t.readyPollMs, () => this.pollReady(gen));
  }

  // ── watching ─────────────────────────────────────────────────────────────────────────────────

  private async healthTick(gen: number): Promise<void> {
    if (!this.plan || !this.handle) return;
    const livenessPath = this.deps.spec.livenessPath ?? this.deps.spec.readinessPath;
    const res = await this.deps.health.check(this.plan.baseUrl + livenessPath, this.t.healthTimeoutMs);
    if (gen !== this.generation || !this.handle) return;
    const now = this.deps.clock.now();
    if (res.ok) {
      this.healthFailures = 0;
      if (this.state === 'unhealthy') this.enter('running', { lastError: null, detail: null });
      if (this.failures > 0 && now - this.runningSince >= this.t.stableAfterMs) this.failures = 0;
    } else {
      this.healthFailures++;
      if (this.state === 'running' && this.healthFailures >= this.t.failuresToUnhealthy) {
        this.unhealthySince = now;
        this.enter('unhealthy', { lastError: `${livenessPath} is not answering: ${res.error}` });
      } else if (this.state === 'unhealthy' && now - this.unhealthySince >= this.t.hungAfterMs) {
        return this.recoverHung(gen, `hung: ${livenessPath} did not answer for ${Math.round((now - this.unhealthySince) / 1000)} s`);
      }
    }
    void capLogFile(this.plan.logFile, this.t.logMaxBytes);
    this.schedule(gen, this.t.healthIntervalMs, () => this.healthTick(gen));
  }

  private watchExit(handle: ProcessHandle): void {
    void handle.exited.then((exit) => this.onExit(handle, exit));
  }

  private async onExit(handle: ProcessHandle, exit: ExitInfo): Promise<void> {
    // Exits we caused (stop, hung restart) are handled where we caused them.
    if (handle !== this.handle || this.state === 'stopping') return;
    this.handle = null;
    this.runningArgs = null;
    this.recordExit(exit, false, false);
    await this.removePidFile();
    this.deps.onUnexpectedExit?.();
    await this.scheduleRespawn(this.generation, `exited unexpectedly (${describeExit(exit)})`);
  }

  /** Alive but not answering: kill it (gently first) and count it as a failure. */
  private async recoverHung(gen: number, reason: string): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    this.handle = null;
    this.detail = 'restarting: not answering';
    this.deps.onChange();
    const { exit, forced } = await this.terminate(handle, this.t.hungStopGraceMs);
    if (gen !== this.generation) return;
    this.recordExit(exit, true, forced);
    this.runningArgs = null;
    await this.removePidFile();
    await this.scheduleRespawn(gen, reason);
  }

  private async scheduleRespawn(gen: number, reason: string): Promise<void> {
    this.failures++;
    this.restarts++;
    this.deps.logger.warn({ component: this.id, reason, failures: this.failures }, 'component failed');
    if (this.failures > this.t.maxRestarts) {
      const tail = this.plan ? await lastLogLines(this.plan.logFile, 5) : [];
      if (gen !== this.generation) return;
      return this.enter('failed', {
        lastError: `${reason}; gave up after ${this.t.maxRestarts} restarts${tail.length ? `. Last log lines:\n${tail.join('\n')}` : ''}`,
        detail: 'crash loop: start it again once the cause is fixed',
        fix: `read ${this.plan?.logFile ?? 'its log'}, fix the cause, then press Start`,
      });
    }
    const delay = backoffDelay(this.failures, this.t);
    this.enter('starting', { lastError: reason, detail: `restart ${this.failures} in ${(delay / 1000).toFixed(1)} s` });
    this.schedule(gen, delay, () => this.launch(gen));
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────

  /** SIGCONT first: a stopped process cannot act on SIGTERM, and a clean shutdown keeps Prometheus' TSDB intact. */
  private async terminate(handle: ProcessHandle, graceMs: number): Promise<{ exit: ExitInfo; forced: boolean }> {
    handle.kill('SIGCONT');
    handle.kill('SIGTERM');
    const exit = await this.within(handle.exited, graceMs);
    if (exit) return { exit, forced: false };
    this.deps.logger.warn({ component: this.id, pid: handle.pid, graceMs }, 'no exit after SIGTERM; sending SIGKILL');
    handle.kill('SIGKILL');
    const killed = await this.within(handle.exited, 5_000);
    return { exit: killed ?? { code: null, signal: 'SIGKILL' }, forced: true };
  }

  private within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
    return new Promise((resolve) => {
      const timer = this.deps.clock.setTimeout(() => resolve(null), ms);
      void promise.then((v) => {
        this.deps.clock.clearTimeout(timer);
        resolve(v);
      });
    });
  }

  private recordExit(exit: ExitInfo, expected: boolean, forced: boolean): void {
    this.lastExit = { code: exit.code, signal: exit.signal, expected, forced, at: this.deps.clock.now() };
  }

  private async removePidFile(): Promise<void> {
    if (this.plan) await rm(this.plan.pidFile, { force: true });
  }

  private schedule(gen: number, ms: number, fn: () => Promise<void>): void {
    this.clearTimer();
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      if (gen === this.generation) {
        fn().catch((err: unknown) => this.deps.logger.error({ component: this.id, err }, 'supervisor step failed'));
      }
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Change state; a new lastError brings its own fix (or none), so advice never outlives its problem. */
  private enter(state: ComponentState, patch: { lastError?: string | null; detail?: string | null; fix?: string | null } = {}): void {
    if (state !== this.state) this.since = this.deps.clock.now();
    this.state = state;
    if (patch.lastError !== undefined) {
      this.lastError = patch.lastError;
      this.fix = patch.fix ?? null;
    }
    if (patch.detail !== undefined) this.detail = patch.detail;
    this.deps.onChange();
    for (const waiter of [...this.waiters]) waiter();
  }
}

function describeExit(exit: ExitInfo): string {
  if (exit.error) return exit.error;
  if (exit.signal) return `signal ${exit.signal}`;
  if (exit.code !== null) return `exit code ${exit.code}`;
  return 'process gone';
}

/** The process is the one we launched: same binary (by name) and the same flags. */
function sameCommand(argv: string[], record: PidRecord): boolean {
  const [exe, ...args] = argv;
  const base = (p: string) => p.split('/').pop();
  return exe !== undefined && base(exe) === base(record.binary) && args.join('\0') === record.args.join('\0');
}

async function readPidRecord(file: string): Promise<PidRecord | null> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as Partial<PidRecord>;
    if (typeof data.pid !== 'number' || typeof data.binary !== 'string' || !Array.isArray(data.args)) return null;
    return data as PidRecord;
  } catch {
    return null;
  }
}

async function writePidRecord(file: string, record: PidRecord): Promise<void> {
  await writeFile(file, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
}
