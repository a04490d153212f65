import { Counter, Gauge, type Registry } from 'prom-client';

/** The shipping counters on /metrics. `reason`: queue_full, rejected (a 4xx that will never succeed), too_large, corrupt. */
export interface ShipMetrics {
  shipped: Counter<'target'>;
  dropped: Counter<'target' | 'reason'>;
  queuedBytes: Gauge<'target'>;
}

export function createShipMetrics(registry: Registry, queued: () => Map<string, number>): ShipMetrics {
  return {
    shipped: new Counter({ name: 'lookout_logs_shipped_total', help: 'Log records a ship target accepted.', labelNames: ['target'], registers: [registry] }),
    dropped: new Counter({ name: 'lookout_logs_dropped_total', help: 'Log records given up on for a ship target, by reason (queue_full, rejected, too_large, corrupt).', labelNames: ['target', 'reason'], registers: [registry] }),
    queuedBytes: new Gauge({
      name: 'lookout_logs_queued_bytes',
      help: 'Bytes of log records waiting in a ship target’s on-disk queue (and its write buffer).',
      labelNames: ['target'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [target, bytes] of queued()) this.set({ target }, bytes);
      },
    }),
  };
}
