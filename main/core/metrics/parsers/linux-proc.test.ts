import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realLinuxMounts } from '../collectors/filesystem';
import { cpuTotal, parseDiskstats, parseMeminfo, parseMounts, parseNetDev, parsePidStat, parsePidStatus, parsePressure, parseProcStat } from './linux-proc';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'linux', name), 'utf8');

describe('/proc parsers, using files recorded on a Linux VM (2 vCPU)', () => {
  it('/proc/stat: every mode per core, in ticks, and the aggregate line', () => {
    const stat = parseProcStat(fixture('proc-stat.txt'));
    expect(stat.cpus.map((c) => c.cpu)).toEqual(['0', '1']);
    expect(stat.total).toEqual({ user: 112356, nice: 959, system: 22055, idle: 364957, iowait: 633, irq: 0, softirq: 239, steal: 32 });
    expect(stat.cpus[1]!.times.user).toBe(58300);
    // The aggregate is the sum of the cores (the kernel's own invariant, within a few ticks of rounding).
    const sum = stat.cpus.reduce((n, c) => n + cpuTotal(c.times), 0);
    expect(Math.abs(cpuTotal(stat.total) - sum) / sum).toBeLessThan(1e-4);
  });

  it('/proc/stat: an old kernel with four columns gives four modes; garbage throws', () => {
    expect(parseProcStat('cpu  1 2 3 4\ncpu0 1 2 3 4\n').total).toEqual({ user: 1, nice: 2, system: 3, idle: 4 });
    expect(() => parseProcStat('cpu  1 two 3 4\n')).toThrow(/\/proc\/stat/);
    expect(() => parseProcStat('intr 1 2 3\n')).toThrow(/no aggregate cpu line/);
  });

  it('/proc/meminfo: kB converted to bytes', () => {
    const m = parseMeminfo(fixture('proc-meminfo.txt'));
    expect(m.get('MemTotal')).toBe(24684084 * 1024);
    expect(m.get('MemAvailable')).toBeGreaterThan(0);
    expect(m.get('HugePages_Total')).toBe(0);
    expect(() => parseMeminfo('nothing useful')).toThrow(/MemTotal/);
  });

  it('/proc/pressure/memory: some and full lines', () => {
    expect(parsePressure(fixture('proc-pressure-memory.txt'))).toEqual({
      some: { avg10: 0, avg60: 0, avg300: 0, total: 0 },
      full: { avg10: 0, avg60: 0, avg300: 0, total: 0 },
    });
    expect(parsePressure('some avg10=12.50 avg60=3.00 avg300=0.75 total=123456\n').some.avg10).toBe(12.5);
  });

  it('/proc/diskstats: sectors are 512 bytes whatever the device', () => {
    const disks = parseDiskstats(fixture('proc-diskstats.txt'));
    const vda = disks.find((d) => d.device === 'vda');
    expect(vda).toEqual({ device: 'vda', readBytes: 6744610 * 512, writtenBytes: 3963264 * 512 });
    expect(disks.map((d) => d.device)).toContain('loop0');
  });

  it('/proc/net/dev: bytes and packets each way, headers skipped', () => {
    const eth0 = parseNetDev(fixture('proc-net-dev.txt')).find((i) => i.iface === 'eth0');
    expect(eth0).toEqual({ iface: 'eth0', rxBytes: 671947692, rxPackets: 19603, txBytes: 1896091, txPackets: 13607 });
    expect(() => parseNetDev('  eth0: 1 2 3\n')).toThrow(/net\/dev/);
  });

  it('/proc/<pid>/stat: a command name with spaces and parentheses does not shift the fields', () => {
    expect(parsePidStat(fixture('proc-pid-stat.txt'))).toEqual({ comm: 'my (odd) svc', state: 'S', utime: 0, stime: 0, threads: 1, starttime: 252801 });
    expect(() => parsePidStat('1 (x) S 1 2')).toThrow(/field/);
  });

  it('/proc/<pid>/status: resident memory, threads and context switches', () => {
    expect(parsePidStatus(fixture('proc-pid-status.txt'))).toEqual({ rssBytes: 1808 * 1024, threads: 1, voluntaryCtxt: 1, involuntaryCtxt: 0 });
  });
});

describe('which Linux mounts count as real filesystems', () => {
  it('keeps the disk root and leaves out proc, sysfs, devtmpfs, tmpfs, devpts, cgroups (recorded mounts)', () => {
    expect(realLinuxMounts(parseMounts(fixture('proc-mounts.txt')))).toEqual([{ device: '/dev/vda', mountpoint: '/', fstype: 'ext4' }]);
  });

  it('keeps an overlay root (containers), drops snaps, bind mounts of a listed device and network mounts; unescapes paths', () => {
    const text = [
      'overlay / overlay rw 0 0',
      'overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0',
      '/dev/nvme0n1p2 /home ext4 rw 0 0',
      '/dev/nvme0n1p2 /srv/bind ext4 rw 0 0',
      '/dev/loop3 /snap/core/1 squashfs ro 0 0',
      'server:/export /mnt/nfs nfs4 rw 0 0',
      '/dev/sdb1 /media/My\\040Disk vfat rw 0 0',
    ].join('\n');
    expect(realLinuxMounts(parseMounts(text))).toEqual([
      { device: 'overlay', mountpoint: '/', fstype: 'overlay' },
      { device: '/dev/nvme0n1p2', mountpoint: '/home', fstype: 'ext4' },
      { device: '/dev/sdb1', mountpoint: '/media/My Disk', fstype: 'vfat' },
    ]);
  });

  it('caps the number of mounts (bounded label cardinality)', () => {
    const text = Array.from({ length: 40 }, (_, i) => `/dev/sd${String.fromCharCode(97 + (i % 26))}${i} /data/${i} ext4 rw 0 0`).join('\n');
    expect(realLinuxMounts(parseMounts(text))).toHaveLength(16);
  });
});
