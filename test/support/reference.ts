import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Core } from '../../main/core/core';
import { readDemoFile, type DemoFile } from '../../main/core/settings/demo-targets';
import { findBinary } from '../../main/core/stack/binaries';
import { CATALOG } from '../../main/core/stack/catalog';
import type { FaultPatch, FaultState } from '../../main/reference/faults';
import { startCore } from './core';
import { instant } from './promql';
import { makeHome, waitFor, type TestHome } from './stack-env';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The built CLI, as users run it (npm test builds first; run `node scripts/build.mjs` before a single file). */
export const CLI = path.join(ROOT, 'dist', 'main', 'cli.js');

type ServiceName = 'memory' | 'llm' | 'gui';

export interface RunningDemo {
  child: ChildProcess;
  file: DemoFile;
  url(name: ServiceName): string;
  pid(name: ServiceName): number;
  logFile(name: ServiceName): string;
  /** Change a service's faults through its admin endpoint. */
  faults(name: ServiceName, patch: FaultPatch): Promise<FaultState>;
  output(): string;
  /** SIGTERM and wait: the exit code, or 'timeout'. */
  stop(timeoutMs?: number): Promise<number | null | 'timeout'>;
}

/** Run the built `lookout demo` on a home and wait until it has published demo.json. */
export async function startDemo(home: string, args: string[] = []): Promise<RunningDemo> {
  const child = spawn(process.execPath, [CLI, 'demo', ...args], { cwd: ROOT, env: { ...process.env, LOOKOUT_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const file = await waitFor('demo.json from lookout demo', async () => {
    if (child.exitCode !== null) throw new Error(`lookout demo exited early (code ${child.exitCode}):\n${output}`);
    const { demo } = await readDemoFile(home);
    return demo && demo.pid === child.pid ? demo : null;
  }, 30_000);
  const svc = (name: ServiceName) => {
    const s = file.services.find((x) => x.name === name);
    if (!s) throw new Error(`demo.json has no ${name}`);
    return s;
  };
  return {
    child,
    file,
    url: (name) => svc(name).url,
    pid: (name) => svc(name).pid!,
    logFile: (name) => svc(name).logFile!,
    async faults(name, patch) {
      const res = await fetch(`${svc(name).url}/admin/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(patch) });
      if (!res.ok && res.status !== 202) throw new Error(`setting faults on ${name}: ${res.status} ${await res.text()}`);
      return (await res.json()) as FaultState;
    },
    output: () => output,
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs))]);
    },
  };
}

/** Pipe a /metrics body through `promtool check metrics`: exit code and what it said. */
export function promtoolCheckMetrics(body: string): { code: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool not runnable (install prometheus): ${r.error.message}`);
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** Run `fn` over `items` with at most `limit` at a time. */
export async function inBatches<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** Jobs the demo publishes. */
export const DEMO_JOBS = ['gui', 'llm', 'memory'] as const;

export interface ScrapedDemo {
  env: TestHome;
  core: Core;
  demo: RunningDemo;
  /** Prometheus' base URL. */
  prom: string;
  /** The scrape interval in seconds. */
  interval: number;
  /** When every demo job was first seen up (seconds). */
  readyAt: number;
  stop(): Promise<void>;
}

/**
 * The real Prometheus (through a real core, 1 s scrape interval, Alertmanager and node_exporter off)
 * scraping a real `lookout demo` on a temp home; resolves once every demo job is up.
 */
export async function startScrapedDemo(): Promise<ScrapedDemo> {
  const prometheus = await findBinary(CATALOG.prometheus.binaries, {});
  if (!prometheus) throw new Error(`prometheus not found: install it (${CATALOG.prometheus.install.apt})`);
  const env = await makeHome((ports) => ({
    stack: {
      scrapeInterval: '1s',
      evaluationInterval: '1s',
      components: {
        prometheus: { port: ports.prometheus },
        alertmanager: { enabled: false, port: ports.alertmanager },
        node_exporter: { enabled: false, port: ports.node_exporter },
        grafana: { enabled: false, port: ports.grafana },
      },
    },
  }));
  let core: Core | null = null;
  let demo: RunningDemo | null = null;
  const stop = async () => {
    await demo?.stop().catch(() => undefined);
    await core?.dispose({ stopStack: true }).catch(() => undefined);
    await env.cleanup();
  };
  try {
    core = await startCore(env.home);
    const snap = await core.handlers['stack:start']({ components: ['prometheus'] });
    const p = snap.components.find((c) => c.id === 'prometheus');
    if (p?.state !== 'running') throw new Error(`Prometheus did not start: ${p?.state} ${p?.lastError ?? ''}`);
    demo = await startDemo(env.home);
    const prom = `http://127.0.0.1:${env.ports.prometheus}`;
    await waitFor('every demo job scraped with up == 1', async () => {
      const up = await instant(prom, 'up{demo="true"} == 1');
      return DEMO_JOBS.every((job) => up.some((s) => s.metric.job === job));
    }, 30_000, 250);
    return { env, core, demo, prom, interval: 1, readyAt: Date.now() / 1000, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
