import { execFile, spawn } from 'node:child_process';
import { access, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copySqliteConsistently } from './sqlite-copy';

const run = promisify(execFile);
const SQLITE = '/usr/bin/sqlite3';
let dir: string;
beforeEach(async () => {
  await access(SQLITE).catch(() => {
    throw new Error(`${SQLITE} not found: install it (apt-get install sqlite3); it writes the database this test copies`);
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-sqlite-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Waits until the database holds more than `rows` rows' worth of commits: 200 rows per commit, and the
 * header's file change counter (bytes 24–27) counts commits, one for the CREATE TABLE. */
async function waitForCommitAfter(db: string, rows: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  const commits = async () => {
    const handle = await open(db, 'r');
    try {
      return (await handle.read(Buffer.alloc(4), 0, 4, 24)).buffer.readUInt32BE(0) - 1;
    } finally {
      await handle.close();
    }
  };
  while ((await commits()) <= rows / 200) {
    if (Date.now() > deadline) throw new Error(`the writer committed nothing past ${rows} rows in 15 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('copying an SQLite database another process writes (Grafana\'s, in its default journal mode)', () => {
  it('every copy taken under a stream of commits is intact and a prefix of the writes', async () => {
    const db = path.join(dir, 'grafana.db');
    await run(SQLITE, [db, 'CREATE TABLE t (n INTEGER PRIMARY KEY, pad TEXT);']);
    // A real writer: transactions of 200 rows each, one sqlite3 process per transaction, 20 ms apart (the
    // gaps are where a consistent copy can be taken, as between Grafana's writes; back to back, a loaded
    // machine left none), until told to stop or 3,000 transactions. It runs for as long as the copies take,
    // so a slow machine cannot let it finish before the first copy.
    const stop = path.join(dir, 'stop');
    await writeFile(path.join(dir, 'w.sh'), [
      'i=0',
      `while [ ! -e ${stop} ] && [ $i -lt 3000 ]; do`,
      `  ${SQLITE} ${db} "BEGIN; INSERT INTO t SELECT value, hex(randomblob(64)) FROM generate_series($((i*200+1)), $((i*200+200))); COMMIT;"`,
      '  i=$((i+1))',
      '  sleep 0.02',
      'done',
    ].join('\n'));
    const writer = spawn('/bin/sh', [path.join(dir, 'w.sh')], { stdio: 'ignore' });
    const done = new Promise((r) => writer.once('exit', r));
    const counts: number[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        // Each copy after at least one more commit (the header's change counter moved), so copies that
        // were all the same would mean a stale copy, not an idle writer.
        await waitForCommitAfter(db, counts.at(-1) ?? 0);
        const copy = path.join(dir, `copy-${i}.db`);
        await copySqliteConsistently(db, copy, 200, 5);
        expect((await run(SQLITE, [copy, 'PRAGMA integrity_check;'])).stdout.trim()).toBe('ok');
        const n = Number((await run(SQLITE, [copy, 'SELECT count(*) FROM t;'])).stdout.trim());
        // Whole transactions only: a multiple of 200, and the highest key equals the count (no holes).
        expect(n % 200).toBe(0);
        if (n) expect(Number((await run(SQLITE, [copy, 'SELECT max(n) FROM t;'])).stdout.trim())).toBe(n);
        counts.push(n);
      }
    } finally {
      await writeFile(stop, '');
      await done;
    }
    // Taken while the writer ran: each copy holds more whole transactions than the one before.
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThan(counts[i - 1]!);
    console.log(`row counts of 8 copies taken while a writer committed: ${counts.join(', ')}`);
  });

  it('refuses a database in WAL mode', async () => {
    const db = path.join(dir, 'wal.db');
    await writeFile(db, '');
    await writeFile(`${db}-wal`, '');
    await expect(copySqliteConsistently(db, path.join(dir, 'x'))).rejects.toThrow(/WAL mode/);
  });
});
