import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RecordedCommandRunner, type FakeTool } from '../../../../test/fakes/recorded-command-runner';
import { defaultSettings, type Settings } from '../../settings/schema';
import { createNativeMetrics } from '../native-metrics';
import type { DemoWatch } from '../targets';

/** The macOS tools, each answering with output recorded on real Macs (test/fixtures/macos, see its README). */
function macTools(over: Record<string, FakeTool | ((args: string[]) => FakeTool)> = {}) {
  return new RecordedCommandRunner({
    ioreg: (args) => (args.includes('IOAccelerator') ? { fixture: 'macos/ioreg-accelerator-m1-pro.txt' } : { fixture: 'macos/ioreg-blockstorage-m4.txt' }),
    vm_stat: { fixture: 'macos/vm_stat-apple-silicon.txt' },
    sysctl: (args) => (args.includes('hw.memsize') ? { fixture: 'macos/sysctl-memory.txt' } : { fixture: 'macos/sysctl-cores-m1-pro.txt', code: 1, stderr: "sysctl: unknown oid 'hw.nperflevels'" }),
    netstat: { fixture: 'macos/netstat-ib-more.txt' },
    mount: { fixture: 'macos/mount-sonoma.txt' },
    ps: { fixture: 'macos/ps-two-pids.txt' },
    top: { fixture: 'macos/top-stats-two-pids.txt' },
    lsof: { fixture: 'macos/lsof-fds-two-pids.txt' },
    ...over,
  });
}

const demo: DemoWatch = { services: [{ name: 'llm', pid: 48211, ipc: [] }, { name: 'memory', pid: 48230, ipc: [] }] };

async function runMac(runner: RecordedCommandRunner, settings: Settings = defaultSettings()) {
  const registry = new Registry();
  const native = createNativeMetrics({ registry, settings: () => settings, demo: () => demo, runner, platform: 'darwin' });
  await native.runOnce();
  const body = await registry.metrics();
  const statuses = Object.fromEntries(native.statuses().map((s) => [s.id, s]));
  const sample = native.sample().values;
  native.stop();
  return { body, statuses, sample };
}

describe('macOS collectors on a fake runner replaying recorded output', () => {
  it('every collector is up and exports what the recorded tools say', async () => {
    const { body, statuses, sample } = await runMac(macTools());
    for (const id of ['cpu', 'memory', 'gpu', 'disk', 'filesystem', 'network', 'processes', 'ipc', 'lookout']) expect(statuses[id], id).toMatchObject({ up: true });
    // GPU (M1 Pro capture)
    expect(body).toContain('lookout_gpu_utilization_ratio{gpu="0",engine="device"} 0.02');
    expect(body).toContain('lookout_gpu_memory_used_bytes{gpu="0"} 340983808');
    // Memory (vm_stat + sysctl captures)
    expect(body).toContain(`lookout_memory_used_bytes ${(327624 - 14672 + 172591 + 294851) * 16384}`);
    expect(body).toContain(`lookout_memory_wired_bytes ${172591 * 16384}`);
    expect(body).toContain(`lookout_memory_compressed_bytes ${294851 * 16384}`);
    expect(body).toContain('lookout_memory_total_bytes 17179869184');
    expect(body).toContain('lookout_memory_pressure_level 1');
    expect(body).toContain(`lookout_swap_used_bytes ${Math.round(1017.5 * 1024 ** 2)}`);
    // macOS has no PSI: the Linux pressure ratio is absent, not 0
    expect(body).not.toMatch(/^lookout_memory_pressure_ratio /m);
    // Core counts (M1 Pro: 8 performance + 2 efficiency)
    expect(body).toContain('lookout_cpu_cores{kind="performance"} 8');
    expect(body).toContain('lookout_cpu_cores{kind="efficiency"} 2');
    // macOS exports no irq mode (libuv's constant 0 is not a measurement)
    expect(body).not.toContain('mode="irq"');
    // Disk (ioreg) and network (netstat): idle links and down interfaces are left out
    expect(body).toContain('lookout_disk_read_bytes_total{device="disk0"} 31579725824');
    expect(body).toContain('lookout_network_receive_bytes_total{interface="en14"} 67350896364');
    expect(body).not.toContain('interface="anpi0"');
    expect(body).not.toContain('interface="en5');
    // Processes (ps + top + lsof captures)
    expect(body).toContain('lookout_service_process_up{service="llm"} 1');
    expect(body).toContain(`lookout_service_process_resident_memory_bytes{service="memory"} ${212992 * 1024}`);
    expect(body).toContain('lookout_service_process_cpu_seconds_total{service="memory"} 765.07');
    expect(body).toContain('lookout_service_process_threads{service="memory"} 9');
    expect(body).toContain('lookout_service_process_open_fds{service="llm"} 5');
    expect(body).toContain('lookout_service_process_mach_messages_sent_total{service="memory"} 52113');
    expect(body).toContain('lookout_service_process_mach_messages_received_total{service="llm"} 1204');
    expect(body).not.toContain('lookout_service_process_context_switches_total{');
    expect(sample['gpu.utilization_ratio']).toBeCloseTo(0.02, 10);
    expect(sample['memory.pressure_level']).toBe(1);
  });

  it('ioreg missing: the GPU and disk collectors are down naming ioreg; the others keep going', async () => {
    const { body, statuses } = await runMac(macTools({ ioreg: { missing: true } }));
    expect(statuses.gpu).toMatchObject({ up: false, reason: 'ioreg not found at /usr/sbin/ioreg' });
    expect(statuses.disk).toMatchObject({ up: false, reason: 'ioreg not found at /usr/sbin/ioreg' });
    expect(statuses.memory!.up).toBe(true);
    expect(body).toContain('lookout_collector_up{collector="gpu"} 0');
    expect(body).not.toMatch(/^lookout_gpu_/m);
    expect(body).not.toMatch(/^lookout_disk_/m);
  });

  it('every GPU powered off: no GPU series and the reason says so', async () => {
    const { body, statuses } = await runMac(macTools({ ioreg: (a) => (a.includes('IOAccelerator') ? { fixture: 'macos/ioreg-accelerator-all-off.txt' } : { fixture: 'macos/ioreg-blockstorage-m4.txt' }) }));
    expect(statuses.gpu).toMatchObject({ up: false, unavailable: true, reason: expect.stringContaining('GPU powered off?') });
    expect(body).not.toMatch(/^lookout_gpu_/m);
  });

  it('vm_stat printing garbage: memory is down with a parse reason, nothing reported as 0', async () => {
    const { body, statuses } = await runMac(macTools({ vm_stat: { stdout: 'Segmentation fault\n' } }));
    expect(statuses.memory).toMatchObject({ up: false, reason: expect.stringContaining('could not parse vm_stat output') });
    expect(body).not.toMatch(/^lookout_memory_/m);
    expect(body).not.toMatch(/^lookout_swap_/m);
    expect(statuses.gpu!.up).toBe(true);
  });

  it('top truncated: processes stay up from ps, threads and Mach messages are absent rather than 0', async () => {
    const { body, statuses } = await runMac(macTools({ top: { fixture: 'macos/top-stats-truncated.txt' } }));
    expect(statuses.processes!.up).toBe(true);
    expect(body).toContain('lookout_service_process_up{service="llm"} 1');
    expect(body).not.toMatch(/^lookout_service_process_threads/m);
    expect(body).not.toMatch(/^lookout_service_process_mach_messages/m);
  });

  it('a watched process that is gone is up 0 with no other series', async () => {
    const { body } = await runMac(macTools({ ps: { stdout: '48211  83456   0:02.41\n', code: 1 } }));
    expect(body).toContain('lookout_service_process_up{service="memory"} 0');
    expect(body).not.toContain('lookout_service_process_resident_memory_bytes{service="memory"}');
    expect(body).toContain('lookout_service_process_up{service="llm"} 1');
  });

  it('tools run with a timeout and absolute paths (no PATH lookups), slow collectors spawn nothing at the fast tick', async () => {
    const runner = macTools();
    const registry = new Registry();
    const settings = defaultSettings();
    const native = createNativeMetrics({ registry, settings: () => settings, demo: () => demo, runner, platform: 'darwin' });
    await native.runOnce('fast');
    const fastSpawns = runner.calls.map((c) => c.command);
    // The fast tick on macOS: cpu (os.cpus; one sysctl for core counts, once), ipc, lookout. Nothing else spawns.
    expect(fastSpawns).toEqual(['/usr/sbin/sysctl']);
    await native.runOnce('slow');
    expect(runner.calls.every((c) => c.command.startsWith('/') && c.timeoutMs !== undefined && c.timeoutMs <= 5000)).toBe(true);
    await native.runOnce('fast');
    expect(runner.count('sysctl')).toBe(2); // core counts are not read again; the other sysctl is memory's
    native.stop();
  });
});
