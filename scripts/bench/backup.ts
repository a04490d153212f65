/**
 * Backup and restore of a TSDB of 1 M samples (1,000 series × 1,000 samples at 15 s of hard-to-compress integers, made by
 * `promtool tsdb create-blocks-from openmetrics`), against the real, locked-down Prometheus run by a
 * Lookout core: createBackup (snapshot API → archive) and restoreBackup (verify → stop → swap → start →
 * ready and series count verified), with the archive's size. Every run checks that the restored
 * Prometheus counts the same series and samples. `node --import tsx scripts/bench/backup.ts` runs it alone.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBackup, type BackupDeps } from '../../main/core/backup/backups';
import { restoreBackup, stackControlFrom } from '../../main/core/backup/restore';
import { createStackAccess } from '../../main/core/lockdown/access';
import { settingsSchema } from '../../main/core/settings/schema';
import { startCore } from '../../test/support/core';
import { stackAuthHeaders } from '../../test/support/stack-auth';
import { makeHome } from '../../test/support/stack-env';
import { countFixture, expectedFixture, makeTsdb } from '../../test/support/tsdb-fixture';
import { quantile, type BenchSection } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SERIES = 1_000;
const SAMPLES_PER_SERIES = 1_000;

const median = (xs: number[]) => quantile(xs, 0.5);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function benchBackup(): Promise<BenchSection> {
  // The supervisor's timers and process handles are unref'd (Lookout must not be kept alive by a backoff);
  // this script waits on them, so it holds the event loop open itself, as startLookout does.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    return await run();
  } finally {
    clearInterval(keepAlive);
  }
}

async function run(): Promise<BenchSection> {
  const env = await makeHome();
  env.settings = { ...env.settings, stack: { ...env.settings.stack, lockdown: { enabled: true } } };
  await env.writeSettings(env.settings);
  const t0 = performance.now();
  const fixture = await makeTsdb(path.join(env.home, 'data', 'prometheus'), { series: SERIES, samplesPerSeries: SAMPLES_PER_SERIES, stepSeconds: 15, values: 'noisy' });
  const buildMs = performance.now() - t0;
  const core = await startCore(env.home);
  const backups: number[] = [];
  const restores: number[] = [];
  const sizes: number[] = [];
  let samplesInTsdb = 0;
  try {
    await core.handlers['stack:start']({});
    const auth = await stackAuthHeaders(env.home);
    const prom = `http://127.0.0.1:${env.ports.prometheus}`;
    const want = expectedFixture(fixture);
    const check = async (when: string) => {
      const got = await countFixture(prom, auth, fixture);
      if (got.series !== want.series || got.samples !== want.samples || got.sum !== want.sum) throw new Error(`${when}: Prometheus counts ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    };
    await check('before the first backup');
    const settings = () => settingsSchema.parse(env.settings);
    const access = createStackAccess({ paths: core.paths, settings });
    const deps: BackupDeps = { paths: core.paths, settings, access, clock: { now: () => Date.now() }, lookoutVersion: 'bench' };
    const h = core.handlers;
    const stack = stackControlFrom({ get: (r) => h['stack:get'](r), start: (r) => h['stack:start'](r), stop: (r) => h['stack:stop'](r) });
    for (let i = 0; i < RUNS; i++) {
      const b0 = performance.now();
      const info = await createBackup(deps);
      backups.push(performance.now() - b0);
      sizes.push(info.sizeBytes);
      if (info.contents.prometheus.included) samplesInTsdb = info.contents.prometheus.samples;
      const r0 = performance.now();
      const result = await restoreBackup({ ...deps, stack }, info.id);
      restores.push(performance.now() - r0);
      if (!result.verified || result.verified.series !== result.verified.expected) throw new Error(`restore ${info.id} was not verified: ${JSON.stringify(result.verified)}`);
      await check(`after restore ${i + 1}`);
      await rm(info.file);
      console.log(`run ${i + 1}/${RUNS}: backup ${s(backups.at(-1)!)} (${(info.sizeBytes / 2 ** 20).toFixed(2)} MiB), restore ${s(restores.at(-1)!)}`);
    }
  } finally {
    await core.dispose({ stopStack: true });
    await env.cleanup();
  }
  const body = `A TSDB of ${SERIES.toLocaleString('en')} series × ${SAMPLES_PER_SERIES.toLocaleString('en')} samples
(${(SERIES * SAMPLES_PER_SERIES).toLocaleString('en')} samples at 15 s of integers hashed from (series, step), as hard to compress as a busy gauge;
${samplesInTsdb.toLocaleString('en')} samples in the last snapshot (the fixture and what Prometheus had scraped by then); built by promtool in ${s(buildMs)}), served by the real Prometheus behind lock-down; \`createBackup\` and
\`restoreBackup\` (\`main/core/backup/\`), ${RUNS} runs. Restore includes the full archive verification, the stop, the swap, the
restart and waiting until Prometheus is ready and counts the recorded series; each run then checks series, sample count and sum.

| figure | median | worst |
| --- | --- | --- |
| backup (snapshot API → tar.gz with manifest and checksums) | ${s(median(backups))} | ${s(Math.max(...backups))} |
| restore (verify → stop → swap → start → verified) | ${s(median(restores))} | ${s(Math.max(...restores))} |
| archive size | ${(median(sizes) / 2 ** 20).toFixed(2)} MiB | ${(Math.max(...sizes) / 2 ** 20).toFixed(2)} MiB |`;
  return { title: 'Backup and restore', body };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const section = await benchBackup();
  console.log(`\n## ${section.title}\n\n${section.body}`);
}
