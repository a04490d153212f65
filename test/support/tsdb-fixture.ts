import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What a fixture TSDB holds: `series` series of `metric`, `samplesPerSeries` samples each, every `stepSeconds`. */
export interface TsdbFixture {
  metric: string;
  values: FixtureValues;
  series: number;
  samplesPerSeries: number;
  stepSeconds: number;
  /** First and last sample, epoch seconds. */
  start: number;
  end: number;
}

/**
 * `counter`: series i at step k holds i·1e6 + k — compresses to almost nothing (Gorilla encoding stores a
 * constant delta in a bit or two). `noisy`: a hash of (i, k) in 0…99,999 — integers, so sums stay exact, but
 * as hard to compress as a busy gauge, for figures about size.
 */
export type FixtureValues = 'counter' | 'noisy';

export function fixtureValue(values: FixtureValues, i: number, k: number): number {
  if (values === 'counter') return i * 1e6 + k;
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return ((h ^ (h >>> 13)) >>> 0) % 100_000;
}

/**
 * A TSDB of known content made by promtool from OpenMetrics (`promtool tsdb create-blocks-from
 * openmetrics`): values from fixtureValue, so a count and a sum pin the content down.
 * Samples end `endAgoSeconds` before now, inside any sane retention.
 */
export async function makeTsdb(
  dataDir: string,
  opts: { series: number; samplesPerSeries: number; stepSeconds?: number; endAgoSeconds?: number; metric?: string; values?: FixtureValues },
): Promise<TsdbFixture> {
  const values = opts.values ?? 'counter';
  const step = opts.stepSeconds ?? 15;
  const metric = opts.metric ?? 'lookout_backup_fixture';
  const end = Math.floor((Date.now() / 1000 - (opts.endAgoSeconds ?? 600)) / step) * step;
  const start = end - (opts.samplesPerSeries - 1) * step;
  const work = path.join(path.dirname(dataDir), `.om-${path.basename(dataDir)}`);
  await mkdir(work, { recursive: true });
  const file = path.join(work, 'fixture.om');
  const lines: string[] = [`# HELP ${metric} Fixture series of known content.`, `# TYPE ${metric} gauge`];
  for (let i = 0; i < opts.series; i++) {
    for (let k = 0; k < opts.samplesPerSeries; k++) lines.push(`${metric}{i="${i}"} ${fixtureValue(values, i, k)} ${start + k * step}`);
  }
  lines.push('# EOF', '');
  await writeFile(file, lines.join('\n'));
  await mkdir(dataDir, { recursive: true });
  // Blocks of up to 2 h, like Prometheus' own head compaction; more output would only be noise.
  try {
    await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir], { maxBuffer: 64 * 1024 * 1024 });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { metric, values, series: opts.series, samplesPerSeries: opts.samplesPerSeries, stepSeconds: step, start, end };
}

/** Series and samples of the fixture metric as Prometheus counts them, at the fixture's last sample. */
export async function countFixture(prometheus: string, headers: Record<string, string>, f: TsdbFixture): Promise<{ series: number; samples: number; sum: number }> {
  const window = `${f.end - f.start + f.stepSeconds}s`;
  const q = async (expr: string) => {
    const res = await fetch(`${prometheus}/api/v1/query?${new URLSearchParams({ query: expr, time: String(f.end) })}`, { headers });
    const body = (await res.json()) as { status: string; data: { result: Array<{ value: [number, string] }> }; error?: string };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result.length ? Number(body.data.result[0]!.value[1]) : 0;
  };
  return {
    series: await q(`count(count_over_time(${f.metric}[${window}]))`),
    samples: await q(`sum(count_over_time(${f.metric}[${window}]))`),
    sum: await q(`sum(sum_over_time(${f.metric}[${window}]))`),
  };
}

/** The counts a fixture must give: every series, every sample, and the sum of all values. */
export function expectedFixture(f: TsdbFixture): { series: number; samples: number; sum: number } {
  let sum = 0;
  for (let i = 0; i < f.series; i++) for (let k = 0; k < f.samplesPerSeries; k++) sum += fixtureValue(f.values, i, k);
  return { series: f.series, samples: f.series * f.samplesPerSeries, sum };
}
