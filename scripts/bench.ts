/**
 * `npm run bench`: measured figures, printed and written to docs/benchmarks.md.
 *
 * Stack cold start: from the "Start stack" request (what the button sends) to every component
 * ready, on a fresh home each run, through a real `lookout serve` and real components.
 * Stack stop: from the "Stop stack" request to every process gone, and whether SIGKILL was needed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { StackSnapshot } from '../common/model';
import { freePorts, processesUsing, waitFor } from '../test/support/stack-env';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = path.resolve(import.meta.dirname, '..');

interface Run {
  startMs: number;
  stopMs: number;
  allRunning: boolean;
  forced: boolean;
  leftovers: number;
}

async function oneRun(): Promise<Run> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'lookout-bench-'));
  const [lookout, prometheus, alertmanager, node_exporter] = await freePorts(4);
  await writeFile(
    path.join(home, 'settings.json'),
    JSON.stringify({ lookout: { port: lookout }, stack: { components: { prometheus: { port: prometheus }, alertmanager: { port: alertmanager }, node_exporter: { port: node_exporter } } } }),
  );
  const serve: ChildProcess = spawn(process.execPath, [path.join(root, 'dist/main/cli.js'), 'serve', '--home', home], { stdio: 'ignore' });
  try {
    const info = await waitFor('serve.json', async () => JSON.parse(await readFile(path.join(home, 'serve.json'), 'utf8')) as { url: string; token: string }, 20_000);
    const call = async (verb: 'start' | 'stop') => {
      const t0 = performance.now();
      const res = await fetch(`${info.url}/api/v1/stack/${verb}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${info.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      const snap = (await res.json()) as StackSnapshot;
      return { ms: performance.now() - t0, snap };
    };
    const started = await call('start');
    const stopped = await call('stop');
    return {
      startMs: started.ms,
      stopMs: stopped.ms,
      allRunning: started.snap.components.every((c) => c.state === 'running'),
      forced: stopped.snap.components.some((c) => c.lastExit?.forced),
      leftovers: (await processesUsing(home)).filter((p) => p.pid !== serve.pid).length,
    };
  } finally {
    serve.kill('SIGTERM');
    await new Promise((r) => serve.once('exit', r));
    await rm(home, { recursive: true, force: true });
  }
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) {
  const r = await oneRun();
  runs.push(r);
  console.log(`run ${i + 1}/${RUNS}: start ${fmt(r.startMs)} (all running: ${r.allRunning}), stop ${fmt(r.stopMs)} (SIGKILL: ${r.forced}, leftovers: ${r.leftovers})`);
}
const starts = runs.map((r) => r.startMs);
const stops = runs.map((r) => r.stopMs);
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
const ok = (v: boolean) => (v ? 'met' : '**missed**');
const md = `# Benchmarks

Written by \`npm run bench\` (${new Date().toISOString().slice(0, 10)}). Machine: ${machine}.

## Stack cold start and stop

Real Prometheus, Alertmanager and node_exporter supervised by a real \`lookout serve\`; a fresh
\`LOOKOUT_HOME\` per run; timed from the HTTP request the "Start stack" / "Stop stack" buttons send to its
answer (the start answer comes once every component is ready, the stop answer once every process exited).
${RUNS} runs.

| figure | goal | median | worst | goal met |
| --- | --- | --- | --- | --- |
| cold start: click → all components ready | ≤ 3 s | ${fmt(quantile(starts, 0.5))} | ${fmt(Math.max(...starts))} | ${ok(Math.max(...starts) <= 3000 && runs.every((r) => r.allRunning))} |
| stop: click → every process gone | ≤ 5 s | ${fmt(quantile(stops, 0.5))} | ${fmt(Math.max(...stops))} | ${ok(Math.max(...stops) <= 5000)} |
| SIGKILL needed on stop | none | ${runs.filter((r) => r.forced).length} of ${RUNS} runs | | ${ok(runs.every((r) => !r.forced))} |
| processes left after stop | none | ${runs.reduce((n, r) => n + r.leftovers, 0)} | | ${ok(runs.every((r) => r.leftovers === 0))} |
`;
await writeFile(path.join(root, 'docs', 'benchmarks.md'), md);
console.log(`\n${md}`);
