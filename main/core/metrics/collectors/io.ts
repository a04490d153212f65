/**
 * Disk and network I/O counters, per device and per interface.
 *
 * Linux: /proc/diskstats and /proc/net/dev (fast). macOS: `ioreg` IOBlockStorageDriver statistics
 * (bytes read / written per whole disk; iostat does not split reads from writes) and `netstat -ibn`
 * (slow). Label cardinality is bounded: partitions, loop/ram devices and container veths are left
 * out, and at most MAX_DEVICES of each are exported.
 */
import { unsupportedCollector, type Collector, type Series } from '../collector';
import { parseDiskstats, parseNetDev, type DiskStat, type NetDevStat } from '../parsers/linux-proc';
import { parseIoregBlockStorage } from '../parsers/macos-ioreg';
import { parseNetstatIb } from '../parsers/macos-system';

export const MAX_DEVICES = 16;
const IOREG = '/usr/sbin/ioreg';
const NETSTAT = '/usr/sbin/netstat';

/** Partitions and virtual devices whose traffic is already counted on their whole disk (node_exporter's default rule). */
const IGNORED_DISK = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]+|nvme\d+n\d+p|mmcblk\d+p)\d+$/;
/** Per-container virtual interfaces come and go by the hundred; they would make label sets unbounded. */
const IGNORED_IFACE = /^(veth|cali|cni|flannel|vxlan|tunl|kube-|docker_gwbridge)/;

/** Rates between two readings of running totals; undefined on the first reading or after a counter reset. */
class Rates {
  private prev: { at: number; values: Map<string, number> } | null = null;
  next(at: number, values: Map<string, number>): Map<string, number> | undefined {
    const prev = this.prev;
    this.prev = { at, values };
    if (!prev || at <= prev.at) return undefined;
    const out = new Map<string, number>();
    for (const [key, v] of values) {
      const before = prev.values.get(key);
      if (before === undefined || v < before) return undefined;
      out.set(key, ((v - before) * 1000) / (at - prev.at));
    }
    return out;
  }
}

function diskReading(disks: DiskStat[], rates: Rates, now: number) {
  const kept = disks.filter((d) => !IGNORED_DISK.test(d.device)).slice(0, MAX_DEVICES);
  const series: Series[] = kept.flatMap((d) => [
    { name: 'lookout_disk_read_bytes_total' as const, labels: { device: d.device }, value: d.readBytes },
    { name: 'lookout_disk_written_bytes_total' as const, labels: { device: d.device }, value: d.writtenBytes },
  ]);
  const sum = (pick: (d: DiskStat) => number) => kept.reduce((n, d) => n + pick(d), 0);
  const rate = rates.next(now, new Map([['read', sum((d) => d.readBytes)], ['written', sum((d) => d.writtenBytes)]]));
  const sample: Record<string, number> = {};
  if (rate) {
    sample['disk.read_bytes_per_second'] = rate.get('read')!;
    sample['disk.write_bytes_per_second'] = rate.get('written')!;
  }
  return { series, sample };
}

function netReading(ifaces: NetDevStat[], rates: Rates, now: number, skipIdle: boolean) {
  const kept = ifaces.filter((i) => !IGNORED_IFACE.test(i.iface) && !(skipIdle && i.rxBytes + i.txBytes + i.rxPackets + i.txPackets === 0)).slice(0, MAX_DEVICES);
  const series: Series[] = kept.flatMap((i) => [
    { name: 'lookout_network_receive_bytes_total' as const, labels: { interface: i.iface }, value: i.rxBytes },
    { name: 'lookout_network_transmit_bytes_total' as const, labels: { interface: i.iface }, value: i.txBytes },
    { name: 'lookout_network_receive_packets_total' as const, labels: { interface: i.iface }, value: i.rxPackets },
    { name: 'lookout_network_transmit_packets_total' as const, labels: { interface: i.iface }, value: i.txPackets },
  ]);
  // The live rate is the machine's traffic with the outside: loopback is left out of it.
  const external = kept.filter((i) => !/^lo\d*$/.test(i.iface));
  const rate = rates.next(now, new Map([['rx', external.reduce((n, i) => n + i.rxBytes, 0)], ['tx', external.reduce((n, i) => n + i.txBytes, 0)]]));
  const sample: Record<string, number> = {};
  if (rate) {
    sample['net.rx_bytes_per_second'] = rate.get('rx')!;
    sample['net.tx_bytes_per_second'] = rate.get('tx')!;
  }
  return { series, sample };
}

export function createDiskCollector(platform: NodeJS.Platform): Collector {
  const rates = new Rates();
  if (platform === 'linux') {
    return { id: 'disk', cadence: 'fast', collect: async (ctx) => diskReading(parseDiskstats(await ctx.readFile('/proc/diskstats', { keep: true })), rates, ctx.now()) };
  }
  if (platform === 'darwin') {
    return {
      id: 'disk',
      cadence: 'slow',
      collect: async (ctx) => diskReading(parseIoregBlockStorage(await ctx.exec(IOREG, ['-r', '-c', 'IOBlockStorageDriver', '-l', '-w', '0', '-d', '2'])), rates, ctx.now()),
    };
  }
  return unsupportedCollector('disk', 'fast', platform);
}

export function createNetworkCollector(platform: NodeJS.Platform): Collector {
  const rates = new Rates();
  if (platform === 'linux') {
    return { id: 'network', cadence: 'fast', collect: async (ctx) => netReading(parseNetDev(await ctx.readFile('/proc/net/dev', { keep: true })), rates, ctx.now(), false) };
  }
  if (platform === 'darwin') {
    // macOS lists dozens of idle link interfaces (anpi, ap, llw, awdl, utun…); ones that never moved a byte are left out.
    return { id: 'network', cadence: 'slow', collect: async (ctx) => netReading(parseNetstatIb(await ctx.exec(NETSTAT, ['-ibn'])), rates, ctx.now(), true) };
  }
  return unsupportedCollector('network', 'fast', platform);
}
