/**
 * Lookout itself, for the live view: its CPU share and resident memory (the event-loop lag key is
 * added by the sampler, from how late its own timer fires). /metrics already carries the same
 * figures as prom-client's default metrics (lookout_service_process_*, lookout_nodejs_*); this collector only
 * feeds the `lookout.*` sample keys, so a user can hold Lookout to its budget while watching. It adds
 * no timer of its own: an event-loop delay monitor would wake the process 50–100 times a second.
 */
import { performance } from 'node:perf_hooks';
import type { Collector, CollectContext } from '../collector';
import { parsePidStatus } from '../parsers/linux-proc';

/**
 * Resident memory. On Linux, process.memoryUsage.rss() reads /proc/self/stat synchronously; the
 * kept-descriptor read does the same asynchronously. Elsewhere it is a task_info call, not a file read.
 */
async function rss(ctx: CollectContext, platform: NodeJS.Platform): Promise<number | undefined> {
  if (platform !== 'linux') return process.memoryUsage.rss();
  return parsePidStatus(await ctx.readFile('/proc/self/status', { keep: true })).rssBytes;
}

export function createSelfCollector(platform: NodeJS.Platform = process.platform): Collector {
  let prev: { at: number; cpu: NodeJS.CpuUsage } | null = null;
  return {
    id: 'lookout',
    cadence: 'fast',
    async collect(ctx) {
      const resident = await rss(ctx, platform);
      const at = performance.now();
      const cpu = process.cpuUsage();
      const sample: Record<string, number> = {};
      if (resident !== undefined) sample['lookout.rss_bytes'] = resident;
      if (prev && at > prev.at) {
        const usedMicros = cpu.user - prev.cpu.user + cpu.system - prev.cpu.system;
        sample['lookout.cpu_ratio'] = usedMicros / 1000 / (at - prev.at);
      }
      prev = { at, cpu };
      return { series: [], sample };
    },
  };
}
