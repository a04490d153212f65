/** How closely components are watched. Defaults suit a laptop; tests may shorten them. */
export interface SupervisionTimings {
  /** Readiness polling while starting. */
  readyPollMs: number;
  /** Give up waiting for readiness after this long (Prometheus may replay a large WAL first). */
  startTimeoutMs: number;
  healthIntervalMs: number;
  healthTimeoutMs: number;
  /** Consecutive failed checks before `running` becomes `unhealthy`. */
  failuresToUnhealthy: number;
  /** Unhealthy for this long counts as hung: the process is killed and respawned. */
  hungAfterMs: number;
  /** Grace between SIGTERM and SIGKILL when killing a hung process. */
  hungStopGraceMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Respawns after consecutive failures before the component is declared `failed`. */
  maxRestarts: number;
  /** Up this long without failing resets the failure count (and so the backoff). */
  stableAfterMs: number;
  /**
   * A backstop only: component logs are rotated, gzip'd and pruned by the log pipeline
   * (main/core/logs/rotate, logs.rotation in settings); should that not run, the supervisor still keeps
   * each log under this size (one uncompressed previous file).
   */
  logMaxBytes: number;
}

export const DEFAULT_TIMINGS: SupervisionTimings = {
  readyPollMs: 100,
  startTimeoutMs: 60_000,
  healthIntervalMs: 2_000,
  healthTimeoutMs: 1_500,
  failuresToUnhealthy: 2,
  hungAfterMs: 10_000,
  hungStopGraceMs: 5_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 30_000,
  maxRestarts: 5,
  stableAfterMs: 60_000,
  logMaxBytes: 100 * 1024 * 1024,
};

/** Exponential backoff: base, 2×base, 4×base … capped. `failures` counts from 1. */
export function backoffDelay(failures: number, t: Pick<SupervisionTimings, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  const exp = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(t.backoffBaseMs * 2 ** exp, t.backoffMaxMs);
}
