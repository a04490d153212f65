/**
 * The core of `lookout logs parse FILE --jsonl`: one JSON object per input line, in order,
 * `{"template": "...", "templateId": "..."}`, the whole line being the message.
 *
 * Two modes, because an online miner's template for a line can still widen after it (the first
 * `session opened for user cyrus` is a template of its own until other users show the word is a
 * variable):
 * - `final` (the default, and what the GA figures are measured with): mine every line first, then
 *   write each line with the template its cluster ended up as (merged clusters resolved to the one
 *   they joined). One read of the input; what it keeps per line is a 4-byte template index, so a
 *   1 M-line file costs about 4 MB besides the templates themselves. Output starts at the end.
 * - `online`: write each line as it is mined, with the template as of that line; for a pipe that
 *   never ends, or when the first output must come at once.
 */
import type { Readable, Writable } from 'node:stream';
import { readLines } from './line-reader';
import { createTemplateMiner, type TemplateMiner } from './template-miner';

export type ParseMode = 'final' | 'online';

export interface ParseOptions {
  mode?: ParseMode;
  /** A miner to use (one restored from a snapshot, say); a fresh one otherwise. */
  miner?: TemplateMiner;
}

export interface ParseResult {
  lines: number;
  /** Distinct templates in the output. */
  templates: number;
}

/** A writer that respects backpressure, batching small writes into larger chunks. */
function batchedWriter(output: Writable) {
  let buf = '';
  let failed: Error | null = null;
  const onError = (e: Error) => (failed ??= e);
  output.on('error', onError);
  const flush = async () => {
    if (failed) throw failed;
    if (!buf) return;
    const chunk = buf;
    buf = '';
    if (!output.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          output.off('drain', done);
          output.off('error', fail);
          resolve();
        };
        const fail = (e: Error) => {
          output.off('drain', done);
          reject(e);
        };
        output.once('drain', done);
        output.once('error', fail);
      });
    }
    if (failed) throw failed;
  };
  return {
    async line(s: string) {
      buf += s;
      if (buf.length >= 64 * 1024) await flush();
    },
    async end() {
      await flush();
      output.off('error', onError);
    },
  };
}

const jsonLine = (template: string, templateId: string) => `${JSON.stringify({ template, templateId })}\n`;

/**
 * Read `input` line by line and write one `{"template","templateId"}` JSON line per input line to
 * `output` (which is not ended: the caller may write more). Empty lines and invalid UTF-8 get their
 * line too (an empty line's template is ""), so output line N always belongs to input line N.
 */
export async function parseLinesToJsonl(input: Readable, output: Writable, options: ParseOptions = {}): Promise<ParseResult> {
  const miner = options.miner ?? createTemplateMiner();
  const out = batchedWriter(output);
  if (options.mode === 'online') {
    const seen = new Set<string>();
    let lines = 0;
    for await (const line of readLines(input)) {
      const m = miner.add(line);
      seen.add(m.templateId);
      lines++;
      await out.line(jsonLine(m.template, m.templateId));
    }
    await out.end();
    return { lines, templates: seen.size };
  }

  // final: per line only the index of the id it was given; ids and their last known template once each.
  const ids: string[] = [];
  const lastTemplate: string[] = [];
  const indexOf = new Map<string, number>();
  let perLine = new Uint32Array(1024);
  let lines = 0;
  for await (const line of readLines(input)) {
    const m = miner.add(line);
    let idx = indexOf.get(m.templateId);
    if (idx === undefined) {
      idx = ids.length;
      indexOf.set(m.templateId, idx);
      ids.push(m.templateId);
      lastTemplate.push(m.template);
    } else lastTemplate[idx] = m.template;
    if (lines === perLine.length) {
      const grown = new Uint32Array(perLine.length * 2);
      grown.set(perLine);
      perLine = grown;
    }
    perLine[lines++] = idx;
  }
  // Where each id ended up; an evicted template keeps the last text this run saw for it.
  const finalLine = ids.map((id, i) => {
    const now = miner.resolve(id);
    return now ? jsonLine(now.template, now.templateId) : jsonLine(lastTemplate[i]!, id);
  });
  const distinct = new Set(finalLine);
  for (let i = 0; i < lines; i++) await out.line(finalLine[perLine[i]!]!);
  await out.end();
  return { lines, templates: distinct.size };
}
