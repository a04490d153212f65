import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';

/**
 * The store file could not be opened. `kind` tells what to do:
 * - `locked`: another process (a second Lookout) holds the file; never move it aside.
 * - `unreadable`: the file is not a DuckDB database, is damaged, or is of a newer DuckDB. Recovery:
 *   move it (and its .wal) aside with `moveStoreAside` and open again; Lookout starts a fresh store
 *   and loses nothing but the stored telemetry, which stays in the moved file for inspection.
 */
export class StoreOpenError extends Error {
  constructor(
    readonly file: string,
    readonly kind: 'locked' | 'unreadable',
    override readonly cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      kind === 'locked'
        ? `telemetry store ${file} is in use by another process: ${why}`
        : `telemetry store ${file} cannot be opened: ${why}. Move it aside (it is kept as ${file}.corrupt-<time>) and start again to begin a fresh store; nothing else is lost.`,
    );
    this.name = 'StoreOpenError';
  }
}

export function classifyOpenError(file: string, err: unknown): StoreOpenError {
  const msg = err instanceof Error ? err.message : String(err);
  return new StoreOpenError(file, /could not set lock|conflicting lock/i.test(msg) ? 'locked' : 'unreadable', err);
}

/** Rename the store file and its write-ahead log to `<file>.corrupt-<ISO time>`; returns the new name. */
export async function moveStoreAside(file: string, now: Date = new Date()): Promise<string> {
  const target = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  await rename(file, target);
  if (existsSync(`${file}.wal`)) await rename(`${file}.wal`, `${target}.wal`);
  return target;
}
