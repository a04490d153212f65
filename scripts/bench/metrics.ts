/**
 * Native metrics overhead, each figure beside node_exporter's in the same run:
 * - collection tick main-thread time: the event loop's active time (performance.eventLoopUtilization)
 *   spent on one run of every fast (or slow) collector, in this process, watching what `lookout serve`
 *   watches. node_exporter collects at scrape time, so its counterpart is its scrape.
 * - /metrics scrape latency of a real `lookout serve` and of node_exporter (supervised by it),
 *   each scraped every 2 s for 60 s, with the reference services (`lookout demo`) watched; beside them a
 *   second `lookout serve` with every collector off, so the collectors' own share is visible.
 * - CPU share (utime + stime over the 60 s) and resident memory of each process over that window.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import type { StackSnapshot } from '../../common/model';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import { createNativeMetrics } from '../../main/core/metrics/native-metrics';
import { parsePs } from '../../main/core/metrics/parsers/macos-process';
import { readDemoFile } from '../../main/core/settings/demo-targets';
import { settingsSchema } from '../../main/core/settings/schema';
import { startDemo, type RunningDemo } from '../../test/support/reference';
import { startServe } from '../../test/support/serve';
import { makeHome } from '../../test/support/stack-env';
import { met, quantile, type BenchSection } from './report';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const WINDOW_S = Number(process.env.BENCH_WINDOW_SECONDS ?? 60);
const INTERVAL_MS = 2_000;
const FAST_TICKS = Number(process.env.BENCH_TICKS ?? 200);
const SLOW_TICKS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (v: number) => `${v.toFixed(2)} ms`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

interface ProcessFigures {
  cpuSeconds: number;
  rssBytes: number;
  /** Linux only: RSS split into anonymous pages (heaps, buffers) and file-backed ones (mapped code: node, libduckdb). */
  split?: { anonBytes: number; fileBytes: number };
}

/** CPU seconds and RSS of a process: /proc on Linux (tick precision), ps elsewhere. */
async function processFigures(pid: number): Promise<ProcessFigures> {
  if (process.platform === 'linux') {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]) * 1024;
    return { cpuSeconds: (Number(f[11]) + Number(f[12])) / 100, rssBytes: kib('VmRSS'), split: { anonBytes: kib('RssAnon'), fileBytes: kib('RssFile') } };
  }
  const ps = parsePs(spawnSync('ps', ['-o', 'pid=,rss=,time=', '-p', String(pid)], { encoding: 'utf8' }).stdout);
  const row = ps.get(pid);
  if (!row) throw new Error(`process ${pid} is gone`);
  return { cpuSeconds: row.cpuSeconds, rssBytes: row.rssBytes };
}

/**
 * Resident memory of a bare Node process, and of one that has only opened a DuckDB file the way the
 * telemetry store does (its memory limit and threads, one table): the share of the headless process's
 * RSS that is the embedded store rather than the collectors.
 */
function storeFloorMiB(): { node: number; withStore: number } {
  const rssOf = (script: string) => {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`measuring the store's memory failed: ${out.stderr}`);
    return Number(out.stdout.trim()) / 2 ** 20;
  };
  const print = 'await new Promise((r) => setTimeout(r, 500)); console.log(process.memoryUsage().rss);';
  return {
    node: rssOf(print),
    withStore: rssOf(`import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
const dir = mkdtempSync(os.tmpdir() + '/lookout-bench-');
const db = await DuckDBInstance.create(dir + '/store.duckdb', { memory_limit: '256MB', threads: '2' });
const conn = await db.connect();
await conn.run('CREATE TABLE t (a BIGINT, b VARCHAR)');
conn.closeSync();
${print}
db.closeSync();
rmSync(dir, { recursive: true, force: true });`),
  };
}

async function timedScrape(url: string): Promise<{ ms: number; samples: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = await res.text();
  const took = performance.now() - t0;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return { ms: took, samples: body.split('\n').filter((l) => l && !l.startsWith('#')).length, bytes: body.length };
}

const OFF = { cpu: false, memory: false, gpu: false, disk: false, filesystem: false, network: false, ipc: false, processes: false, lookout: false };
type Who = 'lookout' | 'baseline' | 'node_exporter';

export async function benchMetrics(): Promise<BenchSection> {
  const env = await makeHome((ports) => ({
    stack: {
      components: {
        prometheus: { enabled: false, port: ports.prometheus },
        alertmanager: { enabled: false, port: ports.alertmanager },
        node_exporter: { port: ports.node_exporter },
        grafana: { enabled: false, port: ports.grafana },
      },
    },
  }));
  // The same Lookout supervising its own node_exporter, with every native collector off: the collectors' own cost is the difference.
  const bare = await makeHome((ports) => ({
    stack: { components: { prometheus: { enabled: false, port: ports.prometheus }, alertmanager: { enabled: false, port: ports.alertmanager }, node_exporter: { port: ports.node_exporter }, grafana: { enabled: false, port: ports.grafana } } },
    metrics: { collectors: OFF },
  }));
  let demo: RunningDemo | null = null;
  try {
    try {
      demo = await startDemo(env.home);
    } catch (err) {
      console.log(`lookout demo did not start (${(err as Error).message.split('\n')[0]}); watching node_exporter instead`);
      // Without the reference services, watch what exists: node_exporter's process and its port.
      await env.writeSettings({ ...env.settings, services: [{ name: 'node_exporter_watch', url: `http://127.0.0.1:${env.ports.node_exporter}`, process: { port: env.ports.node_exporter }, ipc: [{ name: 'port', address: `127.0.0.1:${env.ports.node_exporter}` }, { name: 'http', url: `http://127.0.0.1:${env.ports.node_exporter}/` }] }] });
    }

    // --- collection tick, in this process, with the settings and targets `lookout serve` will have ---
    const settings = settingsSchema.parse(JSON.parse(await readFile(`${env.home}/settings.json`, 'utf8')));
    const demoFile = (await readDemoFile(env.home)).demo;
    const native = createNativeMetrics({ registry: new Registry(), settings: () => settings, demo: () => demoFile, runner: createCommandRunner() });
    const targets = native.targets();
    const watched = demo
      ? `the reference services from \`lookout demo\` (llm, memory, gui: ${targets.ipc.length} IPC endpoints incl. the memory server's Unix socket, ${targets.processes.length} processes)`
      : `no reference services (\`lookout demo\` did not start), so node_exporter's own process and port (${targets.ipc.length} IPC endpoints, ${targets.processes.length} process)`;
    const tick = async (cadence: 'fast' | 'slow', n: number) => {
      for (let i = 0; i < 5; i++) await native.runOnce(cadence); // warm-up: first reads, JIT
      const active: number[] = [];
      const wall: number[] = [];
      for (let i = 0; i < n; i++) {
        const elu = performance.eventLoopUtilization();
        const t0 = performance.now();
        await native.runOnce(cadence);
        wall.push(performance.now() - t0);
        active.push(performance.eventLoopUtilization(elu).active);
        await sleep(20);
      }
      return { active, wall };
    };
    const fast = await tick('fast', FAST_TICKS);
    const slow = await tick('slow', SLOW_TICKS);
    const down = native.statuses().filter((s) => !s.up);
    native.stop();
    console.log(`tick main-thread time: fast p50 ${ms(quantile(fast.active, 0.5))} p95 ${ms(quantile(fast.active, 0.95))}; slow p50 ${ms(quantile(slow.active, 0.5))} p95 ${ms(quantile(slow.active, 0.95))}`);

    const serve = await startServe(env.home);
    const baseline = await startServe(bare.home);
    try {
      const startNodeExporter = async (s: typeof serve) => {
        const res = await fetch(`${s.info.url}/api/v1/stack/start`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${s.info.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ components: ['node_exporter'] }),
        });
        const c = ((await res.json()) as StackSnapshot).components.find((x) => x.id === 'node_exporter');
        if (c?.state !== 'running' || !c.pid) throw new Error(`node_exporter did not start: ${c?.state} ${c?.lastError ?? ''}`);
        return { ...c, pid: c.pid };
      };
      const ne = await startNodeExporter(serve);
      await startNodeExporter(baseline);

      // --- ${WINDOW_S} s of 2 s scrapes of all three, CPU and RSS of each ---
      await sleep(5_000);
      const who: Who[] = ['lookout', 'baseline', 'node_exporter'];
      const pids: Record<Who, number> = { lookout: serve.info.pid, baseline: baseline.info.pid, node_exporter: ne.pid };
      const urls: Record<Who, string> = { lookout: `${serve.info.url}/metrics`, baseline: `${baseline.info.url}/metrics`, node_exporter: `http://127.0.0.1:${ne.port}/metrics` };
      const scrapes: Record<Who, number[]> = { lookout: [], baseline: [], node_exporter: [] };
      const sizes: Record<Who, number> = { lookout: 0, baseline: 0, node_exporter: 0 };
      const rss: Record<Who, number[]> = { lookout: [], baseline: [], node_exporter: [] };
      const figures = async () => Object.fromEntries(await Promise.all(who.map(async (w) => [w, await processFigures(pids[w])] as const))) as Record<Who, ProcessFigures>;
      const cpu0 = await figures();
      const t0 = performance.now();
      for (let i = 0; i < WINDOW_S / (INTERVAL_MS / 1000); i++) {
        await sleep(Math.max(0, t0 + i * INTERVAL_MS - performance.now()));
        // Rotate who goes first, so none always scrapes a machine another just woke.
        for (const w of [...who.slice(i % 3), ...who.slice(0, i % 3)]) {
          const s = await timedScrape(urls[w]);
          scrapes[w].push(s.ms);
          sizes[w] = s.samples;
          rss[w].push((await processFigures(pids[w])).rssBytes);
        }
      }
      await sleep(Math.max(0, t0 + WINDOW_S * 1000 - performance.now()));
      const window = (performance.now() - t0) / 1000;
      const cpu1 = await figures();
      const cpuPct = (w: Who) => ((cpu1[w].cpuSeconds - cpu0[w].cpuSeconds) / window) * 100;
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      for (const w of who) {
        console.log(`${w}: scrape p50 ${ms(quantile(scrapes[w], 0.5))} p95 ${ms(quantile(scrapes[w], 0.95))}, CPU ${cpuPct(w).toFixed(2)} %, RSS max ${mib(Math.max(...rss[w]))} (${sizes[w]} samples)`);
      }

      const store = storeFloorMiB();
      console.log(`memory floor: bare Node ${store.node.toFixed(1)} MiB, Node with a DuckDB store open ${store.withStore.toFixed(1)} MiB`);
      const tickP95 = quantile(fast.active, 0.95);
      const p = (w: Who, q: number) => quantile(scrapes[w], q);
      const rssMax = Math.max(...rss.lookout);
      const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
      const body = [
        `Lookout's native collectors (CPU, memory, GPU, disk, filesystems, network, IPC probes, service processes,`,
        `itself) on this machine, watching ${watched}. Everything runs for real: a \`lookout serve\` with its default`,
        `intervals (fast 2 s, slow 10 s, UI samples 1 s) supervising node_exporter ${ne.version ?? ''}, and beside them a second`,
        `\`lookout serve\` supervising a node_exporter of its own with every native collector off (the baseline: what`,
        `Lookout costs without them).`,
        `All three scraped every ${INTERVAL_MS / 1000} s for ${WINDOW_S} s (${scrapes.lookout.length} scrapes each, rotating who goes first).`,
        '',
        `- **Tick main-thread time**: event-loop active time (\`performance.eventLoopUtilization\`) of one run of every`,
        `  fast collector (${FAST_TICKS} runs) or every slow one (${SLOW_TICKS} runs), in the bench process with the same settings`,
        `  and targets, before the servers start; time spent waiting on the kernel or a tool is not main-thread time.`,
        `  node_exporter collects when scraped, so its column repeats its scrape latency as the nearest counterpart.`,
        `- **CPU**: utime + stime over the window (${process.platform === 'linux' ? '/proc/<pid>/stat' : 'ps'}), as a share of one core; **RSS**: sampled at each scrape.`,
        ...(process.platform === 'linux'
          ? [
              `  Split at the end (RssAnon / RssFile of /proc/<pid>/status): anonymous pages are the process's own memory (JS heap,`,
              `  DuckDB's buffers); file-backed ones are mapped files, mostly code (the node binary, libduckdb), clean pages the kernel`,
              `  can drop and read again.`,
            ]
          : []),
        `- **What else the process holds**: since these goals were set, \`lookout serve\` also hosts the embedded telemetry`,
        `  store (DuckDB, for traces and logs) and follows the watched services' and components' logs. A Node process that`,
        `  has only opened a DuckDB file as the store does takes ${store.withStore.toFixed(1)} MiB here, bare Node ${store.node.toFixed(1)} MiB: the store's floor alone`,
        `  is ${(store.withStore - store.node).toFixed(1)} MiB. The "collectors off" column carries it too, so the difference between the two Lookouts is what the`,
        `  collectors (and the watched services' telemetry) add.`,
        down.length ? `- Collectors down during the run (no series, not zeros): ${down.map((s) => `${s.id} (${s.reason})`).join('; ')}.` : '- Every collector was up during the run.',
        '',
        '| figure | goal | Lookout | Lookout, collectors off | node_exporter | goal met |',
        '| --- | --- | --- | --- | --- | --- |',
        row(['collection tick, fast collectors: main-thread time p50 / p95', 'p95 ≤ 5 ms', `${ms(quantile(fast.active, 0.5))} / ${ms(tickP95)}`, '', `${ms(p('node_exporter', 0.5))} / ${ms(p('node_exporter', 0.95))} (scrape)`, met(tickP95 <= 5)]),
        row(['collection tick, slow collectors: main-thread time p50 / p95', '', `${ms(quantile(slow.active, 0.5))} / ${ms(quantile(slow.active, 0.95))}`, '', '', '']),
        row(['collection tick, fast collectors: wall time p50 / p95 (mostly I/O waits)', '', `${ms(quantile(fast.wall, 0.5))} / ${ms(quantile(fast.wall, 0.95))}`, '', '', '']),
        row(['/metrics scrape latency p50 / p95', 'p95 ≤ 10 ms and ≤ node_exporter', `${ms(p('lookout', 0.5))} / ${ms(p('lookout', 0.95))}`, `${ms(p('baseline', 0.5))} / ${ms(p('baseline', 0.95))}`, `${ms(p('node_exporter', 0.5))} / ${ms(p('node_exporter', 0.95))}`, met(p('lookout', 0.95) <= 10 && p('lookout', 0.95) <= p('node_exporter', 0.95))]),
        row(['/metrics size', '', `${sizes.lookout} samples`, `${sizes.baseline} samples`, `${sizes.node_exporter} samples`, '']),
        row([`CPU over ${WINDOW_S} s, scraped every ${INTERVAL_MS / 1000} s`, '≤ 1 % of one core', `${cpuPct('lookout').toFixed(2)} %`, `${cpuPct('baseline').toFixed(2)} %`, `${cpuPct('node_exporter').toFixed(2)} %`, met(cpuPct('lookout') <= 1)]),
        row([`… of which the collectors and watched services (Lookout − collectors off): CPU / RSS average`, '', `${(cpuPct('lookout') - cpuPct('baseline')).toFixed(2)} % / ${mib(avg(rss.lookout) - avg(rss.baseline))}`, '', '', '']),
        row(['RSS average / max', '≤ 100 MB', `${mib(avg(rss.lookout))} / ${mib(rssMax)}`, `${mib(avg(rss.baseline))} / ${mib(Math.max(...rss.baseline))}`, `${mib(avg(rss.node_exporter))} / ${mib(Math.max(...rss.node_exporter))}`, met(rssMax <= 100 * 1e6)]),
        ...(cpu1.lookout.split
          ? [row(['RSS at the end: anonymous / file-backed (mapped code and files)', '', ...who.map((w) => (cpu1[w].split ? `${mib(cpu1[w].split.anonBytes)} / ${mib(cpu1[w].split.fileBytes)}` : '')), ''])]
          : []),
      ].join('\n');
      return { title: 'Native metrics overhead', body };
    } finally {
      for (const s of [serve, baseline]) {
        await fetch(`${s.info.url}/api/v1/stack/stop`, { method: 'POST', headers: { Authorization: `Bearer ${s.info.token}`, 'Content-Type': 'application/json' }, body: '{}' }).catch(() => undefined);
      }
      await serve.stop();
      await baseline.stop();
    }
  } finally {
    await demo?.stop();
    await env.cleanup();
    await bare.cleanup();
  }
}
