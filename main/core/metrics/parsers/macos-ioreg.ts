/**
 * Parsers for `ioreg` listings (macOS I/O Registry): the GPU's PerformanceStatistics from
 * `ioreg -r -d 1 -w 0 -c IOAccelerator` and disk counters from
 * `ioreg -r -c IOBlockStorageDriver -l -w 0 -d 2`. Neither needs root.
 */

/** One registry entry: its header line and its properties (raw text values). */
export interface IoregEntry {
  name: string;
  className: string;
  /** Indentation of the `+-o` marker: children sit deeper than their parent. */
  depth: number;
  props: Map<string, string>;
}

const HEADER = /^([\s|]*)\+-o (.+?)\s+<class ([^,>\s]+)/;
const PROPERTY = /^[\s|]*"([^"]+)" = (.*)$/;

/** Split an ioreg listing into entries (header `+-o Name  <class X, …>`, then `"key" = value` lines). */
export function parseIoregEntries(text: string): IoregEntry[] {
  const entries: IoregEntry[] = [];
  let current: IoregEntry | null = null;
  for (const line of text.split('\n')) {
    const h = HEADER.exec(line);
    if (h) {
      current = { depth: h[1]!.length, name: h[2]!.trim(), className: h[3]!, props: new Map() };
      entries.push(current);
      continue;
    }
    const p = PROPERTY.exec(line);
    if (p && current) current.props.set(p[1]!, p[2]!.trim());
  }
  return entries;
}

/**
 * The numeric members of an ioreg dictionary value such as `{"Device Utilization %"=5,"x"=Yes}`.
 * Only complete `"key"=number` pairs count, so a line cut off mid-number yields no value for that key
 * rather than a wrong one.
 */
export function numericDict(value: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!value) return out;
  const pair = /"([^"]+)"\s*=\s*(-?\d+(?:\.\d+)?)(?=\s*[,}])/g;
  for (let m = pair.exec(value); m; m = pair.exec(value)) out.set(m[1]!, Number(m[2]));
  return out;
}

const unquote = (v: string | undefined) => (v && /^".*"$/.test(v) ? v.slice(1, -1) : v);

export interface GpuStatistics {
  /** Position among the accelerators that report statistics (the `gpu` label). */
  index: number;
  className: string;
  /** "Apple M1 Pro", "AMD Radeon Pro 5500M"…, when the registry names it. */
  model: string | null;
  /** Busy share per engine, 0–1; an engine the driver does not report is absent. */
  utilization: Partial<Record<'device' | 'renderer' | 'tiler', number>>;
  /** Bytes of memory in use by the GPU, when reported. */
  memoryUsedBytes: number | null;
}

const ENGINE_KEYS = { device: 'Device Utilization %', renderer: 'Renderer Utilization %', tiler: 'Tiler Utilization %' } as const;

/**
 * GPUs from `ioreg -r -d 1 -w 0 -c IOAccelerator`. An accelerator without PerformanceStatistics
 * (a discrete GPU that is powered off, a helper object) is left out; percentages outside 0–100
 * (some Intel drivers overflow) are dropped rather than clamped, so nothing invented is reported.
 */
export function parseIoregGpus(text: string): { gpus: GpuStatistics[]; accelerators: number } {
  const entries = parseIoregEntries(text);
  const gpus: GpuStatistics[] = [];
  for (const e of entries) {
    const stats = e.props.get('PerformanceStatistics');
    if (!stats) continue;
    const values = numericDict(stats);
    const utilization: GpuStatistics['utilization'] = {};
    for (const [engine, key] of Object.entries(ENGINE_KEYS) as Array<[keyof typeof ENGINE_KEYS, string]>) {
      const v = values.get(key);
      if (v !== undefined && v >= 0 && v <= 100) utilization[engine] = v / 100;
    }
    // Some Intel drivers only report "GPU Activity(%)"; it is the whole device's busy share.
    const activity = values.get('GPU Activity(%)');
    if (utilization.device === undefined && activity !== undefined && activity >= 0 && activity <= 100) utilization.device = activity / 100;
    // Apple silicon reports the unified memory the GPU holds; discrete GPUs report VRAM.
    const mem = values.get('In use system memory') ?? values.get('vramUsedBytes');
    const memoryUsedBytes = mem !== undefined && mem >= 0 && mem < 2 ** 53 ? mem : null;
    if (!Object.keys(utilization).length && memoryUsedBytes === null) continue;
    gpus.push({ index: gpus.length, className: e.className, model: unquote(e.props.get('model')) ?? null, utilization, memoryUsedBytes });
  }
  return { gpus, accelerators: entries.length };
}

export interface BlockDeviceStatistics {
  /** BSD name of the whole disk (disk0), or the driver's position when the listing does not name it. */
  device: string;
  readBytes: number;
  writtenBytes: number;
}

/**
 * Disks from `ioreg -r -c IOBlockStorageDriver -l -w 0 -d 2`. Each driver carries the counters; its
 * whole-disk IOMedia child, listed after them, carries the BSD name. Deeper IOMedia (partitions, APFS
 * volumes) repeat the same traffic and are not counted.
 */
export function parseIoregBlockStorage(text: string): BlockDeviceStatistics[] {
  const out: BlockDeviceStatistics[] = [];
  let driver: { stats: Map<string, number>; depth: number; name: string | null } | null = null;
  const flush = () => {
    if (!driver) return;
    const read = driver.stats.get('Bytes (Read)');
    const written = driver.stats.get('Bytes (Write)');
    if (read !== undefined && written !== undefined) out.push({ device: driver.name ?? `driver${out.length}`, readBytes: read, writtenBytes: written });
    driver = null;
  };
  for (const e of parseIoregEntries(text)) {
    if (/BlockStorageDriver$/.test(e.className)) {
      flush();
      driver = { stats: numericDict(e.props.get('Statistics')), depth: e.depth, name: null };
    } else if (driver && e.className === 'IOMedia' && e.depth > driver.depth && driver.name === null) {
      driver.name = unquote(e.props.get('BSD Name')) ?? null;
    }
  }
  flush();
  return out;
}
