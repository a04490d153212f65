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

/** The last `count` non-empty lines of a log (reads at most the last 16 KiB). */
export async function lastLogLines(file: string, count: number): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, 16 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer
      .toString('utf8')
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l.length > 0 && !l.startsWith('--- lookout:'))
      .slice(-count);
  } catch {
    return [];
  } finally {
    await handle?.close();
  }
}
