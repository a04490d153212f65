/**
 * `lookout demo`: start the reference memory, LLM and GUI servers as child processes on free loopback
 * ports, publish them in $LOOKOUT_HOME/demo.json (the core scrapes them as jobs memory, llm and gui,
 * labelled demo="true"), optionally drive traffic through them, and on Ctrl-C / SIGTERM stop them and
 * remove the file (which removes the scrape targets).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readDemoFile, removeDemoFileSync, writeDemoFile, type DemoFileInput } from '../core/settings/demo-targets';
import { ADMIN_PATH, CRASH_EXIT_CODE } from './faults';
import { REFERENCE_SERVICES, type ReferenceServiceName } from './running-service';
import type { ReadyMessage } from './service-main';
import { startTraffic, type Traffic } from './traffic';

export interface DemoOptions {
  home: string;
  /** Requests per second for the traffic generator; none when undefined. */
  traffic?: number;
  /** How to run `lookout demo-service …`: the Node binary and the arguments before `demo-service`. */
  command: string;
  commandArgs: string[];
  /** Where the running Lookout for this home listens, when one does (for the summary). */
  lookoutUrl?: string | null;
  /** Job names the user's settings already use (those demo targets are not scraped). */
  takenJobs?: string[];
  out(text: string): void;
  err(text: string): void;
  /** Resolves when the demo should stop (default: SIGINT or SIGTERM). */
  until?: Promise<string>;
  /** Start-up time allowed per service. */
  readyTimeoutMs?: number;
  /** Extra flags per service (tests pass --latency-ms). */
  serviceArgs?: Partial<Record<ReferenceServiceName, string[]>>;
  /** Where the services send their spans (Lookout's OTLP receiver); none when null. */
  otlpEndpoint?: string | null;
}

interface Child {
  name: ReferenceServiceName;
  proc: ChildProcess;
  ready: ReadyMessage;
  logFile: string;
}

/** Unix socket paths are limited to about 104 bytes (macOS) / 108 (Linux); fall back to the temp dir beyond that. */
const MAX_SOCKET_PATH = 100;

function socketPathFor(home: string): string {
  const inHome = path.join(home, 'run', 'demo', 'memory.sock');
  if (Buffer.byteLength(inHome) <= MAX_SOCKET_PATH) return inHome;
  return path.join(os.tmpdir(), `lookout-demo-${process.getuid?.() ?? 'user'}-${process.pid}`, 'memory.sock');
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** Spawn one service and wait for its ready message; the error carries its stderr when it fails. */
function startChild(opts: DemoOptions, name: ReferenceServiceName, args: string[], logFile: string): Promise<Child> {
  const proc = spawn(opts.command, [...opts.commandArgs, 'demo-service', name, '--log', logFile, ...args, ...(opts.serviceArgs?.[name] ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // The kit exports spans to OTEL_EXPORTER_OTLP_ENDPOINT (the OpenTelemetry convention): Lookout's receiver.
    env: opts.otlpEndpoint ? { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: opts.otlpEndpoint } : process.env,
    // Own process group: a Ctrl-C in the terminal reaches only the demo, which then stops the services in
    // order (targets first). They still exit on their own if the demo dies (the IPC channel closes).
    detached: true,
  });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  proc.stdout?.resume();
  return new Promise<Child>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${opts.readyTimeoutMs ?? 20_000} ms${stderr ? `:\n${stderr}` : ''}`));
    }, opts.readyTimeoutMs ?? 20_000);
    proc.on('message', (msg: ReadyMessage) => {
      if (msg?.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ name, proc, ready: msg, logFile });
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (${signal ?? `code ${code}`})${stderr ? `:\n${stderr.trim()}` : ''}; see ${logFile}`));
    });
    proc.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Run the demo until a signal (or `opts.until`); resolves to the exit code. */
export async function runDemo(opts: DemoOptions): Promise<number> {
  const { home } = opts;
  const existing = await readDemoFile(home);
  if (existing.demo && existing.demo.pid !== process.pid) {
    opts.err(`A demo is already running for ${home} (pid ${existing.demo.pid}). Stop it first (Ctrl-C in its terminal, or kill ${existing.demo.pid}).\n`);
    return 1;
  }
  const logsDir = path.join(home, 'logs');
  await mkdir(logsDir, { recursive: true });
  const socketPath = socketPathFor(home);
  await mkdir(path.dirname(socketPath), { recursive: true, mode: 0o700 });

  const children: Child[] = [];
  let published = false;
  let stopping = false;
  // Last resort if this process dies on an uncaught error: no stale targets, no orphans.
  const onExit = () => {
    if (published) removeDemoFileSync(home, process.pid);
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGTERM');
  };
  process.on('exit', onExit);

  const start = async (name: ReferenceServiceName, args: string[]) => {
    const logFile = path.join(logsDir, `demo-${name}.log`);
    const child = await startChild(opts, name, args, logFile);
    children.push(child);
    child.proc.once('exit', (code, signal) => {
      if (stopping) return;
      const why = code === CRASH_EXIT_CODE ? 'crashed (injected fault)' : `exited (${signal ?? `code ${code}`})`;
      // Not restarted: a dead service is what the demo's alerts are there to show.
      opts.err(`${name} ${why}; its scrape target stays, so Prometheus sees it down. Log: ${child.logFile}\n`);
    });
    return child;
  };

  let traffic: Traffic | null = null;
  try {
    const memory = await start('memory', ['--socket', socketPath]);
    const llm = await start('llm', ['--socket', socketPath]);
    const gui = await start('gui', ['--llm-url', llm.ready.url]);
    const byName = { memory, llm, gui };

    const demo: DemoFileInput = {
      version: 1,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      services: REFERENCE_SERVICES.map((name) => {
        const c = byName[name];
        return {
          name,
          url: c.ready.url,
          metricsPath: '/metrics',
          labels: { demo: 'true' },
          pid: c.ready.pid,
          ipc: [
            ...(name === 'memory' ? [{ transport: 'unix' as const, path: socketPath, protocol: 'ndjson' as const }] : []),
            { transport: 'http' as const, url: `${c.ready.url}/healthz` },
          ],
          logFile: c.logFile,
          adminUrl: `${c.ready.url}${ADMIN_PATH}`,
        };
      }),
    };
    mkdirSync(home, { recursive: true });
    await writeDemoFile(home, demo);
    published = true;

    const rows = REFERENCE_SERVICES.map((name) => {
      const c = byName[name];
      return `  ${name.padEnd(7)} ${c.ready.url.padEnd(24)} pid ${String(c.ready.pid).padEnd(8)} log ${c.logFile}`;
    });
    const taken = REFERENCE_SERVICES.filter((n) => opts.takenJobs?.includes(n));
    opts.out(
      [
        `Lookout demo running for ${home}`,
        ...rows,
        `  memory IPC: unix socket ${socketPath} (newline-delimited JSON)`,
        `  GUI: open ${gui.ready.url}/`,
        '',
        `Scrape targets published in ${path.join(home, 'demo.json')} (jobs memory, llm, gui; label demo="true").`,
        opts.lookoutUrl
          ? `Lookout (${opts.lookoutUrl}) picks them up now and drops them when the demo stops.`
          : 'No Lookout is running for this home: `lookout serve` picks the targets up when it starts.',
        ...(taken.length ? [`Note: settings.services already has job(s) ${taken.join(', ')}; those demo targets are not scraped.`] : []),
        `Faults: curl -X POST -H 'Content-Type: application/json' -d '{"errorRate":0.2,"latencyMs":300}' ${llm.ready.url}${ADMIN_PATH}`,
        opts.traffic ? `Traffic: ${opts.traffic} request(s)/s through gui → llm → memory.` : 'Traffic: none (add --traffic 5 for five requests a second).',
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );

    if (opts.traffic) traffic = startTraffic({ rate: opts.traffic, guiUrl: gui.ready.url, memoryUrl: memory.ready.url });
    const why = await (opts.until ?? waitForSignal());
    opts.out(`\nStopping the demo (${why})…\n`);
    return 0;
  } catch (err) {
    opts.err(`lookout demo: ${(err as Error).message}\n`);
    return 1;
  } finally {
    stopping = true;
    if (traffic) {
      await traffic.stop();
      const s = traffic.stats();
      opts.out(`Traffic sent ${s.sent} request(s): ${s.ok} ok, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped while services were stuck` : ''}.\n`);
    }
    // Targets first: Prometheus stops scraping before the services go away, so no false "down" is recorded.
    if (published) removeDemoFileSync(home, process.pid);
    await Promise.all(children.map((c) => stopChild(c.proc)));
    process.off('exit', onExit);
  }
}
