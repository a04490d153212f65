import type { Logger } from 'pino';
import type { Clock, Timer } from '../../ports';
import { LOG_LEVELS, type LogRecord } from '../../store/records';
import type { ShipTarget } from '../settings-schema';
import type { DiskQueue } from './disk-queue';
import type { ShipMetrics } from './ship-metrics';
import type { TargetClient } from './target-client';

/** What the UI shows per target. */
export interface ShipTargetStatus {
  name: string;
  type: ShipTarget['type'];
  /** Where it ships to (the URL holds no credentials: the schema refuses them). */
  url: string;
  /**
   * idle: nothing waiting; shipping: sending; retrying: the last send failed and will be retried
   * (`lastError`, `nextAttemptAt`); queue-full: the cap is reached and new records are being dropped.
   */
  state: 'idle' | 'shipping' | 'retrying' | 'queue-full';
  queuedBytes: number;
  maxQueueBytes: number;
  shipped: number;
  dropped: Record<string, number>;
  lastError: string | null;
  lastSuccessAt: number | null;
  nextAttemptAt: number | null;
  /** One sentence for the UI. */
  message: string;
}

export interface ShipperOptions {
  target: ShipTarget;
  queue: DiskQueue;
  client: TargetClient;
  clock: Clock;
  logger: Logger;
  metrics: ShipMetrics;
  batchRecords?: number;
  batchBytes?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Poll the queue this often while idle (an enqueue wakes it sooner). */
  idleMs?: number;
  random?: () => number;
}

export interface Shipper {
  readonly queue: DiskQueue;
  enqueue(records: readonly LogRecord[]): void;
  start(): void;
  stop(): Promise<void>;
  /** Run the send loop now (tests). */
  wake(): void;
  status(): ShipTargetStatus;
  setClient(target: ShipTarget, client: TargetClient): void;
}

/**
 * Sends one target's queue, oldest first, one batch at a time (so per-stream order holds at the target).
 * A failed send is retried with exponential backoff and jitter (base × 2^n, capped, times 0.5–1, at
 * least Retry-After); a 4xx that will never succeed drops the batch with its reason; a 413 halves the
 * batch until one record is left, which is then dropped as too large.
 */
export function createShipper(opts: ShipperOptions): Shipper {
  let target = opts.target;
  let client = opts.client;
  const q = opts.queue;
  const baseMs = opts.backoffBaseMs ?? 1_000;
  const maxMs = opts.backoffMaxMs ?? 60_000;
  const idleMs = opts.idleMs ?? 1_000;
  const random = opts.random ?? Math.random;
  let batchRecords = opts.batchRecords ?? 1_000;
  const batchBytes = opts.batchBytes ?? 1024 * 1024;
  let timer: Timer | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  let failures = 0;
  let shipped = 0;
  const dropped: Record<string, number> = {};
  let lastError: string | null = null;
  let lastSuccessAt: number | null = null;
  let nextAttemptAt: number | null = null;
  let queueFullSince: number | null = null;
  let sending = false;
  const minRank = () => (target.minLevel ? LOG_LEVELS.indexOf(target.minLevel) : -1);

  function drop(reason: string, n: number): void {
    if (n <= 0) return;
    dropped[reason] = (dropped[reason] ?? 0) + n;
    opts.metrics.dropped.inc({ target: target.name, reason }, n);
  }

  function schedule(ms: number): void {
    if (stopped) return;
    if (timer) opts.clock.clearTimeout(timer);
    nextAttemptAt = failures ? opts.clock.now() + ms : null;
    timer = opts.clock.setTimeout(() => {
      timer = null;
      void loop();
    }, ms);
  }

  async function step(): Promise<number> {
    const corruptBefore = q.corrupt;
    try {
      await q.sync();
    } catch {
      // q.lastError says why; what is already on disk can still be shipped.
    }
    const batch = await q.peek(batchRecords, batchBytes);
    drop('corrupt', q.corrupt - corruptBefore);
    if (!batch) return idleMs;
    if (batch.records.length === 0) {
      await q.ack(batch);
      return 0;
    }
    sending = true;
    const res = await client.send(batch.records).finally(() => {
      sending = false;
    });
    if (res.ok) {
      await q.ack(batch);
      shipped += batch.records.length;
      opts.metrics.shipped.inc({ target: target.name }, batch.records.length);
      failures = 0;
      lastError = null;
      lastSuccessAt = opts.clock.now();
      return 0;
    }
    if (res.retry) {
      failures++;
      if (res.reason !== lastError) opts.logger.warn({ target: target.name, reason: res.reason }, 'log shipping failed; will retry');
      lastError = res.reason;
      const backoff = Math.min(maxMs, baseMs * 2 ** (failures - 1)) * (0.5 + random() / 2);
      return Math.min(maxMs, Math.max(backoff, res.retryAfterMs ?? 0));
    }
    if (res.tooLarge && batch.records.length > 1) {
      batchRecords = Math.max(1, Math.floor(batch.records.length / 2));
      return 0;
    }
    await q.ack(batch);
    drop(res.tooLarge ? 'too_large' : 'rejected', batch.records.length);
    lastError = `${batch.records.length} record(s) dropped: ${res.reason}`;
    opts.logger.error({ target: target.name, reason: res.reason, records: batch.records.length }, 'log ship target refused a batch; dropped');
    failures = 0;
    return 0;
  }

  function loop(): Promise<void> {
    running ??= (async () => {
      let next: number;
      try {
        next = await step();
      } catch (err) {
        lastError = (err as Error).message;
        next = Math.min(maxMs, baseMs * 2 ** Math.min(failures++, 10));
      } finally {
        running = null;
      }
      schedule(next);
    })();
    return running;
  }

  return {
    queue: q,
    enqueue(records) {
      const rank = minRank();
      const wanted = rank < 0 ? records : records.filter((r) => r.level === null || LOG_LEVELS.indexOf(r.level) >= rank);
      if (wanted.length === 0) return;
      const { dropped: lost } = q.append(wanted);
      if (lost > 0) {
        if (queueFullSince === null) {
          queueFullSince = opts.clock.now();
          opts.logger.error({ target: target.name, maxQueueBytes: q.maxBytes }, 'log shipping queue is full; new records are dropped until it drains');
        }
        drop('queue_full', lost);
      } else if (queueFullSince !== null && q.bytes() < q.maxBytes * 0.9) {
        queueFullSince = null;
      }
      if (!running && failures === 0) schedule(0);
    },
    start() {
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) opts.clock.clearTimeout(timer);
      timer = null;
      await running;
      await q.sync().catch(() => undefined);
      await q.close();
    },
    wake() {
      failures = 0;
      schedule(0);
    },
    setClient(t, c) {
      target = t;
      client = c;
    },
    status() {
      const queuedBytes = q.bytes();
      const full = queueFullSince !== null;
      const state: ShipTargetStatus['state'] = full ? 'queue-full' : failures > 0 ? 'retrying' : sending || queuedBytes > 0 ? 'shipping' : 'idle';
      const err = q.lastError ?? lastError;
      const message = full
        ? `queue full (${queuedBytes} of ${q.maxBytes} bytes): new records are dropped, ${dropped.queue_full ?? 0} so far${err ? `; ${err}` : ''}`
        : failures > 0
          ? `not shipping: ${err}; retrying, ${queuedBytes} bytes queued`
          : q.lastError
            ? q.lastError
            : `shipped ${shipped} record(s)${queuedBytes ? `, ${queuedBytes} bytes queued` : ''}`;
      return { name: target.name, type: target.type, url: target.url, state, queuedBytes, maxQueueBytes: q.maxBytes, shipped, dropped: { ...dropped }, lastError: err, lastSuccessAt, nextAttemptAt, message };
    },
  };
}
