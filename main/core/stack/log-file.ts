import { copyFile, open, stat, truncate } from 'node:fs/promises';

/**
 * Keep a component's log under a size cap. Components hold the file open in append mode (so it
 * survives Lookout restarts), which is why this copies and truncates rather than renaming:
 * a rename would leave the process writing to the rotated file forever.
 */
export async function capLogFile(file: string, maxBytes: number): Promise<void> {
  try {
    const { size } = await stat(file);
    if (size <= maxBytes) return;
    await copyFile(file, `${file}.1`);
    await truncate(file, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * What explains a crash, from the log of the last run only (Lookout marks each start with a `--- lookout:`
 * line): its error lines when it logged any, else its last lines. A program that refuses its flags prints
 * one error line and then pages of usage text, and the usage text explains nothing.
 */
export async function exitReasonLines(file: string, count = 5): Promise<string[]> {
  const lines = await lastLogLines(file, 200, { lastRunOnly: true });
  const errors = lines.filter((l) => /\berror\b|\bfatal\b|\bpanic\b|level=(error|fatal)|"level":"(error|fatal)"/i.test(l) && !/^\s{2,}/.test(l));
  return (errors.length ? errors : lines).slice(-count);
}

/** The last `count` non-empty lines of a log (reads at most the last 16 KiB). */
export async function lastLogLines(file: string, count: number, opts: { lastRunOnly?: boolean } = {}): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, 16 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    let lines = buffer.toString('utf8').split('\n').map((l) => l.trimEnd());
    if (opts.lastRunOnly) {
      const marker = lines.findLastIndex((l) => l.startsWith('--- lookout:'));
      if (marker >= 0) lines = lines.slice(marker + 1);
    }
    return lines.filter((l) => l.length > 0 && !l.startsWith('--- lookout:')).slice(-count);
  } catch {
    return [];
  } finally {
    await handle?.close();
  }
}
