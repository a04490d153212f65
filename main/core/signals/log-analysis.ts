import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Metric, Registry } from 'prom-client';
import { writeFileAtomic } from '../atomic-write';
import { extractLoggedLatency } from '../logs/analysis/logged-latency';
import { createNewErrorPatternDetector, NEW_ERROR_PATTERNS_METRIC, type NewErrorPattern, type NewErrorPatternDetector } from '../logs/analysis/new-error-patterns';
import { createTemplateMiner, type TemplateMiner } from '../logs/analysis/template-miner';
import { SnapshotMetric } from '../metrics/exporter';
import type { LogRecord } from '../store/records';

/**
 * The analysis every log record goes through before it is stored, whatever its source (followed files,
 * OTLP, the stack's and Lookout's own logs): its pattern (template mining, online), the duration and
 * route it logs, and whether it is an error pattern never seen before (lookout_log_new_error_patterns_total,
 * which the NewErrorPattern alert watches). The miner's and the detector's state is saved in the home, so
 * template ids and what counts as "new" survive a restart.
 */
export interface LogAnalysis {
  /** Fill templateId, template, durationMs and route in place; returns the same array. */
  annotate(records: LogRecord[]): LogRecord[];
  /** The template an id stands for now (templates generalise and merge; old ids stay resolvable). */
  resolve(templateId: string): { templateId: string; template: string } | null;
  /** Every id stored records of that template may carry (the current one and those merged into it). */
  idsOf(templateId: string): string[];
  /** Save the state (0600); called periodically and at shutdown. */
  save(): Promise<void>;
}

interface SavedState {
  miner: unknown;
  detector: unknown;
}

export async function createLogAnalysis(opts: { stateFile: string; registry: Registry; logger: Logger; onNewPattern?(p: NewErrorPattern): void }): Promise<LogAnalysis> {
  const { logger } = opts;
  let miner: TemplateMiner;
  let detector: NewErrorPatternDetector;
  const saved = await readState(opts.stateFile, logger);
  try {
    miner = createTemplateMiner({}, saved?.miner);
    detector = createNewErrorPatternDetector({}, saved?.detector);
  } catch (err) {
    // A state file that does not parse costs the template ids of the past, never the records of now.
    logger.warn({ file: opts.stateFile, err: (err as Error).message }, 'log analysis state unusable; starting fresh');
    miner = createTemplateMiner();
    detector = createNewErrorPatternDetector();
  }
  const m = NEW_ERROR_PATTERNS_METRIC;
  opts.registry.registerMetric(new SnapshotMetric(m.name, m.help, m.type, () => detector.series()) as unknown as Metric);

  return {
    annotate(records) {
      for (const r of records) {
        const match = miner.add(r.message);
        r.templateId = match.templateId;
        r.template = match.template;
        const latency = extractLoggedLatency(r);
        r.durationMs = latency.durationMs;
        r.route = latency.route;
        const found = detector.observe({ templateId: match.templateId, template: match.template, level: r.level, timeMs: r.timeUs / 1000, service: r.service });
        if (found) {
          logger.info({ service: found.service, template: found.template }, 'new error pattern');
          opts.onNewPattern?.(found);
        }
      }
      return records;
    },
    resolve(templateId) {
      const info = miner.resolve(templateId);
      return info ? { templateId: info.templateId, template: info.template } : null;
    },
    idsOf: (templateId) => miner.idsOf(templateId),
    async save() {
      const state: SavedState = { miner: miner.snapshot(), detector: detector.snapshot() };
      await mkdir(path.dirname(opts.stateFile), { recursive: true, mode: 0o700 });
      await writeFileAtomic(opts.stateFile, JSON.stringify(state));
    },
  };
}

async function readState(file: string, logger: Logger): Promise<SavedState | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SavedState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ file, err: (err as Error).message }, 'log analysis state unreadable; starting fresh');
    return null;
  }
}
