import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { systemClock } from '../../main/core/adapters/clock';
import type { LogFs } from '../../main/core/logs/fs-port';
import { createLogIngest } from '../../main/core/logs/ingest';
import { logsSettingsSchema } from '../../main/core/logs/settings-schema';
import { paths as pathsOf } from '../../main/core/paths';
import type { LogRecord } from '../../main/core/store/records';
import { startLokiStandIn, type LokiStandIn } from '../fakes/loki-stand-in';

/**
 * A full disk under the log pillar's own state (offsets file and ship queue). As root on Linux this is
 * a real 64 KiB tmpfs, filled up; elsewhere (a developer's Mac) the same test runs through an fs port
 * whose writes fail with ENOSPC while "full". Either way the assertions are the same.
 */
const TMPFS = process.platform === 'linux' && process.getuid?.() === 0 && !process.env.LOOKOUT_TEST_NO_TMPFS;
let home: string;
let stateDir: string;
let loki: LokiStandIn;
let full = false;
let stopIngest: (() => Promise<void>) | null = null;
beforeEach(async () => {
  home = await fsp.mkdtemp(path.join(os.tmpdir(), 'lookout-diskfull-'));
  stateDir = path.join(home, 'state');
  fs.mkdirSync(stateDir);
  if (TMPFS) execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', stateDir]);
  loki = await startLokiStandIn();
});
afterEach(async () => {
  await stopIngest?.();
  stopIngest = null;
  await loki.close();
  if (TMPFS) execFileSync('umount', [stateDir]);
  fs.rmSync(home, { recursive: true, force: true });
});

/** Fill the disk (tmpfs) or switch the injected port to ENOSPC. */
function fill(): void {
  full = true;
  if (!TMPFS) return;
  const filler = path.join(stateDir, 'filler');
  try {
    fs.writeFileSync(filler, Buffer.alloc(64 * 1024));
  } catch {
    // ENOSPC is what we want: the tmpfs is now full
  }
}
function free(): void {
  full = false;
  if (TMPFS) fs.rmSync(path.join(stateDir, 'filler'), { force: true });
}

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
const injected: LogFs = {
  ...fsp,
  open: (async (...args: Parameters<typeof fsp.open>) => {
    const h = await fsp.open(...args);
    const write = h.write.bind(h);
    const writeFile = h.writeFile.bind(h);
    return Object.assign(h, {
      write: (async (...a: unknown[]) => (full ? Promise.reject(enospc()) : (write as (...x: unknown[]) => Promise<unknown>)(...a))) as typeof h.write,
      writeFile: (async (...a: unknown[]) => (full ? Promise.reject(enospc()) : (writeFile as (...x: unknown[]) => Promise<unknown>)(...a))) as typeof h.writeFile,
    });
  }) as typeof fsp.open,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

it(`disk full under the offsets file and the ship queue (${TMPFS ? 'a real 64 KiB tmpfs' : 'injected ENOSPC: no tmpfs without root on Linux'}): clear errors, process alive, nothing else lost`, async () => {
  const p = pathsOf(home);
  fs.mkdirSync(p.logsDir, { recursive: true });
  const log = path.join(home, 'svc.log');
  const got: LogRecord[] = [];
  const ingest = createLogIngest({
    paths: p,
    stateDir,
    clock: systemClock,
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
    sink: { spans: () => undefined, logs: (b) => void got.push(...b) },
    fs: TMPFS ? undefined : injected,
    settings: { logs: logsSettingsSchema.parse({ follow: { pollInterval: '20ms' }, ship: [{ type: 'loki', url: loki.url }] }), services: [{ name: 'svc', logs: [log] }], demo: null, components: [] },
    tuning: { checkpointMs: 0, watch: false, shipper: { idleMs: 20, backoffBaseMs: 20, backoffMaxMs: 100 } },
  });
  await ingest.start();
  stopIngest = () => ingest.stop();
  const write = (from: number, n: number) => fs.appendFileSync(log, Array.from({ length: n }, (_, i) => `INFO line ${from + i} ${'d'.repeat(60)}\n`).join(''));
  write(0, 50);
  await until(() => ingest.status().ship[0]!.shipped === 50, 'the first 50 shipped');
  fill();
  write(50, 400); // more than the full disk can take
  await until(() => got.length === 450, 'the sink to get every line while the disk is full');
  await until(() => ingest.status().follow!.offsetsError !== null && ingest.status().ship[0]!.lastError !== null, 'both errors reported');
  const st = ingest.status();
  expect(st.follow!.offsetsError).toMatch(/^saving log offsets to .*offsets\.json failed: ENOSPC/);
  expect(st.ship[0]!.lastError).toMatch(/^(writing the shipping queue|saving the shipping queue's cursor) in .*failed: ENOSPC/);
  expect(st.ship[0]!.message).toMatch(/ENOSPC/);
  free();
  await until(() => ingest.status().ship[0]!.shipped === 450, 'every record shipped once there is room');
  await until(() => ingest.status().follow!.offsetsError === null, 'offsets saved again');
  expect(loki.lines().map((l) => Number(/line (\d+)/.exec(l)![1]))).toEqual([...Array(450).keys()]);
  expect(got.map((r) => r.message)).toEqual(Array.from({ length: 450 }, (_, i) => `line ${i} ${'d'.repeat(60)}`));
}, 60_000);
