/**
 * CPU: seconds per core and mode (counters), load averages and core counts.
 *
 * Linux reads /proc/stat (fast). macOS reads `os.cpus()`, which is libuv over host_processor_info:
 * the kernel's per-core tick counters (user, nice, system, idle) without spawning anything, so it
 * runs at the fast interval too. libuv fills `irq` with a constant 0 there, which is not a
 * measurement, so macOS exports no irq mode. Core counts on macOS (performance / efficiency on Apple
 * silicon) come from one `sysctl` run, once.
 */
import os from 'node:os';
import { CollectorError, unsupportedCollector, type Collector, type CollectContext, type Series } from '../collector';
import { parseCoreCounts, parseSysctl, type CoreCounts } from '../parsers/macos-memory';
import { CPU_MODES, cpuTotal, parseProcStat, USER_HZ, type CpuTimes } from '../parsers/linux-proc';

export interface CpuCollectorOptions {
  platform: NodeJS.Platform;
  /** Injected for tests. */
  cpus?: () => os.CpuInfo[];
  loadavg?: () => number[];
}

const SYSCTL = '/usr/sbin/sysctl';
const CORE_KEYS = ['hw.logicalcpu', 'hw.physicalcpu', 'hw.nperflevels', 'hw.perflevel0.name', 'hw.perflevel0.logicalcpu', 'hw.perflevel1.name', 'hw.perflevel1.logicalcpu'];

function loadSeries(loadavg: () => number[]): Series[] {
  const [m1, m5, m15] = loadavg();
  return [
    { name: 'lookout_load_average', labels: { window: '1m' }, value: m1 ?? NaN },
    { name: 'lookout_load_average', labels: { window: '5m' }, value: m5 ?? NaN },
    { name: 'lookout_load_average', labels: { window: '15m' }, value: m15 ?? NaN },
  ];
}

function coreSeries(counts: CoreCounts): Series[] {
  return (Object.entries(counts) as Array<[keyof CoreCounts, number]>).map(([kind, value]) => ({ name: 'lookout_cpu_cores', labels: { kind }, value }));
}

/** Busy share since the previous reading: 1 − Δidle / Δtotal (the same definition the history view queries). */
class UsageRatio {
  private prev: { idle: number; total: number } | null = null;
  next(idle: number, total: number): number | undefined {
    const prev = this.prev;
    this.prev = { idle, total };
    if (!prev || total <= prev.total || idle < prev.idle) return undefined;
    return Math.min(1, Math.max(0, 1 - (idle - prev.idle) / (total - prev.total)));
  }
}

/** Physical cores from sysfs topology: distinct (package, core) pairs. Undefined when sysfs does not tell. */
async function linuxPhysicalCores(ctx: CollectContext, cpus: string[]): Promise<number | undefined> {
  const pairs = new Set<string>();
  for (const cpu of cpus) {
    const dir = `/sys/devices/system/cpu/cpu${cpu}/topology`;
    try {
      const [pkg, core] = await Promise.all([ctx.readFile(`${dir}/physical_package_id`), ctx.readFile(`${dir}/core_id`)]);
      pairs.add(`${pkg.trim()}:${core.trim()}`);
    } catch {
      return undefined;
    }
  }
  return pairs.size || undefined;
}

function linuxCpu(opts: CpuCollectorOptions): Collector {
  const usage = new UsageRatio();
  const loadavg = opts.loadavg ?? os.loadavg;
  let physical: { cpus: string; value: number | undefined } | null = null;
  return {
    id: 'cpu',
    cadence: 'fast',
    async collect(ctx) {
      const stat = parseProcStat(await ctx.readFile('/proc/stat', { keep: true }));
      const series: Series[] = [];
      for (const { cpu, times } of stat.cpus) {
        for (const mode of CPU_MODES) {
          const ticks = times[mode];
          if (ticks !== undefined) series.push({ name: 'lookout_cpu_seconds_total', labels: { cpu, mode }, value: ticks / USER_HZ });
        }
      }
      series.push(...loadSeries(loadavg));
      // Topology does not change while we run; read it again only if the set of cores changes (hotplug).
      const cpuList = stat.cpus.map((c) => c.cpu);
      if (physical?.cpus !== cpuList.join(',')) physical = { cpus: cpuList.join(','), value: await linuxPhysicalCores(ctx, cpuList) };
      series.push(...coreSeries({ logical: cpuList.length, ...(physical.value !== undefined ? { physical: physical.value } : {}) }));
      const sample: Record<string, number> = { 'cpu.load1': loadavg()[0] ?? NaN };
      const ratio = usage.next(stat.total.idle ?? 0, cpuTotal(stat.total));
      if (ratio !== undefined) sample['cpu.usage_ratio'] = ratio;
      return { series, sample };
    },
  };
}

function macCpu(opts: CpuCollectorOptions): Collector {
  const usage = new UsageRatio();
  const cpus = opts.cpus ?? os.cpus;
  const loadavg = opts.loadavg ?? os.loadavg;
  let counts: CoreCounts | null = null;
  return {
    id: 'cpu',
    cadence: 'fast',
    async collect(ctx) {
      const info = cpus();
      if (!info.length) throw new CollectorError('os.cpus() returned no cores');
      const series: Series[] = [];
      const total: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0 };
      info.forEach((c, i) => {
        // libuv reports milliseconds; irq is always 0 on macOS and so is not exported.
        const modes = { user: c.times.user, nice: c.times.nice, system: c.times.sys, idle: c.times.idle };
        for (const [mode, ms] of Object.entries(modes) as Array<[keyof typeof modes, number]>) {
          series.push({ name: 'lookout_cpu_seconds_total', labels: { cpu: String(i), mode }, value: ms / 1000 });
          total[mode] = (total[mode] ?? 0) + ms;
        }
      });
      series.push(...loadSeries(loadavg));
      if (!counts) {
        // Unknown names (hw.perflevel* on Intel) make sysctl exit non-zero while printing the others.
        const out = await ctx.exec(SYSCTL, CORE_KEYS, { allowNonZero: true }).catch(() => null);
        if (out !== null) counts = parseCoreCounts(parseSysctl(out));
      }
      series.push(...coreSeries({ logical: info.length, ...(counts ?? {}) }));
      const sample: Record<string, number> = { 'cpu.load1': loadavg()[0] ?? NaN };
      const ratio = usage.next(total.idle ?? 0, cpuTotal(total));
      if (ratio !== undefined) sample['cpu.usage_ratio'] = ratio;
      return { series, sample };
    },
  };
}

export function createCpuCollector(opts: CpuCollectorOptions): Collector {
  if (opts.platform === 'linux') return linuxCpu(opts);
  if (opts.platform === 'darwin') return macCpu(opts);
  return unsupportedCollector('cpu', 'fast', opts.platform);
}
