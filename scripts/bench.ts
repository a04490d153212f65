/**
 * `npm run bench`: measured figures, printed and written to docs/benchmarks.md (one writer, one
 * section per module in scripts/bench/). BENCH_ONLY=stack or BENCH_ONLY=metrics,traces runs those sections;
 * the file keeps the other sections' last figures.
 */
import os from 'node:os';
import path from 'node:path';
import { benchAlerts } from './bench/alerts';
import { benchBackup } from './bench/backup';
import { benchInstall } from './bench/install';
import { benchLogsAnalysis } from './bench/logs-analysis';
import { benchLogsIngest } from './bench/logs-ingest';
import { benchMetrics } from './bench/metrics';
import { benchPopover } from './bench/popover';
import { machine, writeBenchmarks, type BenchSection } from './bench/report';
import { benchStack } from './bench/stack';
import { benchTraces } from './bench/traces';

const SECTIONS: Record<string, () => Promise<BenchSection>> = {
  stack: benchStack,
  metrics: benchMetrics,
  alerts: benchAlerts,
  popover: benchPopover,
  traces: benchTraces,
  'logs-analysis': benchLogsAnalysis,
  'logs-ingest': benchLogsIngest,
  install: benchInstall,
  backup: benchBackup,
};
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean) ?? Object.keys(SECTIONS);
const unknown = only.filter((s) => !(s in SECTIONS));
if (unknown.length) throw new Error(`BENCH_ONLY names unknown sections: ${unknown.join(', ')} (known: ${Object.keys(SECTIONS).join(', ')})`);

/**
 * When and on what a section was measured. Figures from a busy machine read low: a load average above
 * three quarters of the cores before the section started means something was still running (in a full
 * run often the section before, whose load the 1-minute average still carries); afterwards it includes the bench's own.
 */
function measuredNote(before: number, after: number): string {
  const cores = os.cpus().length;
  const busy = before > cores * 0.75 ? ' — the machine was already busy (an earlier section or other work), so these figures may read low' : '';
  return `_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; 1-minute load average ${before.toFixed(2)} before, ${after.toFixed(2)} after${busy}._`;
}

const fresh: BenchSection[] = [];
for (const name of only) {
  console.log(`\n=== bench: ${name} ===`);
  const before = os.loadavg()[0]!;
  const section = await SECTIONS[name]!();
  fresh.push({ ...section, body: `${section.body.trimEnd()}\n\n${measuredNote(before, os.loadavg()[0]!)}` });
}
const md = await writeBenchmarks(path.resolve(import.meta.dirname, '..', 'docs', 'benchmarks.md'), fresh);
console.log(`\n${md}`);
