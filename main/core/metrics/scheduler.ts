import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { CollectorStatus } from '../../../common/model';
import { systemClock } from '../adapters/clock';
import type { Clock, Timer } from '../ports';
import { CollectorError, type Cadence, type CollectContext, type Collector, type CollectorId, type Reading } from './collector';
import { ProcReader } from './proc-reader';
import type { ToolRunner } from './tool-runner';

export interface SchedulerOptions {
  collectors: Collector[];
  tools: ToolRunner;
  /** Interval of `fast` and `slow` collectors. */
  fastMs: number;
  slowMs: number;
  /** Budget of one run; past it the collector is marked down and its tools are killed. */
  timeoutMs: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** Called whenever a collector's readings or status change. */
  onChange?: () => void;
  /** Monotonic ms (tests pass their own). */
  now?: () => number;
  /** Wall-clock ms for `lastSuccessAt`. */
  wallNow?: () => number;
  /** The intervals' and deadlines' timers (tests pass a fake clock; the real one unrefs its timers). */
  clock?: Clock;
}

interface Slot {
  collector: Collector;
  /** The last successful reading; null while down or before the first run (its series are then absent). */
  reading: Reading | null;
  status: CollectorStatus;
  /** The run in flight, until its collect() really settles (even after a timeout): at most one per collector. */
  running: Promise<void> | null;
  /** When the run in flight started (monotonic ms). */
  startedAt: number;
}

const STILL_RUNNING = '; the run is still going, so no new one starts';

function reasonOf(err: unknown): string {
  if (err instanceof CollectorError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT' && e.path) return `${e.path} does not exist`;
  if (e?.code === 'EACCES' && e.path) return `${e.path} is not readable`;
  return e instanceof Error ? e.message : String(err);
}

/** Values that are not finite are dropped rather than exported: NaN is not a measurement. */
function clean(reading: Reading): Reading {
  const series = reading.series.filter((s) => Number.isFinite(s.value));
  const sample = reading.sample ? Object.fromEntries(Object.entries(reading.sample).filter(([, v]) => Number.isFinite(v))) : undefined;
  return sample ? { series, sample } : { series };
}

/**
 * Runs collectors on their cadence. Each collector runs on its own: one that fails, hangs or
 * returns garbage is marked down with the reason (and its series disappear) while the others go
 * on. Runs are bounded by a timeout and never overlap: a tick that finds the previous run of a
 * collector still going skips it.
 */
export class CollectorScheduler {
  private readonly slots = new Map<CollectorId, Slot>();
  private readonly timers = new Set<Timer>();
  private readonly clock: Clock;
  private readonly aborts = new Set<AbortController>();
  private readonly now: () => number;
  private readonly wallNow: () => number;
  private stopped = false;
  /** Hot /proc files stay open between runs (closed on stop). */
  private readonly proc = new ProcReader();

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.wallNow = opts.wallNow ?? (() => Date.now());
    this.clock = opts.clock ?? systemClock;
    for (const collector of opts.collectors) {
      this.slots.set(collector.id, {
        collector,
        reading: null,
        status: { id: collector.id, up: false, reason: 'not run yet', lastDurationMs: null, lastSuccessAt: null },
        running: null,
        startedAt: 0,
      });
    }
  }

  /**
   * Run every collector now, then each cadence on its interval. Each tick re-arms its own timer (a
   * Clock has timeouts, not intervals), counted from when the tick was due, so the cadence does not drift
   * by the time a tick takes to start. The real clock's timers never keep the process alive.
   */
  start(): void {
    void this.runAll();
    for (const cadence of ['fast', 'slow'] as const) {
      if (![...this.slots.values()].some((s) => s.collector.cadence === cadence)) continue;
      const every = cadence === 'fast' ? this.opts.fastMs : this.opts.slowMs;
      let due = this.clock.now() + every;
      const arm = () => {
        const timer = this.clock.setTimeout(() => {
          this.timers.delete(timer);
          if (this.stopped) return;
          due = Math.max(due + every, this.clock.now());
          arm();
          void this.runCadence(cadence);
        }, Math.max(0, due - this.clock.now()));
        this.timers.add(timer);
      };
      arm();
    }
  }

  /** Stop the timers, abort runs in flight (their tools are killed) and release the collectors. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
    for (const ac of this.aborts) ac.abort();
    for (const slot of this.slots.values()) slot.collector.close?.();
    this.proc.close();
  }

  /** Run every collector of a cadence in parallel; resolves when each has a result (or was skipped). */
  runCadence(cadence: Cadence): Promise<void> {
    return this.runBatch([...this.slots.values()].filter((s) => s.collector.cadence === cadence));
  }

  /** Run every collector once, whatever its cadence. */
  runAll(): Promise<void> {
    return this.runBatch([...this.slots.values()]);
  }

  statuses(): CollectorStatus[] {
    return [...this.slots.values()].map((s) => ({ ...s.status }));
  }

  /** Readings of the collectors that are up. */
  readings(): Array<{ id: CollectorId; reading: Reading }> {
    const out: Array<{ id: CollectorId; reading: Reading }> = [];
    for (const [id, slot] of this.slots) if (slot.status.up && slot.reading) out.push({ id, reading: slot.reading });
    return out;
  }

  /**
   * One tick: the collectors run in parallel under one deadline (one timer, one abort signal for the
   * batch: a tick every two seconds should not pay for a timer per collector). A collector whose previous
   * run is still going is skipped.
   */
  private runBatch(slots: Slot[]): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const { timeoutMs } = this.opts;
    const runnable: Slot[] = [];
    for (const slot of slots) {
      if (!slot.running) runnable.push(slot);
      else if (this.now() - slot.startedAt > timeoutMs && !slot.status.up && !slot.status.reason?.endsWith(STILL_RUNNING)) {
        this.update(slot, { ...slot.status, reason: `${slot.status.reason ?? 'timed out'}${STILL_RUNNING}` });
      }
    }
    if (!runnable.length) return Promise.resolve();

    const ac = new AbortController();
    this.aborts.add(ac);
    const started = this.now();
    const deadline = started + timeoutMs;
    const toolMargin = Math.min(50, timeoutMs / 10);
    const ctx: CollectContext = {
      signal: ac.signal,
      exec: (command, args, execOpts) => {
        if (ac.signal.aborted) return Promise.reject(new CollectorError(`not running ${command}: the run was stopped`));
        // The tool's own limit ends a little before the run's, so the reason names the tool that hung.
        return this.opts.tools(command, args, Math.max(1, Math.round(deadline - this.now() - toolMargin)), execOpts);
      },
      readFile: (file, readOpts) => (readOpts?.keep ? this.proc.read(file) : fs.readFile(file, { encoding: 'utf8', signal: ac.signal })),
      forget: (prefix) => this.proc.dropPrefix(prefix),
      now: this.now,
    };
    let timer: Timer | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(() => {
        ac.abort();
        reject(new CollectorError(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    let pending = runnable.length;

    const outcomes = runnable.map((slot) => {
      slot.startedAt = started;
      const collecting = Promise.resolve().then(() => slot.collector.collect(ctx));
      const outcome = Promise.race([collecting, timedOut]).then(
        (reading) => {
          if (this.stopped) return;
          slot.reading = clean(reading);
          this.update(slot, { id: slot.collector.id, up: true, reason: null, lastDurationMs: this.now() - started, lastSuccessAt: this.wallNow() });
        },
        (err: unknown) => {
          if (this.stopped) return;
          slot.reading = null;
          const unavailable = err instanceof CollectorError && err.unavailable;
          this.update(slot, { id: slot.collector.id, up: false, reason: reasonOf(err), lastDurationMs: this.now() - started, lastSuccessAt: slot.status.lastSuccessAt, ...(unavailable ? { unavailable } : {}) });
        },
      );
      // In flight until collect() really settles, even after a timeout: that is what keeps runs from overlapping.
      slot.running = collecting
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          slot.running = null;
          if (--pending === 0) {
            if (timer !== undefined) this.clock.clearTimeout(timer);
            this.aborts.delete(ac);
          }
        });
      return outcome;
    });
    return Promise.all(outcomes).then(() => undefined);
  }

  private update(slot: Slot, next: CollectorStatus): void {
    const prev = slot.status;
    slot.status = next;
    // Log transitions only: a collector that stays down must not write a line every tick.
    if (!next.up && (prev.up || prev.reason !== next.reason)) this.opts.logger?.warn({ collector: next.id, reason: next.reason }, 'collector down');
    else if (next.up && !prev.up && prev.lastDurationMs !== null) this.opts.logger?.info({ collector: next.id }, 'collector up again');
    this.opts.onChange?.();
  }
}
