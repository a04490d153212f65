import { readFile, rm, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { ComponentState, ComponentStatus, ExitRecord } from '../../../common/model';
import type { Clock, ExitInfo, HealthProbe, PortProbe, ProcessHandle, Spawner, Timer } from '../ports';
import type { ComponentSpec } from './component-spec';
import { backoffDelay, DEFAULT_TIMINGS, type SupervisionTimings } from './timings';
import { capLogFile, exitReasonLines } from './log-file';

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
 * Each state carries exactly the facts that belong to it (the `Phase` union): a process exists only
 * in the states that have a `run`, an error only where there is one to show. Backoff doubles per
 * consecutive failure (capped) and resets once the process has stayed up for a stable period. Every
 * user action bumps `generation`, so continuations of an older action (a readiness poll, a pending
 * respawn) notice they are stale and do nothing.
 */

/** What to run, resolved from settings at each launch (so a settings change applies on restart). */
export interface LaunchPlan {
  binary: string;
  version: string | null;
  args: string[];
  port: number;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** Where readiness and liveness are asked (baseUrl unless the component answers them elsewhere). */
  healthBaseUrl: string;
  logFile: string;
  pidFile: string;
  /** Something about the install the user should know although it runs (a binary setting that was not usable). */
  warning?: string | null;
  /**
   * A container of Lookout's compose project: its port is published by the engine, which also refuses a port
   * someone else holds, and `up` on its own running container is a no-op — so no port check before it.
   */
  container?: boolean;
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

/** A live process of ours: what it was launched with and when. */
interface Run {
  handle: ProcessHandle;
  plan: LaunchPlan;
  /** Flags it was started with (from the pid file when adopted). */
  args: string[];
  adopted: boolean;
  launchedAt: number;
}

/** The supervisor's state with the facts that belong to it. */
type Phase =
  | { state: 'not-installed'; error: string; fix: string }
  | { state: 'stopped'; detail: string | null }
  /** `run` is null while a respawn waits out its backoff; `error` is why the last attempt failed. */
  | { state: 'starting'; run: Run | null; error: string | null; detail: string | null }
  /** `error` is a problem that did not stop it (a config reload that failed). */
  | { state: 'running'; run: Run; upSince: number; healthFailures: number; error: string | null }
  | { state: 'unhealthy'; run: Run; upSince: number; healthFailures: number; unhealthySince: number; error: string }
  | { state: 'stopping'; run: Run }
  | { state: 'failed'; error: string; fix: string; detail: string | null };

const SETTLED: readonly ComponentState[] = ['running', 'failed', 'stopped', 'not-installed'];

export class ComponentSupervisor {
  private readonly t: SupervisionTimings;
  private phase: Phase = { state: 'stopped', detail: null };
  private since: number;
  /** The binary and version last found (shown even while stopped), and the plan of the last launch (its log and pid files). */
  private binary: string | null = null;
  private version: string | null = null;
  private warning: string | null = null;
  private lastPlan: LaunchPlan | null = null;
  private lastExit: ExitRecord | null = null;
  private restarts = 0;
  /** Consecutive failures since the last stable period; drives backoff and the crash-loop limit. */
  private failures = 0;
  private generation = 0;
  private timer: Timer | null = null;
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
    const p = this.phase;
    const run = 'run' in p ? p.run : null;
    const error = 'error' in p ? p.error : null;
    return {
      id: this.id,
      name: this.deps.spec.name,
      state: p.state,
      pid: run && !run.handle.container ? run.handle.pid : null,
      ...(run?.handle.container ? { container: run.handle.container } : {}),
      port: run?.plan.port ?? port,
      version: this.version,
      binary: this.binary,
      lastError: error,
      fix: p.state === 'not-installed' || p.state === 'failed' ? p.fix : null,
      detail: 'detail' in p ? p.detail : run?.adopted && p.state === 'running' ? 'adopted' : null,
      warning: this.warning,
      since: this.since,
      restarts: this.restarts,
      adopted: run?.adopted ?? false,
      lastExit: this.lastExit,
      url,
    };
  }

  get currentState(): ComponentState {
    return this.phase.state;
  }

  /** Flags of the running process, to decide between reload and restart after a settings change. */
  get argsInUse(): string[] | null {
    return 'run' in this.phase && this.phase.run ? this.phase.run.args : null;
  }

  /** The binary of the last plan (its flags can depend on which binary it is), null before one was found. */
  get binaryInUse(): string | null {
    return this.binary;
  }

  /** Look for binary and version without starting anything (so the UI shows not-installed up front). */
  async probe(): Promise<void> {
    const plan = await this.deps.plan();
    const { state } = this.phase;
    if (state === 'failed' && !('notInstalled' in plan)) {
      // Keep the failure on show, but name the binary that the next Start will use.
      this.found(plan);
      return this.deps.onChange();
    }
    if (state !== 'stopped' && state !== 'not-installed') return;
    if ('notInstalled' in plan) return this.enter({ state: 'not-installed', error: plan.notInstalled, fix: plan.fix });
    this.found(plan);
    if (state === 'not-installed') this.enter({ state: 'stopped', detail: null });
    else this.deps.onChange();
  }

  /** The user asks for it to run. Clears a crash loop: `failed` never restarts on its own. */
  async start(): Promise<void> {
    if (this.isLive()) return;
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
    const run = 'run' in this.phase ? this.phase.run : null;
    if (!run) {
      if (this.phase.state !== 'not-installed' && this.phase.state !== 'stopped') this.enter({ state: 'stopped', detail: null });
      return;
    }
    this.stopping = (async () => {
      this.enter({ state: 'stopping', run });
      const { exit, forced } = await this.terminate(run.handle, this.deps.spec.stopGraceMs);
      if (gen !== this.generation) return;
      this.recordExit(exit, true, forced);
      await this.removePidFile();
      this.enter({ state: 'stopped', detail: forced ? `did not exit within ${this.deps.spec.stopGraceMs / 1000} s of SIGTERM; killed` : null });
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
    const p = this.phase;
    if (p.state !== 'running' && p.state !== 'unhealthy') return;
    const { reloadPath } = this.deps.spec;
    if (!reloadPath) return this.restart();
    const res = await this.deps.health.post(p.run.plan.baseUrl + reloadPath, 10_000);
    if (!res.ok) {
      if (this.phase === p && p.state === 'running') this.enter({ ...p, error: `reload failed: ${res.error ?? 'unknown error'}` });
    } else {
      this.deps.logger.info({ component: this.id }, 'config reloaded');
    }
  }

  /**
   * Adopt a process an earlier Lookout started and left running: the pid file names it, it is alive,
   * and its command line is the one we launched. Anything else is not ours and is left alone.
   */
  async adopt(): Promise<boolean> {
    if (this.isLive()) return false;
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
    this.found(plan);
    const run: Run = { handle, plan, args: record.args, adopted: true, launchedAt: this.deps.clock.now() };
    this.watchExit(handle);
    this.enter({ state: 'starting', run, error: null, detail: `adopted running process ${record.pid}` });
    this.deps.logger.info({ component: this.id, pid: record.pid }, 'adopted running process');
    this.schedule(gen, 0, () => this.pollReady(gen, run));
    return true;
  }

  /**
   * Resolves once the component has settled (running, failed, stopped, not installed) or, with
   * `untilFirstFailure`, as soon as one launch attempt has failed (a crash loop is under way and the
   * caller should not wait through its backoff), or after timeoutMs. Resolves with the state then.
   */
  waitSettled(timeoutMs: number, opts: { untilFirstFailure?: boolean } = {}): Promise<ComponentState> {
    return new Promise((resolve) => {
      const done = () => {
        // start() resets the count, so any failure counted is one of this start's attempts.
        const failedOnce = opts.untilFirstFailure && this.failures > 0;
        if (!SETTLED.includes(this.phase.state) && !failedOnce) return;
        this.waiters.delete(done);
        this.deps.clock.clearTimeout(timer);
        resolve(this.phase.state);
      };
      const timer = this.deps.clock.setTimeout(() => {
        this.waiters.delete(done);
        resolve(this.phase.state);
      }, timeoutMs);
      this.waiters.add(done);
      done();
    });
  }

  /**
   * Let go of the process without touching it (Lookout is exiting and leaves the stack running, to be
   * adopted next time). Dropping the run matters: its exit must no longer count as a crash here,
   * or this supervisor would respawn a process it no longer owns.
   */
  detach(): void {
    this.generation++;
    this.clearTimer();
    if ('run' in this.phase) this.phase = { state: 'stopped', detail: 'detached: left running for the next Lookout' };
  }

  // ── launching ────────────────────────────────────────────────────────────────────────────────

  private async launch(gen: number): Promise<void> {
    this.clearTimer();
    const plan = await this.deps.plan();
    if (gen !== this.generation) return;
    if ('notInstalled' in plan) return this.enter({ state: 'not-installed', error: plan.notInstalled, fix: plan.fix });
    this.found(plan);

    const blocked = await this.deps.preflight();
    if (gen !== this.generation) return;
    if (blocked) {
      return this.enter({ state: 'failed', error: blocked, fix: 'correct what the config error names (settings.json or your rule files), then press Start', detail: null });
    }

    // Spawning into a taken port would only crash-loop; say who holds it instead.
    const holder = plan.container ? null : await this.deps.ports.holder(plan.port);
    if (gen !== this.generation) return;
    if (holder) {
      const who = holder.pid ? `pid ${holder.pid}${holder.command ? ` (${holder.command})` : ''}` : 'another process';
      return this.enter({
        state: 'failed',
        error: `port ${plan.port} is already in use by ${who}; stop it or change stack.components.${this.id}.port`,
        fix: `stop ${who}, or set stack.components.${this.id}.port to a free port, then press Start`,
        detail: null,
      });
    }

    const previousError = this.phase.state === 'starting' ? this.phase.error : null;
    this.enter({ state: 'starting', run: null, error: previousError, detail: this.failures ? `restart ${this.failures}` : null });
    await capLogFile(plan.logFile, this.t.logMaxBytes);
    const handle = await this.deps.spawner.spawn({ command: plan.binary, args: plan.args, logFile: plan.logFile });
    if (gen !== this.generation) {
      // The user stopped while we were spawning: do not leave an orphan behind.
      void this.terminate(handle, this.deps.spec.stopGraceMs);
      return;
    }
    const run: Run = { handle, plan, args: plan.args, adopted: false, launchedAt: this.deps.clock.now() };
    this.phase = { state: 'starting', run, error: previousError, detail: this.failures ? `restart ${this.failures}` : null };
    this.watchExit(handle);
    await writePidRecord(plan.pidFile, { pid: handle.pid, binary: plan.binary, args: plan.args, startedAt: this.deps.clock.now() });
    this.deps.logger.info({ component: this.id, pid: handle.pid }, 'spawned');
    this.deps.onChange();
    this.schedule(gen, this.t.readyPollMs, () => this.pollReady(gen, run));
  }

  private async pollReady(gen: number, run: Run): Promise<void> {
    const res = await this.deps.health.check(run.plan.healthBaseUrl + this.deps.spec.readinessPath, this.t.healthTimeoutMs);
    if (gen !== this.generation || !this.isCurrent(run)) return;
    if (res.ok) {
      this.enter({ state: 'running', run, upSince: this.deps.clock.now(), healthFailures: 0, error: null });
      this.schedule(gen, this.t.healthIntervalMs, () => this.healthTick(gen, run));
      return;
    }
    if (this.deps.clock.now() - run.launchedAt >= this.t.startTimeoutMs) {
      return this.recoverHung(gen, run, `not ready after ${this.t.startTimeoutMs / 1000} s (${this.deps.spec.readinessPath}: ${res.error})`);
    }
    this.schedule(gen, this.t.readyPollMs, () => this.pollReady(gen, run));
  }

  // ── watching ─────────────────────────────────────────────────────────────────────────────────

  private async healthTick(gen: number, run: Run): Promise<void> {
    const livenessPath = this.deps.spec.livenessPath ?? this.deps.spec.readinessPath;
    const res = await this.deps.health.check(run.plan.healthBaseUrl + livenessPath, this.t.healthTimeoutMs);
    const p = this.phase;
    if (gen !== this.generation || (p.state !== 'running' && p.state !== 'unhealthy') || p.run !== run) return;
    const now = this.deps.clock.now();
    if (res.ok) {
      if (p.state === 'unhealthy') this.enter({ state: 'running', run, upSince: p.upSince, healthFailures: 0, error: null });
      else p.healthFailures = 0;
      if (this.failures > 0 && now - p.upSince >= this.t.stableAfterMs) this.failures = 0;
    } else {
      const healthFailures = p.healthFailures + 1;
      if (p.state === 'running' && healthFailures >= this.t.failuresToUnhealthy) {
        this.enter({ state: 'unhealthy', run, upSince: p.upSince, healthFailures, unhealthySince: now, error: `${livenessPath} is not answering: ${res.error}` });
      } else if (p.state === 'unhealthy' && now - p.unhealthySince >= this.t.hungAfterMs) {
        return this.recoverHung(gen, run, `hung: ${livenessPath} did not answer for ${Math.round((now - p.unhealthySince) / 1000)} s`);
      } else {
        p.healthFailures = healthFailures;
      }
    }
    void capLogFile(run.plan.logFile, this.t.logMaxBytes);
    this.schedule(gen, this.t.healthIntervalMs, () => this.healthTick(gen, run));
  }

  private watchExit(handle: ProcessHandle): void {
    void handle.exited.then((exit) => this.onExit(handle, exit));
  }

  private async onExit(handle: ProcessHandle, exit: ExitInfo): Promise<void> {
    // Exits we caused (stop, hung restart) are handled where we caused them; so is one we let go of.
    const p = this.phase;
    if (!('run' in p) || !p.run || p.run.handle !== handle || p.state === 'stopping') return;
    this.recordExit(exit, false, false);
    // Through enter: the state changes (running → starting), so `since` is now, and a start's readiness time
    // (the watchdog's grace) counts from the crash rather than from the first start.
    this.enter({ state: 'starting', run: null, error: null, detail: null });
    await this.removePidFile();
    this.deps.onUnexpectedExit?.();
    await this.scheduleRespawn(this.generation, `exited unexpectedly (${describeExit(exit)})`);
  }

  /** Alive but not answering: kill it (gently first) and count it as a failure. */
  private async recoverHung(gen: number, run: Run, reason: string): Promise<void> {
    // Out of the run first, so the exit we are about to cause is not taken for a crash.
    this.enter({ state: 'starting', run: null, error: reason, detail: 'restarting: not answering' });
    const { exit, forced } = await this.terminate(run.handle, this.t.hungStopGraceMs);
    if (gen !== this.generation) return;
    this.recordExit(exit, true, forced);
    await this.removePidFile();
    await this.scheduleRespawn(gen, reason);
  }

  private async scheduleRespawn(gen: number, reason: string): Promise<void> {
    this.failures++;
    this.restarts++;
    this.deps.logger.warn({ component: this.id, reason, failures: this.failures }, 'component failed');
    if (this.failures > this.t.maxRestarts) {
      const lines = this.lastPlan ? await exitReasonLines(this.lastPlan.logFile) : [];
      if (gen !== this.generation) return;
      return this.enter({
        state: 'failed',
        error: `${reason}; gave up after ${this.t.maxRestarts} restarts${lines.length ? `. Last log lines:\n${lines.join('\n')}` : ''}`,
        detail: 'crash loop: start it again once the cause is fixed',
        fix: `read ${this.lastPlan?.logFile ?? 'its log'}, fix the cause, then press Start`,
      });
    }
    const delay = backoffDelay(this.failures, this.t);
    this.enter({ state: 'starting', run: null, error: reason, detail: `restart ${this.failures} in ${(delay / 1000).toFixed(1)} s` });
    this.schedule(gen, delay, () => this.launch(gen));
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────

  private isLive(): boolean {
    const { state } = this.phase;
    return state === 'starting' || state === 'running' || state === 'unhealthy';
  }

  private isCurrent(run: Run): boolean {
    return 'run' in this.phase && this.phase.run === run;
  }

  private found(plan: LaunchPlan): void {
    this.lastPlan = plan;
    this.binary = plan.binary;
    this.version = plan.version;
    this.warning = plan.warning ?? null;
  }

  /**
   * SIGCONT first: a stopped process cannot act on SIGTERM, and a clean shutdown keeps Prometheus' TSDB
   * intact. The spawner signals the whole process group, so a component's own children stop with it.
   */
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
    if (this.lastPlan) await rm(this.lastPlan.pidFile, { force: true });
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

  private enter(phase: Phase): void {
    if (phase.state !== this.phase.state) this.since = this.deps.clock.now();
    this.phase = phase;
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
