/**
 * Parsers for the Linux kernel's own accounting in /proc. Pure functions over the file text, so the
 * collectors stay thin and the tests can feed recorded files. Garbage throws (via parseError): a
 * value that cannot be read is never turned into a zero.
 */
import { parseError } from '../collector';

/** /proc/stat CPU modes, in the order the kernel prints them (guest time is already inside user). */
export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type CpuMode = (typeof CPU_MODES)[number];
export type CpuTimes = Partial<Record<CpuMode, number>>;

/** Ticks per second of /proc/stat (USER_HZ). 100 on every mainstream architecture; the accuracy test checks it. */
export const USER_HZ = 100;

export interface ProcStat {
  /** The aggregate `cpu` line. */
  total: CpuTimes;
  /** Per core, keyed by the kernel's number ("0", "1", …), in file order. */
  cpus: Array<{ cpu: string; times: CpuTimes }>;
}

function cpuTimes(fields: string[], line: string): CpuTimes {
  const times: CpuTimes = {};
  CPU_MODES.forEach((mode, i) => {
    const raw = fields[i];
    if (raw === undefined) return; // older kernels print fewer columns
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isFinite(n)) throw parseError('/proc/stat', `"${line.slice(0, 60)}"`);
    times[mode] = n;
  });
  return times;
}

export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes | null = null;
  const cpus: ProcStat['cpus'] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const [label = '', ...fields] = line.trim().split(/\s+/);
    if (label === 'cpu') total = cpuTimes(fields, line);
    else if (/^cpu\d+$/.test(label)) cpus.push({ cpu: label.slice(3), times: cpuTimes(fields, line) });
  }
  if (!total || (total.user === undefined || total.idle === undefined)) throw parseError('/proc/stat', 'no aggregate cpu line');
  return { total, cpus };
}

/** Sum of the modes that exist, in ticks. */
export const cpuTotal = (t: CpuTimes) => CPU_MODES.reduce((sum, m) => sum + (t[m] ?? 0), 0);

/** /proc/meminfo as bytes by key (values printed in kB are converted; counts such as HugePages_Total stay as they are). */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([\w()]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]) * (m[3] ? 1024 : 1));
  }
  if (!out.has('MemTotal')) throw parseError('/proc/meminfo', 'no MemTotal line');
  return out;
}

export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Total stall time in microseconds. */
  total: number;
}

/** /proc/pressure/{cpu,memory,io} (PSI): `some` and, where the kernel tells, `full`. */
export function parsePressure(text: string): { some: PressureLine; full?: PressureLine } {
  const lines: Partial<Record<'some' | 'full', PressureLine>> = {};
  for (const line of text.split('\n')) {
    const m = /^(some|full)\s+avg10=([\d.]+)\s+avg60=([\d.]+)\s+avg300=([\d.]+)\s+total=(\d+)/.exec(line.trim());
    if (m) lines[m[1] as 'some' | 'full'] = { avg10: Number(m[2]), avg60: Number(m[3]), avg300: Number(m[4]), total: Number(m[5]) };
  }
  if (!lines.some) throw parseError('/proc/pressure', 'no "some" line');
  return { some: lines.some, ...(lines.full ? { full: lines.full } : {}) };
}

/** Bytes per sector in /proc/diskstats: always 512, whatever the device's own sector size. */
export const DISKSTATS_SECTOR_BYTES = 512;

export interface DiskStat {
  device: string;
  readBytes: number;
  writtenBytes: number;
}

export function parseDiskstats(text: string): DiskStat[] {
  const out: DiskStat[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    // major minor name reads merged sectors_read ms_reading writes merged sectors_written …
    const read = Number(f[5]);
    const written = Number(f[9]);
    if (!Number.isFinite(read) || !Number.isFinite(written)) throw parseError('/proc/diskstats', `"${line.trim().slice(0, 60)}"`);
    out.push({ device: f[2]!, readBytes: read * DISKSTATS_SECTOR_BYTES, writtenBytes: written * DISKSTATS_SECTOR_BYTES });
  }
  return out;
}

export interface NetDevStat {
  iface: string;
  rxBytes: number;
  rxPackets: number;
  txBytes: number;
  txPackets: number;
}

export function parseNetDev(text: string): NetDevStat[] {
  const out: NetDevStat[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue; // the two header lines
    const iface = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (f.length < 16 || f.some((n) => !Number.isFinite(n))) throw parseError('/proc/net/dev', `"${line.trim().slice(0, 60)}"`);
    out.push({ iface, rxBytes: f[0]!, rxPackets: f[1]!, txBytes: f[8]!, txPackets: f[9]! });
  }
  return out;
}

export interface MountEntry {
  device: string;
  mountpoint: string;
  fstype: string;
}

/** The kernel escapes space, tab, newline and backslash in mount paths as octal (\040 …). */
const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** /proc/self/mounts (fstab format). */
export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 3) continue;
    out.push({ device: unescapeMount(f[0]!), mountpoint: unescapeMount(f[1]!), fstype: f[2]! });
  }
  return out;
}

export interface PidStat {
  comm: string;
  state: string;
  /** User and system CPU time in ticks (USER_HZ). */
  utime: number;
  stime: number;
  threads: number;
  /** Start time in ticks after boot: with the pid, it identifies a process across pid reuse. */
  starttime: number;
}

/** /proc/<pid>/stat. The command name may contain spaces and parentheses, so fields are counted from the last ')'. */
export function parsePidStat(text: string): PidStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw parseError('/proc/<pid>/stat', 'no command name');
  const f = text.slice(close + 2).trim().split(/\s+/);
  // f[0] is field 3 (state); utime is field 14, stime 15, num_threads 20, starttime 22.
  const num = (field: number) => {
    const n = Number(f[field - 3]);
    if (!Number.isFinite(n)) throw parseError('/proc/<pid>/stat', `field ${field} missing`);
    return n;
  };
  return { comm: text.slice(open + 1, close), state: f[0] ?? '?', utime: num(14), stime: num(15), threads: num(20), starttime: num(22) };
}

export interface PidStatus {
  rssBytes?: number;
  threads?: number;
  voluntaryCtxt?: number;
  involuntaryCtxt?: number;
}

/** /proc/<pid>/status: the fields the process collector exports. Kernel threads have no VmRSS. */
export function parsePidStatus(text: string): PidStatus {
  const out: PidStatus = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (!m) continue;
    const v = Number(m[2]);
    if (m[1] === 'VmRSS') out.rssBytes = v * 1024;
    else if (m[1] === 'Threads') out.threads = v;
    else if (m[1] === 'voluntary_ctxt_switches') out.voluntaryCtxt = v;
    else if (m[1] === 'nonvoluntary_ctxt_switches') out.involuntaryCtxt = v;
  }
  return out;
}
