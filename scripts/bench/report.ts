/**
 * The one writer of docs/benchmarks.md. Each bench section returns its markdown under its own `## `
 * heading; sections that did not run this time (BENCH_ONLY) keep what the file already says.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';

export interface BenchSection {
  /** The `## ` heading, which is also how the section is found again in the file. */
  title: string;
  /** The section's body (everything under the heading). */
  body: string;
}

export const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.min(s.length - 1, Math.ceil(q * s.length) - 1))]!;
};

export const met = (v: boolean) => (v ? 'met' : '**missed**');

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

/** Split an existing benchmarks file into its `## ` sections, in order. */
export function parseSections(text: string): BenchSection[] {
  const parts = text.split(/^## /m).slice(1);
  return parts.map((p) => {
    const nl = p.indexOf('\n');
    return { title: p.slice(0, nl).trim(), body: p.slice(nl + 1).trim() };
  });
}

/** Merge `fresh` sections into the file's existing ones (same title replaced in place, new ones appended) and write it. */
export async function writeBenchmarks(file: string, fresh: BenchSection[]): Promise<string> {
  const existing = parseSections(await readFile(file, 'utf8').catch(() => ''));
  const merged = existing.map((s) => fresh.find((f) => f.title === s.title) ?? s);
  for (const f of fresh) if (!merged.some((s) => s.title === f.title)) merged.push(f);
  const md = `# Benchmarks

Written by \`npm run bench\`; each section says when and on which machine it was measured.
Run one section alone with \`BENCH_ONLY=stack\` or \`BENCH_ONLY=metrics\`; the others keep their last figures.

${merged.map((s) => `## ${s.title}\n\n${s.body}\n`).join('\n')}`;
  await writeFile(file, md);
  return md;
}
