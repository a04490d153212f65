import path from 'node:path';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { ComponentId } from '../../../common/model';
import type { Paths } from '../paths';
import type { Clock } from '../ports';
import type { DemoFile } from '../settings/demo-targets';
import type { LogSource, TelemetrySink } from '../store/records';
import { createFileFollower, type FileFollower, type FollowerStatus } from './follow/follower';
import { createOffsetsStore } from './follow/offsets-store';
import { nodeFs, type LogFs } from './fs-port';
import { createLogRotation, type LogRotation, type RotationStatus, type RotationTarget } from './rotate/rotation';
import { type LogsSettings } from './settings-schema';
import { durationMs, sizeBytes } from '../settings/units';
import { createShipping, type Shipping, type ShippingOptions } from './ship/shipping';
import type { ShipTargetStatus } from './ship/shipper';
import { followSpecs, lookoutLogFile, type ServiceLogs } from './sources';
import { toRecords } from './to-records';

/** What the log pillar reads from settings: the `logs` section and each service's `logs`. */
export interface LogIngestSettings {
  logs: LogsSettings;
  services: readonly ServiceLogs[];
  /** The demo's published services (demo.json), or null. */
  demo: DemoFile | null;
  /** The stack components whose logs to follow and rotate (the enabled ones). */
  components: readonly ComponentId[];
}

/** A sink that can say when what it was handed is durable; offsets are saved only after that. */
export type DurableSink = TelemetrySink & { flush?(): Promise<void> };

export interface LogIngestOptions {
  paths: Paths;
  /** Offsets file (default `<home>/state/logs`). */
  stateDir?: string;
  /** Ship queues (default `<home>/state/logs/ship`). */
  queueDir?: string;
  clock: Clock;
  registry: Registry;
  logger: Logger;
  sink: DurableSink;
  settings: LogIngestSettings;
  /** Files Lookout writes that are rotated here besides the logs dir's own (e.g. alerts/notifications.jsonl). */
  extraRotated?: readonly string[];
  fs?: LogFs;
  fetch?: ShippingOptions['fetch'];
  /** Test tuning. */
  tuning?: { checkpointMs?: number; renameGraceMs?: number; rotationCheckMs?: number; watch?: boolean; shipper?: ShippingOptions['shipper'] };
}

export interface LogIngestStatus {
  enabled: boolean;
  follow: FollowerStatus | null;
  rotation: RotationStatus;
  ship: ShipTargetStatus[];
}

export interface LogIngest {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** New settings (or demo, or components): followed files, rotation and ship targets follow. */
  applySettings(settings: LogIngestSettings): Promise<void>;
  status(): LogIngestStatus;
  /** Poll every followed file now (tests, bench). */
  tick(): Promise<void>;
}

/**
 * The log pillar's ingest side in one piece: follows every log file (services', the demo's, the
 * stack's, Lookout's own), parses each line into a LogRecord, hands batches to `sink.logs()` and to the
 * ship queues, rotates and prunes the files Lookout writes, and saves read offsets only once the sink
 * has flushed and the queues are fsync'd (at-least-once; repeats carry the same `log.record.uid`).
 */
export function createLogIngest(opts: LogIngestOptions): LogIngest {
  const stateDir = opts.stateDir ?? path.join(opts.paths.home, 'state', 'logs');
  const queueDir = opts.queueDir ?? path.join(stateDir, 'ship');
  let settings = opts.settings;
  let follower: FileFollower | null = null;
  const lines = new Counter({ name: 'lookout_logs_lines_read_total', help: 'Log lines read from followed files, by source.', labelNames: ['source'], registers: [opts.registry] });
  const shipping: Shipping = createShipping({ dir: queueDir, registry: opts.registry, clock: opts.clock, logger: opts.logger, fs: opts.fs, fetch: opts.fetch, shipper: opts.tuning?.shipper });
  const rotation: LogRotation = createLogRotation({
    targets: () => rotationTargets(),
    settings: () => settings.logs.rotation,
    clock: opts.clock,
    logger: opts.logger,
    beforeTruncate: async () => {
      await follower?.tick();
    },
    checkMs: opts.tuning?.rotationCheckMs,
  });

  function rotationTargets(): RotationTarget[] {
    const copyTruncate = [
      ...settings.components.map((id) => opts.paths.logFile(id)),
      ...(settings.demo?.services ?? []).flatMap((s) => (s.logFile ? [s.logFile] : [])),
      ...(opts.extraRotated ?? []),
    ];
    return [{ file: lookoutLogFile(opts.paths), mode: 'self' as const }, ...copyTruncate.map((file) => ({ file, mode: 'copy-truncate' as const }))];
  }

  const specs = () => followSpecs({ paths: opts.paths, components: settings.components, services: settings.services, demo: settings.demo });

  function startFollower(): FileFollower {
    const f = settings.logs.follow;
    return createFileFollower({
      offsets: createOffsetsStore(stateDir, opts.fs ?? nodeFs),
      clock: opts.clock,
      logger: opts.logger,
      pollMs: durationMs(f.pollInterval),
      maxLineBytes: sizeBytes(f.maxLineSize),
      startAt: f.startAt,
      checkpointMs: opts.tuning?.checkpointMs,
      renameGraceMs: opts.tuning?.renameGraceMs,
      watch: opts.tuning?.watch,
      deliver(batch) {
        const records = toRecords(batch);
        lines.inc({ source: batch.spec.source as LogSource }, records.length);
        opts.sink.logs(records);
        shipping.enqueue(records);
      },
      async beforeCheckpoint() {
        await Promise.all([opts.sink.flush?.(), shipping.sync()]);
      },
    });
  }

  return {
    async start() {
      await shipping.apply(settings.logs.ship);
      rotation.start();
      if (settings.logs.enabled) {
        follower = startFollower();
        await follower.start(specs());
      }
    },
    async stop() {
      rotation.stop();
      await follower?.stop();
      follower = null;
      await shipping.stop();
    },
    async applySettings(next) {
      const restart = JSON.stringify(next.logs.follow) !== JSON.stringify(settings.logs.follow) || next.logs.enabled !== settings.logs.enabled;
      settings = next;
      await shipping.apply(next.logs.ship);
      if (restart) {
        await follower?.stop();
        follower = null;
        if (next.logs.enabled) {
          follower = startFollower();
          await follower.start(specs());
        }
      } else {
        follower?.setSpecs(specs());
      }
    },
    status: () => ({ enabled: settings.logs.enabled, follow: follower?.status() ?? null, rotation: rotation.status(), ship: shipping.status() }),
    async tick() {
      await follower?.tick();
    },
  };
}
