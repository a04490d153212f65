import { execFile, spawn } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

describe('copying an SQLite database another process writes (Grafana\'s, in its default journal mode)', () => {
  it('every copy taken under a stream of commits is intact and a prefix of the writes', async () => {
    const db = path.join(dir, 'grafana.db');
    await run(SQLITE, [db, 'CREATE TABLE t (n INTEGER PRIMARY KEY, pad TEXT);']);
    // A real writer: 150 transactions of 200 rows each, one sqlite3 process per transaction (the gaps between
    // them are where a consistent copy can be taken, as between Grafana's writes).
    const tx = (i: number) => `BEGIN; INSERT INTO t SELECT value, hex(randomblob(64)) FROM generate_series(${i * 200 + 1}, ${i * 200 + 200}); COMMIT;`;
    await writeFile(path.join(dir, 'w.sh'), Array.from({ length: 150 }, (_, i) => `${SQLITE} ${db} '${tx(i)}'`).join('\n'));
    const writer = spawn('/bin/sh', [path.join(dir, 'w.sh')], { stdio: 'ignore' });
    const done = new Promise((r) => writer.once('exit', r));
    const counts: number[] = [];
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 60));
      const copy = path.join(dir, `copy-${i}.db`);
      await copySqliteConsistently(db, copy, 200, 5);
      expect((await run(SQLITE, [copy, 'PRAGMA integrity_check;'])).stdout.trim()).toBe('ok');
      const n = Number((await run(SQLITE, [copy, 'SELECT count(*) FROM t;'])).stdout.trim());
      // Whole transactions only: a multiple of 200, and the highest key equals the count (no holes).
      expect(n % 200).toBe(0);
      if (n) expect(Number((await run(SQLITE, [copy, 'SELECT max(n) FROM t;'])).stdout.trim())).toBe(n);
      counts.push(n);
    }
    await done;
    // Taken while the writer ran: not all the same, and not all the final count.
    expect(new Set(counts).size).toBeGreaterThan(1);
    console.log(`row counts of 8 copies taken during 150 commits: ${counts.join(', ')}`);
  });

  it('refuses a database in WAL mode', async () => {
    const db = path.join(dir, 'wal.db');
    await writeFile(db, '');
    await writeFile(`${db}-wal`, '');
    await expect(copySqliteConsistently(db, path.join(dir, 'x'))).rejects.toThrow(/WAL mode/);
  });
});
