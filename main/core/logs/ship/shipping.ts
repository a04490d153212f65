import path from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../../ports';
import type { LogRecord } from '../../store/records';
import { nodeFs, type LogFs } from '../fs-port';
import { type ShipTarget } from '../settings-schema';
import { sizeBytes } from '../../settings/units';
import { createDiskQueue } from './disk-queue';
import { createShipMetrics } from './ship-metrics';
import { createShipper, type Shipper, type ShipperOptions, type ShipTargetStatus } from './shipper';
import { createTargetClient, type FetchLike } from './target-client';

export interface ShippingOptions {
  /** Queues live in `<dir>/<target name>/`. */
  dir: string;
  registry: Registry;
  clock: Clock;
  logger: Logger;
  fs?: LogFs;
  fetch?: FetchLike;
  /** Tuning for tests (backoff, batch sizes, idle poll). */
  shipper?: Pick<ShipperOptions, 'backoffBaseMs' | 'backoffMaxMs' | 'batchRecords' | 'batchBytes' | 'idleMs' | 'random'>;
}

export interface Shipping {
  /** Ship to these targets from now on (a target's queue is kept across a settings change, and on disk when it is removed). */
  apply(targets: readonly ShipTarget[]): Promise<void>;
  enqueue(records: readonly LogRecord[]): void;
  /** Write and fsync every queue's buffer. Never throws: a queue that cannot be written keeps its records buffered and says so in its status. */
  sync(): Promise<void>;
  status(): ShipTargetStatus[];
  stop(): Promise<void>;
}

/** Every ship target: one on-disk queue and one send loop each, and the shipping metrics. */
export function createShipping(opts: ShippingOptions): Shipping {
  const shippers = new Map<string, { shipper: Shipper; config: string }>();
  const metrics = createShipMetrics(opts.registry, () => new Map([...shippers].map(([name, s]) => [name, s.shipper.queue.bytes()])));

  return {
    async apply(targets) {
      const wanted = new Map(targets.map((t) => [t.name, t]));
      for (const [name, s] of shippers) {
        if (!wanted.has(name)) {
          await s.shipper.stop();
          shippers.delete(name);
        }
      }
      for (const t of targets) {
        const config = JSON.stringify(t);
        const have = shippers.get(t.name);
        if (have && have.config === config) continue;
        const client = createTargetClient(t, opts.fetch);
        // The queue's cap is fixed when it opens; a changed cap takes a new queue object over the same files.
        if (have && (JSON.parse(have.config) as ShipTarget).maxQueueSize === t.maxQueueSize) {
          have.shipper.setClient(t, client);
          have.config = config;
          continue;
        }
        if (have) await have.shipper.stop();
        const queue = createDiskQueue({ dir: path.join(opts.dir, t.name), maxBytes: sizeBytes(t.maxQueueSize), fs: opts.fs ?? nodeFs });
        await queue.open();
        const shipper = createShipper({ target: t, queue, client, clock: opts.clock, logger: opts.logger, metrics, ...opts.shipper });
        shipper.start();
        shippers.set(t.name, { shipper, config });
      }
    },
    enqueue(records) {
      for (const s of shippers.values()) s.shipper.enqueue(records);
    },
    async sync() {
      await Promise.all([...shippers.values()].map((s) => s.shipper.queue.sync().catch(() => undefined)));
    },
    status: () => [...shippers.values()].map((s) => s.shipper.status()),
    async stop() {
      for (const s of shippers.values()) await s.shipper.stop();
      shippers.clear();
    },
  };
}
