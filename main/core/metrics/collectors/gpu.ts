/**
 * GPU utilization and memory in use (slow: every source here spawns a tool or walks sysfs).
 *
 * macOS: `ioreg -r -d 1 -w 0 -c IOAccelerator`, the PerformanceStatistics the GPU driver publishes
 * (Device / Renderer / Tiler Utilization %, In use system memory), readable without sudo.
 * Linux: NVIDIA through `nvidia-smi --query-gpu`, AMD (and other drivers that publish them) through
 * sysfs gpu_busy_percent / mem_info_vram_used. When nothing is readable the collector is down with
 * the reason, and there is no GPU series at all.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isExecutable } from '../../stack/binaries';
import { CollectorError, parseError, unsupportedCollector, type Collector, type CollectContext, type Series } from '../collector';
import { parseIoregGpus } from '../parsers/macos-ioreg';
import { toolNotFound } from '../../missing-tool';

const IOREG = '/usr/sbin/ioreg';
const DRM = '/sys/class/drm';
const MIB = 1024 * 1024;
/** At most this many GPUs get series (bounded label cardinality). */
const MAX_GPUS = 8;

function readingOf(gpus: Array<{ gpu: string; utilization: Record<string, number>; memoryUsedBytes: number | null }>) {
  const series: Series[] = [];
  let busiest: number | undefined;
  let memory: number | undefined;
  for (const g of gpus.slice(0, MAX_GPUS)) {
    for (const [engine, ratio] of Object.entries(g.utilization)) {
      series.push({ name: 'lookout_gpu_utilization_ratio', labels: { gpu: g.gpu, engine }, value: ratio });
      busiest = Math.max(busiest ?? 0, ratio);
    }
    if (g.memoryUsedBytes !== null) {
      series.push({ name: 'lookout_gpu_memory_used_bytes', labels: { gpu: g.gpu }, value: g.memoryUsedBytes });
      memory = (memory ?? 0) + g.memoryUsedBytes;
    }
  }
  const sample: Record<string, number> = {};
  if (busiest !== undefined) sample['gpu.utilization_ratio'] = busiest;
  if (memory !== undefined) sample['gpu.memory_used_bytes'] = memory;
  return { series, sample };
}

function macGpu(): Collector {
  return {
    id: 'gpu',
    cadence: 'slow',
    async collect(ctx) {
      const { gpus, accelerators } = parseIoregGpus(await ctx.exec(IOREG, ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator']));
      if (!accelerators) throw new CollectorError('no GPU readable: ioreg lists no IOAccelerator', true);
      if (!gpus.length) throw new CollectorError(`no GPU readable: none of the ${accelerators} IOAccelerator entries publishes PerformanceStatistics (GPU powered off?)`, true);
      return readingOf(gpus.map((g) => ({ gpu: String(g.index), utilization: g.utilization, memoryUsedBytes: g.memoryUsedBytes })));
    },
  };
}

/** `nvidia-smi --query-gpu=index,utilization.gpu,memory.used --format=csv,noheader,nounits`. "[N/A]" cells stay absent. */
export function parseNvidiaSmi(text: string): Array<{ gpu: string; utilization: Record<string, number>; memoryUsedBytes: number | null }> {
  const out: Array<{ gpu: string; utilization: Record<string, number>; memoryUsedBytes: number | null }> = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [index, util, mem] = line.split(',').map((c) => c.trim());
    if (!index || !/^\d+$/.test(index) || util === undefined || mem === undefined) throw parseError('nvidia-smi output', `"${line.trim().slice(0, 60)}"`);
    const u = /^\d+(\.\d+)?$/.test(util) ? Number(util) : undefined;
    const m = /^\d+(\.\d+)?$/.test(mem) ? Number(mem) : undefined;
    out.push({ gpu: index, utilization: u !== undefined && u <= 100 ? { device: u / 100 } : {}, memoryUsedBytes: m !== undefined ? m * MIB : null });
  }
  return out;
}

async function findNvidiaSmi(): Promise<string | null> {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin'].filter((d) => path.isAbsolute(d));
  for (const dir of new Set(dirs)) if (await isExecutable(path.join(dir, 'nvidia-smi'))) return path.join(dir, 'nvidia-smi');
  return null;
}

/** DRM cards that publish a busy share (amdgpu does; i915 does not). */
async function sysfsGpus(ctx: CollectContext) {
  const cards = (await readdir(DRM).catch(() => [] as string[])).filter((n) => /^card\d+$/.test(n)).sort();
  const out: Array<{ gpu: string; utilization: Record<string, number>; memoryUsedBytes: number | null }> = [];
  for (const card of cards) {
    const read = (file: string) => ctx.readFile(`${DRM}/${card}/device/${file}`).then((t) => t.trim(), () => null);
    const [busy, vram] = await Promise.all([read('gpu_busy_percent'), read('mem_info_vram_used')]);
    const b = busy !== null && /^\d+$/.test(busy) ? Number(busy) : undefined;
    const v = vram !== null && /^\d+$/.test(vram) ? Number(vram) : null;
    if (b === undefined && v === null) continue;
    out.push({ gpu: card, utilization: b !== undefined && b <= 100 ? { device: b / 100 } : {}, memoryUsedBytes: v });
  }
  return out;
}

function linuxGpu(): Collector {
  let nvidia: { path: string | null; checkedAt: number } | null = null;
  return {
    id: 'gpu',
    cadence: 'slow',
    async collect(ctx) {
      // Look for nvidia-smi once a minute, not every run: spawning a missing binary still forks.
      if (!nvidia || ctx.now() - nvidia.checkedAt > 60_000) nvidia = { path: await findNvidiaSmi(), checkedAt: ctx.now() };
      const found = [...(await sysfsGpus(ctx))];
      const problems: string[] = [];
      if (nvidia.path) {
        try {
          found.push(...parseNvidiaSmi(await ctx.exec(nvidia.path, ['--query-gpu=index,utilization.gpu,memory.used', '--format=csv,noheader,nounits'])));
        } catch (err) {
          problems.push((err as Error).message);
        }
      } else problems.push(toolNotFound('nvidia-smi'));
      if (!found.length) {
        // A failing nvidia-smi is a failure; a machine with no GPU source at all is simply without one.
        throw new CollectorError(`no GPU readable: ${[...problems, `no ${DRM}/card*/device/gpu_busy_percent`].join('; ')}`, !nvidia.path);
      }
      return readingOf(found);
    },
  };
}

export function createGpuCollector(platform: NodeJS.Platform): Collector {
  if (platform === 'darwin') return macGpu();
  if (platform === 'linux') return linuxGpu();
  return unsupportedCollector('gpu', 'slow', platform);
}
