/**
 * Grouping accuracy of the template miner on Loghub structured sets (`<DS>_2k.log_structured.csv`):
 * the Content column goes through `parseLinesToJsonl` exactly as `lookout logs parse --jsonl` runs
 * it (final mode unless asked for online, default miner options, the same for every set), and the
 * templateIds it prints are scored against the EventId column.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parseCsvRecords } from './csv';
import { groupingAccuracy } from './grouping-accuracy';
import { parseLinesToJsonl, type ParseMode } from './parse-jsonl';

/** The sets the miner was designed and tuned on. */
export const LOGHUB_TUNED = ['HDFS', 'Spark', 'Linux'] as const;
/** The sets held out until the design was frozen (see README.md beside this file). */
export const LOGHUB_HELD_OUT = ['Apache', 'OpenSSH', 'HealthApp'] as const;
export const LOGHUB_SETS = [...LOGHUB_TUNED, ...LOGHUB_HELD_OUT];

export interface SetAccuracy {
  set: string;
  lines: number;
  events: number;
  templates: number;
  ga: number;
}

/** The Content and EventId columns of a structured CSV file. */
export async function readLoghubSet(file: string): Promise<{ contents: string[]; events: string[] }> {
  const records = parseCsvRecords(await readFile(file, 'utf8'), file);
  if (records.length && (!('Content' in records[0]!) || !('EventId' in records[0]!))) throw new Error(`${file}: no Content or EventId column`);
  for (const [i, r] of records.entries()) if (/[\r\n]/.test(r.Content!)) throw new Error(`${file}: record ${i + 1}: Content spans lines, so it cannot be one input line`);
  return { contents: records.map((r) => r.Content!), events: records.map((r) => r.EventId!) };
}

/** GA of `lookout logs parse --jsonl` (final mode unless told) over the given contents. */
export async function accuracyOf(contents: string[], events: string[], mode: ParseMode = 'final'): Promise<{ ga: number; templates: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const res = await parseLinesToJsonl(Readable.from([contents.join('\n')]), out, { mode });
  out.end();
  const ids = Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { templateId: string }).templateId);
  if (ids.length !== contents.length) throw new Error(`parse printed ${ids.length} lines for ${contents.length}`);
  return { ga: groupingAccuracy(ids, events), templates: res.templates };
}

/** GA for each set in `dir` (files `<set>_2k.log_structured.csv`). */
export async function evaluateLoghub(dir: string, sets: readonly string[] = LOGHUB_SETS, mode: ParseMode = 'final'): Promise<SetAccuracy[]> {
  const results: SetAccuracy[] = [];
  for (const set of sets) {
    const { contents, events } = await readLoghubSet(path.join(dir, `${set}_2k.log_structured.csv`));
    const { ga, templates } = await accuracyOf(contents, events, mode);
    results.push({ set, lines: contents.length, events: new Set(events).size, templates, ga });
  }
  return results;
}
