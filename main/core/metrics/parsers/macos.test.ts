import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CollectorError } from '../collector';
import { parseIoregBlockStorage, parseIoregGpus } from './macos-ioreg';
import { macMemory, parseCoreCounts, parsePressureLevel, parseSwapUsage, parseSysctl, parseVmStat } from './macos-memory';
import { parseCpuTime, parseLsofFdCounts, parsePs, parseTopStats } from './macos-process';
import { parseMacMount, parseNetstatIb } from './macos-system';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'macos', name), 'utf8');

describe('ioreg IOAccelerator parser, using recorded fixtures', () => {
  it.each([
    ['ioreg-accelerator-m1-pro.txt', 'AGXAcceleratorG13X', { device: 0.02, renderer: 0.02, tiler: 0.02 }, 340983808],
    ['ioreg-accelerator-m2.txt', 'AGXAcceleratorG14G', { device: 0.12, renderer: 0.11, tiler: 0.03 }, 2684354560],
    ['ioreg-accelerator-m3.txt', 'AGXAcceleratorG15G', { device: 0.26, renderer: 0.25, tiler: 0.26 }, 862388224],
    ['ioreg-accelerator-m4.txt', 'AGXAcceleratorG16G', { device: 0.17, renderer: 0.15, tiler: 0.15 }, 430571520],
  ])('%s: reads device, renderer and tiler utilization and the memory in use', (file, className, utilization, memory) => {
    const { gpus, accelerators } = parseIoregGpus(fixture(file));
    expect(accelerators).toBe(1);
    expect(gpus).toHaveLength(1);
    expect(gpus[0]).toMatchObject({ index: 0, className, memoryUsedBytes: memory });
    for (const [engine, v] of Object.entries(utilization)) expect(gpus[0]!.utilization[engine as 'device']).toBeCloseTo(v, 10);
  });

  it('reads the model name where the registry gives it (M4, M2) and not from another key', () => {
    expect(parseIoregGpus(fixture('ioreg-accelerator-m4.txt')).gpus[0]!.model).toBe('Apple M4');
    expect(parseIoregGpus(fixture('ioreg-accelerator-m2.txt')).gpus[0]!.model).toBe('Apple M2');
    expect(parseIoregGpus(fixture('ioreg-accelerator-m1-pro.txt')).gpus[0]!.model).toBeNull();
  });

  it('truncated output: the cut-off Device Utilization is absent, never read as 0 or as a neighbour', () => {
    const { gpus } = parseIoregGpus(fixture('ioreg-accelerator-m1-pro-truncated.txt'));
    expect(gpus).toHaveLength(1);
    expect(gpus[0]!.utilization.device).toBeUndefined();
    expect(gpus[0]!.utilization.renderer).toBeCloseTo(0.02, 10);
    // "In use system memory" came after the cut.
    expect(gpus[0]!.memoryUsedBytes).toBeNull();
  });

  it('a discrete GPU that is powered off has no statistics and gets no series; the iGPU still does', () => {
    const { gpus, accelerators } = parseIoregGpus(fixture('ioreg-accelerator-dgpu-off.txt'));
    expect(accelerators).toBe(2);
    expect(gpus).toEqual([{ index: 0, className: 'IntelAccelerator', model: null, utilization: { device: 0.07 }, memoryUsedBytes: 536870912 }]);
  });

  it('every GPU powered off: no GPU at all (the collector turns this into a reason)', () => {
    expect(parseIoregGpus(fixture('ioreg-accelerator-all-off.txt'))).toEqual({ gpus: [], accelerators: 1 });
    expect(parseIoregGpus('')).toEqual({ gpus: [], accelerators: 0 });
  });

  it('drops percentages outside 0–100 (an overflowing Intel driver) instead of clamping them', () => {
    const text = '+-o IntelAccelerator  <class IntelAccelerator, id 0x1, registered>\n    {\n      "PerformanceStatistics" = {"Device Utilization %"=1844,"Renderer Utilization %"=40}\n    }\n';
    expect(parseIoregGpus(text).gpus[0]!.utilization).toEqual({ renderer: 0.4 });
  });
});

describe('ioreg IOBlockStorageDriver parser, using recorded fixtures', () => {
  it('names the disk from the IOMedia child that follows the counters (M4)', () => {
    expect(parseIoregBlockStorage(fixture('ioreg-blockstorage-m4.txt'))).toEqual([{ device: 'disk0', readBytes: 31579725824, writtenBytes: 20147040256 }]);
  });

  it('numbers drivers whose listing has no BSD name', () => {
    expect(parseIoregBlockStorage(fixture('ioreg-blockstorage-two-drivers.txt'))).toEqual([
      { device: 'driver0', readBytes: 3394316288, writtenBytes: 4335616 },
      { device: 'driver1', readBytes: 1594539950080, writtenBytes: 2001819619328 },
    ]);
  });
});

describe('vm_stat parser, using recorded fixtures', () => {
  it('Apple silicon (16 KiB pages): used = app (anonymous − purgeable) + wired + compressed, as Activity Monitor counts it', () => {
    const vm = parseVmStat(fixture('vm_stat-apple-silicon.txt'));
    expect(vm.pageSize).toBe(16384);
    expect(vm.pages.get('Translation faults')).toBe(218850525);
    const mem = macMemory(vm);
    expect(mem.appBytes).toBe((327624 - 14672) * 16384);
    expect(mem.wiredBytes).toBe(172591 * 16384);
    expect(mem.compressedBytes).toBe(294851 * 16384);
    expect(mem.usedBytes).toBe((327624 - 14672 + 172591 + 294851) * 16384);
  });

  it('missing keys (M4 capture without Anonymous / File-backed pages): wired and compressed stay, used is left out rather than guessed', () => {
    const mem = macMemory(parseVmStat(fixture('vm_stat-m4-partial.txt')));
    expect(mem).toEqual({ wiredBytes: 180736 * 16384, compressedBytes: 334128 * 16384 });
  });

  it('older vm_stat without Anonymous pages but with File-backed pages: app from active + inactive + speculative − purgeable − file-backed', () => {
    const text = fixture('vm_stat-apple-silicon.txt').replace(/^Anonymous pages:.*\n/m, '');
    const mem = macMemory(parseVmStat(text));
    expect(mem.appBytes).toBe((254966 + 240318 + 14083 - 14672 - 181743) * 16384);
  });

  it('truncated output (no page size) is an error naming vm_stat, not zeros', () => {
    expect(() => parseVmStat(fixture('vm_stat-truncated.txt'))).toThrow(CollectorError);
    expect(() => parseVmStat(fixture('vm_stat-truncated.txt'))).toThrow(/vm_stat/);
  });
});

describe('sysctl parsers, using recorded fixtures', () => {
  it('memory: hw.memsize, vm.swapusage and the kernel pressure level', () => {
    const v = parseSysctl(fixture('sysctl-memory.txt'));
    expect(v.get('hw.memsize')).toBe('17179869184');
    expect(parseSwapUsage(v.get('vm.swapusage')!)).toEqual({ totalBytes: 2048 * 1024 ** 2, usedBytes: Math.round(1017.5 * 1024 ** 2) });
    expect(parsePressureLevel(v.get('kern.memorystatus_vm_pressure_level'))).toBe(1);
    const loaded = parseSysctl(fixture('sysctl-memory-loaded.txt'));
    expect(parsePressureLevel(loaded.get('kern.memorystatus_vm_pressure_level'))).toBe(2);
    expect(parseSwapUsage(loaded.get('vm.swapusage')!).usedBytes).toBe(Math.round(11625.69 * 1024 ** 2));
  });

  it('swap usage in a comma-decimal locale, and an unknown pressure level is not a level', () => {
    expect(parseSwapUsage('total = 1024,00M  used = 124,50M  free = 899,50M').usedBytes).toBe(Math.round(124.5 * 1024 ** 2));
    expect(() => parseSwapUsage('garbage')).toThrow(/vm.swapusage/);
    expect(parsePressureLevel('3')).toBeNull();
    expect(parsePressureLevel(undefined)).toBeNull();
  });

  it.each([
    ['sysctl-cores-m1.txt', { logical: 8, physical: 8, performance: 4, efficiency: 4 }],
    ['sysctl-cores-m1-pro.txt', { logical: 10, physical: 10, performance: 8, efficiency: 2 }],
    ['sysctl-cores-m3-pro.txt', { logical: 11, physical: 11, performance: 5, efficiency: 6 }],
    ['sysctl-cores-intel.txt', { logical: 8, physical: 4 }],
  ])('core counts from %s', (file, counts) => {
    expect(parseCoreCounts(parseSysctl(fixture(file)))).toEqual(counts);
  });

  it('core counts with a level missing (truncated) report no performance/efficiency split', () => {
    const text = fixture('sysctl-cores-m3-pro.txt').replace(/^hw.perflevel1.logicalcpu.*\n/m, '');
    expect(parseCoreCounts(parseSysctl(text))).toEqual({ logical: 11, physical: 11 });
  });
});

describe('top, ps and lsof parsers, using recorded fixtures', () => {
  it('top: threads (9/1 = threads/running) and Mach messages per pid, columns found by header', () => {
    expect(parseTopStats(fixture('top-stats-two-pids.txt'))).toEqual(
      new Map([
        [48211, { threads: 14, machMessagesSent: 1832, machMessagesReceived: 1204 }],
        [48230, { threads: 9, machMessagesSent: 52113, machMessagesReceived: 49870 }],
      ]),
    );
  });

  it('top: truncated before the header is an error; an abbreviated count is absent, not approximated', () => {
    expect(() => parseTopStats(fixture('top-stats-truncated.txt'))).toThrow(/no PID header/);
    const abbreviated = 'PID  #TH  MSGSENT  MSGRECV\n12   3    1234K+   99\n';
    expect(parseTopStats(abbreviated).get(12)).toEqual({ threads: 3, machMessagesReceived: 99 });
  });

  it('ps: rss in KiB and BSD cpu time (minutes past 59)', () => {
    expect(parsePs(fixture('ps-two-pids.txt'))).toEqual(
      new Map([
        [48211, { rssBytes: 83456 * 1024, cpuSeconds: 2.41 }],
        [48230, { rssBytes: 212992 * 1024, cpuSeconds: 12 * 60 + 45.07 }],
      ]),
    );
    expect(parseCpuTime('1-02:03:04.50')).toBeCloseTo(86400 + 7384.5, 6);
    expect(parseCpuTime('123:45.67')).toBeCloseTo(123 * 60 + 45.67, 6);
    expect(parseCpuTime('n/a')).toBeUndefined();
    expect(() => parsePs('48211 lots 0:01.00')).toThrow(/ps output/);
  });

  it('lsof -F f: numbered descriptors only (cwd and txt are not descriptors)', () => {
    expect(parseLsofFdCounts(fixture('lsof-fds-two-pids.txt'))).toEqual(new Map([[48211, 5], [48230, 5]]));
  });
});

describe('netstat -ib and mount parsers, using recorded fixtures', () => {
  it('counts each interface once (link rows only), including links without an address', () => {
    const rows = parseNetstatIb(fixture('netstat-ib.txt'));
    expect(rows).toEqual([
      { iface: 'lo0', rxPackets: 883011, rxBytes: 951953745, txPackets: 883011, txBytes: 951953745 },
      { iface: 'en0', rxPackets: 1000, rxBytes: 500000, txPackets: 900, txBytes: 450000 },
      { iface: 'en9', rxPackets: 20, rxBytes: 4000, txPackets: 10, txBytes: 2000 },
    ]);
    const more = parseNetstatIb(fixture('netstat-ib-more.txt'));
    expect(more.map((r) => r.iface)).toEqual(['en14', 'bridge0', 'en0', 'utun3', 'anpi0']);
    expect(more.find((r) => r.iface === 'utun3')).toEqual({ iface: 'utun3', rxPackets: 42, rxBytes: 4200, txPackets: 42, txBytes: 4200 });
    expect(more.find((r) => r.iface === 'en14')?.rxBytes).toBe(67350896364);
  });

  it('netstat garbage is an error naming netstat', () => {
    expect(() => parseNetstatIb('Name Mtu Network Address Ipkts\nen0 1500 <Link#4> aa:bb x y z w v u t')).toThrow(/netstat/);
    expect(() => parseNetstatIb('something else entirely')).toThrow(/netstat/);
  });

  it('mount: device, mount point (spaces kept), filesystem type and options', () => {
    const mounts = parseMacMount(fixture('mount-sonoma.txt'));
    expect(mounts[0]).toEqual({ device: '/dev/disk3s1s1', mountpoint: '/', fstype: 'apfs', options: ['sealed', 'local', 'read-only', 'journaled'] });
    expect(mounts.find((m) => m.mountpoint === '/Volumes/Backup Disk')?.fstype).toBe('apfs');
    expect(mounts).toHaveLength(12);
  });
});
