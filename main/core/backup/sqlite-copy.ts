/**
 * A consistent copy of an SQLite database another process (Grafana) has open, without an SQLite
 * library: in rollback-journal mode (Grafana's default; `wal = false`) every committed write transaction
 * bumps the "file change counter" in the header (bytes 24–27) and a hot journal exists while it writes.
 * A copy taken while the counter stayed the same and no journal existed, before and after, saw no write.
 * A database in WAL mode (a -wal file beside it) cannot be copied this way and is refused.
 */
import { access, copyFile, open } from 'node:fs/promises';

const HEADER = 'SQLite format 3\0';

async function counter(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(100);
    await handle.read(buf, 0, 100, 0);
    if (buf.toString('latin1', 0, 16) !== HEADER) throw new Error(`${file} is not an SQLite 3 database`);
    return buf.readUInt32BE(24);
  } finally {
    await handle.close();
  }
}

const exists = (file: string) => access(file).then(() => true, () => false);

/** Copy `from` to `to`, retrying while writes get in the way. Throws after `attempts` tries. */
export async function copySqliteConsistently(from: string, to: string, attempts = 20, waitMs = 100): Promise<void> {
  if (await exists(`${from}-wal`)) throw new Error(`${from} is in WAL mode (${from}-wal exists); stop Grafana to back it up`);
  for (let i = 0; i < attempts; i++) {
    const before = await counter(from);
    if (!(await exists(`${from}-journal`))) {
      await copyFile(from, to);
      const [after, copied] = await Promise.all([counter(from), counter(to)]);
      if (after === before && copied === before && !(await exists(`${from}-journal`))) return;
    }
    await new Promise((r) => setTimeout(r, waitMs));
  }
  throw new Error(`${from} kept changing during ${attempts} copy attempts; try again when Grafana is idle`);
}
