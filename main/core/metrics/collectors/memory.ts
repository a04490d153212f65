/**
 * Memory: total, available, used, swap and pressure.
 *
 * Linux reads /proc/meminfo (used = MemTotal − MemAvailable, as `free` counts it) and PSI from
 * /proc/pressure/memory where the kernel has it (fast). macOS runs `vm_stat` and one `sysctl` for
 * hw.memsize, vm.swapusage and kern.memorystatus_vm_pressure_level (slow): used is app + wired +
 * compressed as Activity Monitor counts it, available is total − used.
 */
import { CollectorError, unsupportedCollector, type Collector, type Series } from '../collector';
import { macMemory, parsePressureLevel, parseSwapUsage, parseSysctl, parseVmStat } from '../parsers/macos-memory';
import { parseMeminfo, parsePressure } from '../parsers/linux-proc';

const VM_STAT = '/usr/bin/vm_stat';
const SYSCTL = '/usr/sbin/sysctl';

const gauge = (name: Series['name'], value: number | undefined): Series[] => (value === undefined ? [] : [{ name, value }]);

function linuxMemory(): Collector {
  return {
    id: 'memory',
    cadence: 'fast',
    async collect(ctx) {
      const [meminfoText, pressureText] = await Promise.all([
        ctx.readFile('/proc/meminfo', { keep: true }),
        // PSI needs a kernel with CONFIG_PSI; without it the pressure series are simply absent.
        ctx.readFile('/proc/pressure/memory', { keep: true }).catch(() => null),
      ]);
      const m = parseMeminfo(meminfoText);
      const total = m.get('MemTotal');
      const available = m.get('MemAvailable');
      const used = total !== undefined && available !== undefined ? total - available : undefined;
      const swapTotal = m.get('SwapTotal');
      const swapFree = m.get('SwapFree');
      const swapUsed = swapTotal !== undefined && swapFree !== undefined ? swapTotal - swapFree : undefined;
      const pressure = pressureText === null ? undefined : parsePressure(pressureText).some.avg10 / 100;
      const series = [
        ...gauge('lookout_memory_total_bytes', total),
        ...gauge('lookout_memory_available_bytes', available),
        ...gauge('lookout_memory_used_bytes', used),
        ...gauge('lookout_swap_total_bytes', swapTotal),
        ...gauge('lookout_swap_used_bytes', swapUsed),
        ...gauge('lookout_memory_pressure_ratio', pressure),
      ];
      const sample: Record<string, number> = {};
      if (used !== undefined) sample['memory.used_bytes'] = used;
      if (total !== undefined) sample['memory.total_bytes'] = total;
      if (pressure !== undefined) sample['memory.pressure_ratio'] = pressure;
      if (swapUsed !== undefined) sample['swap.used_bytes'] = swapUsed;
      return { series, sample };
    },
  };
}

function macMemoryCollector(): Collector {
  return {
    id: 'memory',
    cadence: 'slow',
    async collect(ctx) {
      const [vmText, sysctlText] = await Promise.all([
        ctx.exec(VM_STAT, []),
        ctx.exec(SYSCTL, ['hw.memsize', 'vm.swapusage', 'kern.memorystatus_vm_pressure_level'], { allowNonZero: true }),
      ]);
      const mem = macMemory(parseVmStat(vmText));
      const values = parseSysctl(sysctlText);
      const memsize = values.get('hw.memsize');
      if (memsize === undefined || !/^\d+$/.test(memsize)) throw new CollectorError('sysctl did not report hw.memsize');
      const total = Number(memsize);
      const swapValue = values.get('vm.swapusage');
      const swap = swapValue === undefined ? undefined : parseSwapUsage(swapValue);
      const level = parsePressureLevel(values.get('kern.memorystatus_vm_pressure_level')) ?? undefined;
      const available = mem.usedBytes === undefined ? undefined : Math.max(0, total - mem.usedBytes);
      const series = [
        ...gauge('lookout_memory_total_bytes', total),
        ...gauge('lookout_memory_used_bytes', mem.usedBytes),
        ...gauge('lookout_memory_available_bytes', available),
        ...gauge('lookout_memory_wired_bytes', mem.wiredBytes),
        ...gauge('lookout_memory_compressed_bytes', mem.compressedBytes),
        ...gauge('lookout_swap_total_bytes', swap?.totalBytes),
        ...gauge('lookout_swap_used_bytes', swap?.usedBytes),
        ...gauge('lookout_memory_pressure_level', level),
      ];
      const sample: Record<string, number> = { 'memory.total_bytes': total };
      if (mem.usedBytes !== undefined) sample['memory.used_bytes'] = mem.usedBytes;
      if (swap) sample['swap.used_bytes'] = swap.usedBytes;
      if (level !== undefined) sample['memory.pressure_level'] = level;
      return { series, sample };
    },
  };
}

export function createMemoryCollector(platform: NodeJS.Platform): Collector {
  if (platform === 'linux') return linuxMemory();
  if (platform === 'darwin') return macMemoryCollector();
  return unsupportedCollector('memory', 'fast', platform);
}
