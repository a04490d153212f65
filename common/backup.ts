/**
 * Backups, remote write and lock-down as the UI and CLI see them. Types only; common/ imports nothing
 * outside common/. The producers are main/core/backup, main/core/remote-write and main/core/lockdown.
 */

/** One part of a backup: in the archive (with what Lookout knows of it), or left out and why. */
export type BackupPart = ({ included: true } & Record<string, unknown>) | { included: false; reason: string };

/** A backup as the list shows it. */
export interface BackupSummary {
  id: string;
  file: string;
  /** ISO 8601, UTC. */
  created: string;
  sizeBytes: number;
  /** settings, stack, prometheus, grafana, telemetry, secrets: each included or left out with the reason. */
  contents: Record<string, BackupPart>;
  lookoutVersion: string;
}

export interface BackupList {
  dir: string;
  backups: BackupSummary[];
  /** Archives that could not be read, shown rather than hidden. */
  unreadable: Array<{ id: string; file: string; sizeBytes: number; error: string }>;
  /** Epoch ms of the next scheduled backup, null when none is scheduled. */
  nextScheduledAt: number | null;
}

export interface RestoreSummary {
  id: string;
  restored: string[];
  skipped: Array<{ what: string; reason: string }>;
  /** The series the restored Prometheus counts beside the number the backup recorded. */
  verified: { series: number; expected: number } | null;
  durationMs: number;
}

/** One remote-write target as Prometheus reports it; a figure it does not report is absent, never 0. */
export interface RemoteWriteTargetStatus {
  name: string;
  url: string;
  samplesPending?: number;
  samplesSent?: number;
  samplesFailed?: number;
  samplesRetried?: number;
  samplesDropped?: number;
  lagSeconds?: number;
  shards?: number;
  error?: string;
}

export interface RemoteWriteStatusReport {
  targets: RemoteWriteTargetStatus[];
  error?: string;
}

/** One check with its verdict, as `lookout doctor` prints it. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}
