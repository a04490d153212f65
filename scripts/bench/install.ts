/**
 * Release install, for real: Prometheus, Alertmanager and node_exporter installed by the release
 * installer from a loopback mirror (the release server stand-in) serving archives in the official layout
 * built from the Debian binaries (gzip level 6, like upstream's), into a fresh home per run. Figures:
 * - per component, install time (sums → download → SHA-256 → unpack → `--version` → current) and its phases;
 * - all three installed at once (what "Install and start" does), then each installed binary started with
 *   a minimal config until it answers its readiness endpoint: "install → all ready".
 * Loopback has no bandwidth limit: over a real network add archive size ÷ bandwidth to the download phase.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InstallComponentId, InstallPhase } from '../../common/install';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import { currentPlatform } from '../../main/core/install/release-catalog';
import { createReleaseInstaller } from '../../main/core/install/release-installer';
import { buildRelease, DEBIAN_VERSIONS } from '../../test/fakes/release-archive-stand-ins';
import { startReleaseServer } from '../../test/fakes/release-server-stand-in';
import { startInstalled, type StartedComponent } from '../../test/support/installed-components';
import { quantile, type BenchSection } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const COMPONENTS = ['prometheus', 'alertmanager', 'node_exporter'] as const satisfies readonly InstallComponentId[];
const PHASES: InstallPhase[] = ['resolving', 'downloading', 'verifying', 'unpacking'];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => quantile(xs, 0.5);

export async function benchInstall(): Promise<BenchSection> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'lookout-bench-install-'));
  const platform = currentPlatform();
  const runner = createCommandRunner();
  const files = new Map<string, Buffer>();
  const sizes: Record<string, number> = {};
  for (const c of COMPONENTS) {
    const b = await buildRelease(work, c, DEBIAN_VERSIONS[c]!, platform, 6);
    for (const [p, bytes] of b.files) files.set(p, bytes);
    sizes[c] = b.files.get([...b.files.keys()].find((k) => k.endsWith('.tar.gz'))!)!.length;
  }
  const server = await startReleaseServer(files);
  const single: Record<string, number[]> = Object.fromEntries(COMPONENTS.map((c) => [c, []]));
  const phases: Record<string, Record<InstallPhase, number[]>> = Object.fromEntries(COMPONENTS.map((c) => [c, Object.fromEntries(PHASES.map((p) => [p, []]))])) as never;
  const sequentialTotals: number[] = [];
  const parallelInstall: number[] = [];
  const toAllReady: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      // One component at a time, timing each phase from the installer's own progress events.
      const home = await mkdtemp(path.join(work, 'seq-'));
      const inst = createReleaseInstaller({ home, runner, mirror: server.url });
      let total = 0;
      for (const c of COMPONENTS) {
        const marks: Array<[InstallPhase, number]> = [];
        const t0 = performance.now();
        await inst.install(c, { version: DEBIAN_VERSIONS[c], onProgress: (e) => (marks.at(-1)?.[0] !== e.phase ? marks.push([e.phase, performance.now()]) : undefined) });
        const ms = performance.now() - t0;
        single[c]!.push(ms);
        total += ms;
        for (let i = 0; i < marks.length - 1; i++) {
          const [phase, at] = marks[i]!;
          if (PHASES.includes(phase)) phases[c]![phase].push(marks[i + 1]![1] - at);
        }
      }
      sequentialTotals.push(total);
      await rm(home, { recursive: true, force: true });

      // All three at once, then start them: the onboarding's "Install and start".
      const home2 = await mkdtemp(path.join(work, 'par-'));
      const inst2 = createReleaseInstaller({ home: home2, runner, mirror: server.url });
      const t0 = performance.now();
      const installed = await Promise.all(COMPONENTS.map((c) => inst2.install(c, { version: DEBIAN_VERSIONS[c] })));
      const tInstalled = performance.now();
      const started: StartedComponent[] = [];
      try {
        started.push(...(await Promise.all(installed.map((i) => startInstalled(i, home2)))));
        const tReady = performance.now();
        parallelInstall.push(tInstalled - t0);
        toAllReady.push(tReady - t0);
        console.log(`run ${run + 1}/${RUNS}: one by one ${COMPONENTS.map((c) => `${c} ${s(single[c]!.at(-1)!)}`).join(', ')} (total ${s(total)}); all three at once ${s(tInstalled - t0)}, → all ready ${s(tReady - t0)}`);
      } finally {
        await Promise.all(started.map((x) => x.stop()));
        await rm(home2, { recursive: true, force: true });
      }
    }
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }

  const rows = COMPONENTS.map((c) => {
    const p = phases[c]!;
    return `| ${c} | ${(sizes[c]! / 2 ** 20).toFixed(1)} MiB | ${s(median(single[c]!))} | ${s(Math.max(...single[c]!))} | ${PHASES.map((ph) => s(median(p[ph]))).join(' | ')} |`;
  });
  const body = `Release installer (\`main/core/install/release-installer.ts\`)
against a loopback mirror serving archives in the official layout built from the Debian binaries
(gzip -6, like upstream's), a fresh \`LOOKOUT_HOME\` per run, ${RUNS} runs. Loopback has no bandwidth
limit: over a real connection add archive size ÷ bandwidth to the download phase (e.g. ${(sizes.prometheus! / 2 ** 20).toFixed(0)} MiB at 50 Mbit/s ≈ ${((sizes.prometheus! * 8) / 50e6).toFixed(0)} s for Prometheus).

| component | archive | install (median) | worst | sums | download | SHA-256 | unpack + \`--version\` |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

| figure | median | worst |
| --- | --- | --- |
| all three, one after another | ${s(median(sequentialTotals))} | ${s(Math.max(...sequentialTotals))} |
| all three at once | ${s(median(parallelInstall))} | ${s(Math.max(...parallelInstall))} |
| all three at once → every installed binary ready (\`/-/ready\`, \`/metrics\`) | ${s(median(toAllReady))} | ${s(Math.max(...toAllReady))} |`;
  return { title: 'Release install', body };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const section = await benchInstall();
  console.log(`\n## ${section.title}\n\n${section.body}`);
}
