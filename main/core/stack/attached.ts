import type { Logger } from 'pino';
import type { ComponentState, ComponentStatus } from '../../../common/model';
import type { Clock, HealthProbe, Timer } from '../ports';
import type { ComponentSpec } from './component-spec';
import { DEFAULT_TIMINGS, type SupervisionTimings } from './timings';

/*
 * A component Lookout is attached to (stack.components.<id>.attach): someone else runs it, so Lookout
 * neither starts nor stops it, only watches it.
 *
 *   stopped (not watched) ──start / adopt──▶ starting ──ready──▶ running ⇄ unhealthy
 *      ▲                                                                       │
 *      └──────────────────────────── stop (stop watching) ◀────────────────────┘
 *
 * `unhealthy` never leads to a kill: the process is not Lookout's. Readiness and liveness go through the
 * same health probe as the supervised components, which adds the attach credentials (lockdown/access.ts).
 */

export interface AttachedDeps {
  spec: ComponentSpec;
  clock: Clock;
  health: HealthProbe;
  logger: Logger;
  timings?: Partial<SupervisionTimings>;
  /** The server's base URL, from the settings in force. */
  url(): string;
  onChange(): void;
}

type AttachedState = 'stopped' | 'starting' | 'running' | 'unhealthy';

export class AttachedComponent {
  private readonly t: SupervisionTimings;
  private state: AttachedState = 'stopped';
  private since: number;
  private error: string | null = null;
  private failures = 0;
  private generation = 0;
  private timer: Timer | null = null;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly deps: AttachedDeps) {
    this.t = { ...DEFAULT_TIMINGS, ...deps.timings };
    this.since = deps.clock.now();
  }

  status(port: number, url: string): ComponentStatus {
    const watched = this.state !== 'stopped';
    return {
      id: this.deps.spec.id,
      name: this.deps.spec.name,
      state: this.state,
      pid: null,
      port: Number(new URL(url).port) || port,
      version: null,
      binary: null,
      lastError: this.error,
      fix: null,
      detail: watched ? `attached to ${url}` : `attached to ${url}: Lookout does not stop it; not watched`,
      warning: null,
      since: this.since,
      restarts: 0,
      adopted: false,
      lastExit: null,
      url,
    };
  }

  get currentState(): ComponentState {
    return this.state;
  }

  /** An attached server has no flags or binary of Lookout's. */
  readonly argsInUse = null;
  readonly binaryInUse = null;

  /** Nothing to look for: the server is not installed here. */
  async probe(): Promise<void> {}

  /** Start watching (Lookout starting up is the same as the user pressing Start). */
  async adopt(): Promise<boolean> {
    await this.start();
    return true;
  }

  async start(): Promise<void> {
    if (this.state !== 'stopped') return;
    const gen = ++this.generation;
    this.failures = 0;
    this.enter('starting', null);
    this.deps.logger.info({ component: this.deps.spec.id, url: this.deps.url() }, 'watching attached server');
    this.schedule(gen, 0);
  }

  /** Stop watching; the server itself is left alone. */
  async stop(): Promise<void> {
    this.generation++;
    this.clearTimer();
    if (this.state !== 'stopped') this.enter('stopped', null);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Its config is not Lookout's to reload. */
  async reload(): Promise<void> {}

  detach(): void {
    this.generation++;
    this.clearTimer();
  }

  waitSettled(timeoutMs: number, _opts: { untilFirstFailure?: boolean } = {}): Promise<ComponentState> {
    return new Promise((resolve) => {
      const done = () => {
        if (this.state === 'starting') return;
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

  private async tick(gen: number): Promise<void> {
    const path = this.state === 'starting' ? this.deps.spec.readinessPath : (this.deps.spec.livenessPath ?? this.deps.spec.readinessPath);
    const res = await this.deps.health.check(this.deps.url() + path, this.t.healthTimeoutMs);
    if (gen !== this.generation) return;
    if (res.ok) {
      this.failures = 0;
      if (this.state !== 'running') this.enter('running', null);
    } else {
      this.failures++;
      const why = `${this.deps.url()}${path} is not answering: ${res.error ?? `HTTP ${res.status}`}`;
      // Starting stays starting until the first answer or the start timeout; a running one needs N misses.
      if (this.state === 'starting' && this.deps.clock.now() - this.since >= this.t.startTimeoutMs) this.enter('unhealthy', why);
      else if (this.state === 'running' && this.failures >= this.t.failuresToUnhealthy) this.enter('unhealthy', why);
      else if (this.state === 'unhealthy' && why !== this.error) this.enter('unhealthy', why);
      else if (this.state === 'starting') {
        this.error = why;
        // A first answer of 401 will not change by waiting: say so now rather than after the start timeout.
        if (res.status === 401 || res.status === 403) this.enter('unhealthy', `${why} (check stack.components.${this.deps.spec.id}.attach credentials)`);
      }
    }
    this.schedule(gen, this.state === 'starting' ? this.t.readyPollMs * 5 : this.t.healthIntervalMs);
  }

  private schedule(gen: number, ms: number): void {
    this.clearTimer();
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      if (gen === this.generation) this.tick(gen).catch((err: unknown) => this.deps.logger.error({ err }, 'attached probe failed'));
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private enter(state: AttachedState, error: string | null): void {
    if (state !== this.state) this.since = this.deps.clock.now();
    this.state = state;
    this.error = error;
    this.deps.onChange();
    for (const w of [...this.waiters]) w();
  }
}
