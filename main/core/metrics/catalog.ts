/**
 * Every series the native collectors export, with its type, help text and label names, in one table
 * (the names are the agreed ones in docs/metrics.md). Collectors return plain `Series` values naming
 * an entry here; the exporter turns the table into prom-client metrics, so a collector cannot invent
 * a metric or a label that Prometheus and the dashboards do not know about.
 */

interface MetricDef {
  type: 'gauge' | 'counter';
  help: string;
  labels: readonly string[];
}

export const METRIC_DEFS = {
  lookout_cpu_seconds_total: { type: 'counter', help: 'CPU time per core and mode, in seconds, from the kernel\u2019s own accounting.', labels: ['cpu', 'mode'] },
  lookout_cpu_cores: { type: 'gauge', help: 'Core counts the system tells: logical, physical, performance and efficiency (Apple silicon).', labels: ['kind'] },
  lookout_load_average: { type: 'gauge', help: 'System load average over the window.', labels: ['window'] },
  lookout_memory_total_bytes: { type: 'gauge', help: 'Physical memory installed.', labels: [] },
  lookout_memory_available_bytes: { type: 'gauge', help: 'Memory available to new work without swapping (Linux MemAvailable; macOS total minus used).', labels: [] },
  lookout_memory_used_bytes: { type: 'gauge', help: 'Memory in use (Linux total minus available; macOS app + wired + compressed, as Activity Monitor counts it).', labels: [] },
  lookout_memory_wired_bytes: { type: 'gauge', help: 'Wired memory that cannot be paged out (macOS).', labels: [] },
  lookout_memory_compressed_bytes: { type: 'gauge', help: 'Memory occupied by the compressor (macOS).', labels: [] },
  lookout_swap_total_bytes: { type: 'gauge', help: 'Swap space configured.', labels: [] },
  lookout_swap_used_bytes: { type: 'gauge', help: 'Swap space in use.', labels: [] },
  lookout_memory_pressure_ratio: { type: 'gauge', help: 'Share of the last 10 s some task stalled on memory (Linux PSI some avg10 / 100).', labels: [] },
  lookout_memory_pressure_level: { type: 'gauge', help: 'The kernel\u2019s memory pressure level (macOS: 1 normal, 2 warning, 4 critical).', labels: [] },
  lookout_gpu_utilization_ratio: { type: 'gauge', help: 'Share of time the GPU engine was busy.', labels: ['gpu', 'engine'] },
  lookout_gpu_memory_used_bytes: { type: 'gauge', help: 'GPU memory in use (unified system memory in use by the GPU on Apple silicon).', labels: ['gpu'] },
  lookout_ipc_probe_success: { type: 'gauge', help: 'Whether the last probe of a configured IPC endpoint succeeded (1) or not (0).', labels: ['target', 'transport'] },
  lookout_service_process_mach_messages_sent_total: { type: 'counter', help: 'Mach messages sent by a watched service process (macOS).', labels: ['service'] },
  lookout_service_process_mach_messages_received_total: { type: 'counter', help: 'Mach messages received by a watched service process (macOS).', labels: ['service'] },
  lookout_service_process_context_switches_total: { type: 'counter', help: 'Context switches of a watched service process (Linux), voluntary or involuntary.', labels: ['service', 'kind'] },
  lookout_filesystem_size_bytes: { type: 'gauge', help: 'Size of a mounted filesystem.', labels: ['mountpoint', 'fstype'] },
  lookout_filesystem_avail_bytes: { type: 'gauge', help: 'Space available to unprivileged users on a mounted filesystem.', labels: ['mountpoint', 'fstype'] },
  lookout_disk_read_bytes_total: { type: 'counter', help: 'Bytes read from a disk.', labels: ['device'] },
  lookout_disk_written_bytes_total: { type: 'counter', help: 'Bytes written to a disk.', labels: ['device'] },
  lookout_network_receive_bytes_total: { type: 'counter', help: 'Bytes received on a network interface.', labels: ['interface'] },
  lookout_network_transmit_bytes_total: { type: 'counter', help: 'Bytes sent on a network interface.', labels: ['interface'] },
  lookout_network_receive_packets_total: { type: 'counter', help: 'Packets received on a network interface.', labels: ['interface'] },
  lookout_network_transmit_packets_total: { type: 'counter', help: 'Packets sent on a network interface.', labels: ['interface'] },
  lookout_service_process_up: { type: 'gauge', help: 'Whether the watched service\u2019s process was found (1) or not (0).', labels: ['service'] },
  lookout_service_process_cpu_seconds_total: { type: 'counter', help: 'CPU time (user + system) of the watched service\u2019s process.', labels: ['service'] },
  lookout_service_process_resident_memory_bytes: { type: 'gauge', help: 'Resident memory of the watched service\u2019s process.', labels: ['service'] },
  lookout_service_process_threads: { type: 'gauge', help: 'Threads of the watched service\u2019s process.', labels: ['service'] },
  lookout_service_process_open_fds: { type: 'gauge', help: 'Open file descriptors of the watched service\u2019s process.', labels: ['service'] },
} as const satisfies Record<string, MetricDef>;

export type MetricName = keyof typeof METRIC_DEFS;

/** Collector health, exported beside the collectors' own series. */
export const COLLECTOR_UP = 'lookout_collector_up';
export const COLLECTOR_DURATION = 'lookout_collector_duration_seconds';

/** Histograms (observed as events happen, not read from a source). */
export const IPC_PROBE_DURATION = 'lookout_ipc_probe_duration_seconds';
export const APP_IPC_ROUNDTRIP = 'lookout_app_ipc_roundtrip_seconds';

/**
 * Loopback connects and local round trips take tens of microseconds to a few milliseconds; the
 * upper buckets catch a stalled peer before the probe's timeout.
 */
export const LOCAL_LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
