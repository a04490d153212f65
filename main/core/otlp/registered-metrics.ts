import { Counter, Gauge, type CounterConfiguration, type GaugeConfiguration, type Registry } from 'prom-client';

/**
 * A counter in `registry`, or the one already registered under that name: a receiver or forwarder
 * that is recreated (settings changed) keeps counting into the same series instead of failing to
 * register twice. Without a registry the metric is private (tests that do not look at it).
 */
export function counterIn<T extends string>(registry: Registry | undefined, config: CounterConfiguration<T>): Counter<T> {
  const existing = registry?.getSingleMetric(config.name);
  if (existing) return existing as Counter<T>;
  return new Counter({ ...config, registers: registry ? [registry] : [] });
}

export function gaugeIn<T extends string>(registry: Registry | undefined, config: GaugeConfiguration<T>): Gauge<T> {
  const existing = registry?.getSingleMetric(config.name);
  if (existing) return existing as Gauge<T>;
  return new Gauge({ ...config, registers: registry ? [registry] : [] });
}
