import type { CollectorStatus } from '../../../common/model';
import type { DoctorCheck } from '../doctor-check';

/** Collector health for `lookout doctor`, and where it came from. */
export interface CollectorHealth {
  statuses: CollectorStatus[];
  /** "the running Lookout" or "one run of each collector now". */
  source: string;
}

/**
 * One doctor line per collector. A collector whose source this machine does not have (no GPU, not
 * this OS) is down but passes: there is nothing to fix, and `doctor` must not fail on every GPU-less
 * machine. Any other down collector fails with its reason and how to silence it.
 */
export function collectorChecks(health: CollectorHealth, settingsFile: string): DoctorCheck[] {
  return health.statuses.map((s) => {
    const name = `collector ${s.id}`;
    if (s.up) return { name, ok: true, detail: `up (last run ${Math.round(s.lastDurationMs ?? 0)} ms; ${health.source})` };
    if (s.unavailable) return { name, ok: true, detail: `not available on this machine, no series exported: ${s.reason ?? 'unknown reason'} (${health.source})` };
    return {
      name,
      ok: false,
      detail: `down, its series are absent: ${s.reason ?? 'unknown reason'} (${health.source})`,
      fix: `fix what the reason names (the other collectors keep running), or set metrics.collectors.${s.id} to false in ${settingsFile}`,
    };
  });
}
