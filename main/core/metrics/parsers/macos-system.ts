/** Parsers for macOS `netstat -ibn` (bytes and packets per interface) and `mount` (the filesystems). */
import { parseError } from '../collector';
import type { NetDevStat } from './linux-proc';

/**
 * Interface counters from `netstat -ibn`. Every interface has one `<Link#N>` row plus one row per
 * address repeating the same counters, so only link rows count. The Address column is empty on some
 * links (utun), so numbers are read from the right. A trailing `*` marks an interface that is down.
 */
export function parseNetstatIb(text: string): NetDevStat[] {
  const lines = text.split('\n');
  if (!lines.some((l) => /^Name\s+Mtu\s+Network/.test(l))) throw parseError('netstat -ib output', 'no "Name Mtu Network" header');
  const out: NetDevStat[] = [];
  for (const line of lines) {
    const cells = line.trim().split(/\s+/);
    if (cells.length < 10 || !cells[2]?.startsWith('<Link#')) continue;
    const name = cells[0]!;
    if (name.endsWith('*')) continue;
    // … Ipkts Ierrs Ibytes Opkts Oerrs Obytes Coll
    const [ipkts, , ibytes, opkts, , obytes] = cells.slice(-7);
    const nums = [ipkts, ibytes, opkts, obytes].map((c) => (c !== undefined && /^\d+$/.test(c) ? Number(c) : NaN));
    if (nums.some((n) => !Number.isFinite(n))) throw parseError('netstat -ib output', `"${line.trim().slice(0, 60)}"`);
    out.push({ iface: name, rxPackets: nums[0]!, rxBytes: nums[1]!, txPackets: nums[2]!, txBytes: nums[3]! });
  }
  return out;
}

export interface MacMount {
  device: string;
  mountpoint: string;
  fstype: string;
  options: string[];
}

/** `mount` lines: `/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse, protect)`. */
export function parseMacMount(text: string): MacMount[] {
  const out: MacMount[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.+?) on (.+) \(([^)]*)\)\s*$/.exec(line.trim());
    if (!m) continue;
    const [fstype = '', ...options] = m[3]!.split(',').map((o) => o.trim());
    out.push({ device: m[1]!, mountpoint: m[2]!, fstype, options });
  }
  return out;
}
