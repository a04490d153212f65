import type { MetricName } from './catalog';

/** Every native collector, in the order `doctor` and the UI list them. */
export const COLLECTOR_IDS = ['cpu', 'memory', 'gpu', 'disk', 'filesystem', 'network', 'ipc', 'processes', 'lookout'] as const;
export type CollectorId = (typeof COLLECTOR_IDS)[number];

/**
 * How often a collector runs: `fast` for cheap sources (`os`, /proc, sockets), `slow` for anything
 * that spawns a process (ioreg, vm_stat, sysctl, top, nvidia-smi…).
 */
export type Cadence = 'fast' | 'slow';

/** One exported value. Labels must be the ones the catalog declares for `name`. */
export interface Series {
  name: MetricName;
  labels?: Readonly<Record<string, string>>;
  value: number;
}

/** What one run of a collector read. Anything it could not read is simply not in here. */
export interface Reading {
  series: Series[];
  /** Live values for the UI's sample (keys as in METRIC_KEYS, or per-target keys such as `ipc.<target>.latency_seconds`). */
  sample?: Record<string, number>;
}

/** Options for running a tool from a collector. */
export interface ExecOptions {
  /** Use stdout even when the tool exits non-zero (sysctl with an unknown name, lsof with a gone pid). */
  allowNonZero?: boolean;
}

/** What a collector may use while it runs. Everything is async: nothing here blocks the event loop. */
export interface CollectContext {
  /** Aborted when the run times out or the collectors stop. */
  readonly signal: AbortSignal;
  /**
   * Run a tool with execFile (no shell), bounded by the run's timeout; resolves with stdout.
   * Throws a CollectorError naming the tool when it is missing, times out or fails.
   */
  exec(command: string, args: string[], opts?: ExecOptions): Promise<string>;
  /**
   * Read a text file (async; rejects with the usual errno errors). With `keep`, a /proc or /sys file is
   * read through a descriptor kept open between runs (one pread instead of open/read/close: see ProcReader).
   */
  readFile(path: string, opts?: { keep?: boolean }): Promise<string>;
  /** Close the kept descriptors under a path prefix (a watched process that is gone). */
  forget(prefix: string): void;
  /** Monotonic milliseconds, for rates between runs. */
  now(): number;
}

/** A source of series. A collector throws (ideally a CollectorError) when it cannot read its source at all. */
export interface Collector {
  readonly id: CollectorId;
  readonly cadence: Cadence;
  collect(ctx: CollectContext): Promise<Reading>;
  /** Release what the collector holds (timers, histograms) when the collectors stop. */
  close?(): void;
}

/**
 * Why a collector is down, in words a user can act on. `unavailable` marks a source this machine
 * simply does not have (no GPU, not this OS), which `doctor` reports without calling it a failure.
 */
export class CollectorError extends Error {
  constructor(
    message: string,
    readonly unavailable = false,
  ) {
    super(message);
    this.name = 'CollectorError';
  }
}

/** Parse failures are CollectorErrors too: garbage from a tool must mark the collector down, never read as zero. */
export function parseError(what: string, detail: string): CollectorError {
  return new CollectorError(`could not parse ${what}: ${detail}`);
}

/** A collector for a platform it cannot read: always down, saying so (no series, never zeros). */
export function unsupportedCollector(id: CollectorId, cadence: Cadence, platform: string): Collector {
  return {
    id,
    cadence,
    collect: async () => {
      throw new CollectorError(`not supported on ${platform}`, true);
    },
  };
}
