/**
 * `npm run bench`: measured figures, printed and written to docs/benchmarks.md (one writer, one
 * section per module in scripts/bench/). BENCH_ONLY=stack or BENCH_ONLY=metrics,traces runs those sections;
 * the file keeps the other sections' last figures.
 */
import path from 'node:path';
import { benchAlerts } from './bench/alerts';
import { benchBackup } from './bench/backup';
import { benchInstall } from './bench/install';
import { benchLogsAnalysis } from './bench/logs-analysis';
import { benchLogsIngest } from './bench/logs-ingest';
import { benchMetrics } from './bench/metrics';
import { benchPopover } from './bench/popover';
import { writeBenchmarks, type BenchSection } from './bench/report';
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

const fresh: BenchSection[] = [];
for (const name of only) {
  console.log(`\n=== bench: ${name} ===`);
  fresh.push(await SECTIONS[name]!());
}
const md = await writeBenchmarks(path.resolve(import.meta.dirname, '..', 'docs', 'benchmarks.md'), fresh);
console.log(`\n${md}`);
