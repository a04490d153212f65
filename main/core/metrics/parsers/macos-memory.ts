/**
 * Parsers for macOS memory tools: `vm_stat` page counters and `sysctl` values (hw.memsize,
 * vm.swapusage, kern.memorystatus_vm_pressure_level, the CPU topology).
 */
import { parseError } from '../collector';

export interface VmStat {
  pageSize: number;
  /** Page counts by vm_stat's own label ("Pages wired down", "Anonymous pages", …). */
  pages: Map<string, number>;
}

export function parseVmStat(text: string): VmStat {
  const header = /page size of (\d+) bytes/.exec(text);
  if (!header) throw parseError('vm_stat output', 'no "page size of N bytes" header');
  const pages = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^"?([^":]+?)"?:\s+(\d+)\.?\s*$/.exec(line.trim());
    if (m) pages.set(m[1]!, Number(m[2]));
  }
  return { pageSize: Number(header[1]), pages };
}

export interface MacMemory {
  usedBytes?: number;
  wiredBytes?: number;
  compressedBytes?: number;
  /** App memory: anonymous pages that are not purgeable. */
  appBytes?: number;
}

/**
 * Memory in use as Activity Monitor counts it: app memory (anonymous, not purgeable) + wired +
 * occupied by the compressor. Older vm_stat versions have no "Anonymous pages" line; then app memory
 * is active + inactive + speculative − purgeable − file-backed. A figure whose inputs are missing is
 * left out rather than guessed.
 */
export function macMemory(vm: VmStat): MacMemory {
  const page = (label: string) => {
    const n = vm.pages.get(label);
    return n === undefined ? undefined : n * vm.pageSize;
  };
  const wired = page('Pages wired down');
  const compressed = page('Pages occupied by compressor');
  const purgeable = page('Pages purgeable') ?? 0;
  let app: number | undefined;
  const anonymous = page('Anonymous pages');
  if (anonymous !== undefined) app = Math.max(0, anonymous - purgeable);
  else {
    const [active, inactive, speculative, fileBacked] = ['Pages active', 'Pages inactive', 'Pages speculative', 'File-backed pages'].map(page);
    if (active !== undefined && inactive !== undefined && speculative !== undefined && fileBacked !== undefined) {
      app = Math.max(0, active + inactive + speculative - purgeable - fileBacked);
    }
  }
  const out: MacMemory = {};
  if (wired !== undefined) out.wiredBytes = wired;
  if (compressed !== undefined) out.compressedBytes = compressed;
  if (app !== undefined) out.appBytes = app;
  if (app !== undefined && wired !== undefined && compressed !== undefined) out.usedBytes = app + wired + compressed;
  return out;
}

/** `sysctl a b c` output: one `name: value` line per name it knows (unknown names go to stderr). */
export function parseSysctl(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([\w.]+):\s*(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

const UNIT: Record<string, number> = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `vm.swapusage: total = 2048.00M  used = 1017.50M  free = 1030.50M  (encrypted)`; some locales print commas. */
export function parseSwapUsage(value: string): { totalBytes: number; usedBytes: number } {
  const field = (name: string) => {
    const m = new RegExp(`${name}\\s*=\\s*([\\d.,]+)\\s*([BKMGT])`).exec(value);
    if (!m) throw parseError('vm.swapusage', `no ${name} in "${value}"`);
    return Math.round(Number(m[1]!.replace(',', '.')) * UNIT[m[2]!]!);
  };
  return { totalBytes: field('total'), usedBytes: field('used') };
}

/** The kernel's levels: 1 normal, 2 warning, 4 critical (3 is never used). */
export function parsePressureLevel(value: string | undefined): 1 | 2 | 4 | null {
  const n = Number(value);
  return n === 1 || n === 2 || n === 4 ? n : null;
}

export interface CoreCounts {
  logical?: number;
  physical?: number;
  performance?: number;
  efficiency?: number;
}

/**
 * Core counts from `sysctl hw.logicalcpu hw.physicalcpu hw.nperflevels hw.perflevel{0,1}.{name,logicalcpu}`.
 * Apple silicon numbers its performance levels from the fastest: level 0 is Performance, the last is
 * Efficiency (names are used when present). Intel Macs have one level, so no split is reported.
 */
export function parseCoreCounts(values: Map<string, string>): CoreCounts {
  const int = (key: string) => {
    const v = values.get(key);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const out: CoreCounts = {};
  const logical = int('hw.logicalcpu');
  const physical = int('hw.physicalcpu');
  if (logical !== undefined) out.logical = logical;
  if (physical !== undefined) out.physical = physical;
  // Some outputs omit hw.nperflevels; then the levels are the consecutive perflevelN entries present.
  let levels = int('hw.nperflevels');
  if (levels === undefined) for (levels = 0; int(`hw.perflevel${levels}.logicalcpu`) !== undefined; levels++);
  if (levels >= 2) {
    let performance = 0;
    let efficiency = 0;
    for (let i = 0; i < levels; i++) {
      const cores = int(`hw.perflevel${i}.logicalcpu`);
      if (cores === undefined) return out; // truncated: do not report a partial split
      const name = values.get(`hw.perflevel${i}.name`);
      const isEfficiency = name ? /efficiency/i.test(name) : i === levels - 1;
      if (isEfficiency) efficiency += cores;
      else performance += cores;
    }
    out.performance = performance;
    out.efficiency = efficiency;
  }
  return out;
}
