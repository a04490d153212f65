import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, settle, until } from '../../../test/fakes/fake-clock';
import { FakeSpawner } from '../../../test/fakes/fake-spawner';
import type { HealthProbe, PortHolder, PortProbe } from '../ports';
import { CATALOG } from './catalog';
import { ComponentSupervisor, type LaunchPlan, type PlanResult } from './supervisor';
import { backoffDelay, DEFAULT_TIMINGS } from './timings';

/** Health answers as `healthy` says; records the URLs asked. */
class FakeHealth implements HealthProbe {
  healthy = true;
  readonly posts: string[] = [];
  async check() {
    return this.healthy ? { ok: true, status: 200 } : { ok: false, error: 'no answer within 1500 ms' };
  }
  async post(url: string) {
    this.posts.push(url);
    return { ok: true, status: 200 };
  }
}

class FakePorts implements PortProbe {
  held: PortHolder | null = null;
  async holder() {
    return this.held;
  }
}

let dir: string;
let clock: FakeClock;
let spawner: FakeSpawner;
let health: FakeHealth;
let ports: FakePorts;
let planResult: () => PlanResult;
let changes: number;

function plan(): LaunchPlan {
  return {
    binary: '/opt/homebrew/bin/prometheus',
    version: '2.42.0',
    args: ['--config.file=/x/prometheus.yml', '--web.listen-address=127.0.0.1:9090'],
    port: 9090,
    baseUrl: 'http://127.0.0.1:9090',
    healthBaseUrl: 'http://127.0.0.1:9090',
    logFile: path.join(dir, 'prometheus.log'),
    pidFile: path.join(dir, 'prometheus.pid.json'),
  };
}

function supervisor(): ComponentSupervisor {
  return new ComponentSupervisor({
    spec: CATALOG.prometheus,
    clock,
    spawner,
    health,
    ports,
    logger: pino({ level: 'silent' }),
    plan: async () => planResult(),
    preflight: async () => null,
    onChange: () => changes++,
  });
}

/** Start and reach `running` (the first readiness poll answers). */
async function started(): Promise<ComponentSupervisor> {
  const sup = supervisor();
  await sup.start();
  await clock.advance(DEFAULT_TIMINGS.readyPollMs);
  await until(() => sup.currentState === 'running', 'running');
  return sup;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-sup-'));
  clock = new FakeClock();
  spawner = new FakeSpawner();
  health = new FakeHealth();
  ports = new FakePorts();
  planResult = plan;
  changes = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    const t = { backoffBaseMs: 1000, backoffMaxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelay(n, t))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});

describe('ComponentSupervisor', () => {
  it('goes stopped → starting → running and writes a pid file naming the process', async () => {
    const sup = supervisor();
    expect(sup.currentState).toBe('stopped');
    await sup.start();
    expect(sup.currentState).toBe('starting');
    expect(spawner.spawned).toHaveLength(1);
    expect(spawner.last.req?.args).toEqual(plan().args);
    await clock.advance(DEFAULT_TIMINGS.readyPollMs);
    await until(() => sup.currentState === 'running');
    const record = JSON.parse(await readFile(plan().pidFile, 'utf8'));
    expect(record).toMatchObject({ pid: spawner.last.pid, binary: plan().binary, args: plan().args });
    expect(sup.status(9090, '').pid).toBe(spawner.last.pid);
    expect(changes).toBeGreaterThan(0);
  });

  it('stays starting while not ready, then kills and respawns once the start timeout passes', async () => {
    health.healthy = false;
    const sup = supervisor();
    await sup.start();
    await clock.advance(DEFAULT_TIMINGS.startTimeoutMs - 1000);
    expect(sup.currentState).toBe('starting');
    expect(spawner.spawned).toHaveLength(1);
    await clock.advance(2000);
    await until(() => !spawner.spawned[0]!.alive, 'first process killed');
    expect(spawner.spawned[0]!.signals).toEqual(['SIGCONT', 'SIGTERM']);
    expect(sup.status(9090, '').lastError).toMatch(/not ready after 60 s/);
    await clock.advance(backoffDelay(1, DEFAULT_TIMINGS));
    await until(() => spawner.spawned.length === 2, 'respawn');
  });

  it('restarts unexpected exits with exponential backoff and ends a crash loop in failed with the last log lines', async () => {
    await writeFile(plan().logFile, 'ts=1 level=error msg="opening storage failed" err="permission denied"\n');
    const sup = await started();
    const respawnDelays: number[] = [];
    for (let crash = 1; crash <= DEFAULT_TIMINGS.maxRestarts; crash++) {
      const before = spawner.spawned.length;
      spawner.last.exit({ code: 1, signal: null });
      await until(() => sup.currentState === 'starting', `backoff after crash ${crash}`);
      const t0 = clock.now();
      // Step in 100 ms increments until the respawn happens, to measure the delay.
      while (spawner.spawned.length === before) await clock.advance(100);
      respawnDelays.push(clock.now() - t0);
    }
    expect(respawnDelays).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(sup.status(9090, '').restarts).toBe(5);

    spawner.last.exit({ code: 1, signal: null });
    await until(() => sup.currentState === 'failed', 'failed');
    const status = sup.status(9090, '');
    expect(status.lastError).toMatch(/exited unexpectedly \(exit code 1\); gave up after 5 restarts/);
    expect(status.lastError).toContain('opening storage failed');
    // No further spawns until the user acts, however long we wait.
    const count = spawner.spawned.length;
    await clock.advance(10 * 60_000);
    expect(spawner.spawned.length).toBe(count);
    // The user acts: start clears the crash loop.
    await sup.start();
    expect(spawner.spawned.length).toBe(count + 1);
    expect(sup.status(9090, '').restarts).toBe(0);
  });

  it('a crash starts the state over: since is the crash, not the first start (the watchdog counts readiness time from it)', async () => {
    const sup = await started();
    await clock.advance(72_000);
    const crashedAt = clock.now();
    spawner.last.exit({ code: null, signal: 'SIGKILL' });
    await until(() => sup.currentState === 'starting', 'respawning');
    expect(sup.status(9090, '').since).toBe(crashedAt);
    await clock.advance(backoffDelay(1, DEFAULT_TIMINGS) + DEFAULT_TIMINGS.readyPollMs);
    await until(() => sup.currentState === 'running', 'running again');
    expect(sup.status(9090, '').since).toBeGreaterThan(crashedAt);
  });

  it('resets the backoff after a stable period', async () => {
    const sup = await started();
    spawner.last.exit({ code: 2, signal: null });
    await clock.advance(1000);
    await until(() => spawner.spawned.length === 2);
    spawner.last.exit({ code: 2, signal: null });
    await until(() => sup.currentState === 'starting');
    await clock.advance(2000); // second failure: 2 s
    await until(() => spawner.spawned.length === 3);
    await clock.advance(DEFAULT_TIMINGS.readyPollMs);
    await until(() => sup.currentState === 'running');
    await clock.advance(DEFAULT_TIMINGS.stableAfterMs + DEFAULT_TIMINGS.healthIntervalMs * 2);
    spawner.last.exit({ code: 2, signal: null });
    await until(() => sup.currentState === 'starting');
    expect(sup.status(9090, '').detail).toBe('restart 1 in 1.0 s');
  });

  it('marks a process that stops answering unhealthy, recovers when it answers, restarts it when hung', async () => {
    const sup = await started();
    health.healthy = false;
    await clock.advance(DEFAULT_TIMINGS.healthIntervalMs);
    expect(sup.currentState).toBe('running'); // one miss is not enough
    await clock.advance(DEFAULT_TIMINGS.healthIntervalMs);
    await until(() => sup.currentState === 'unhealthy', 'unhealthy');
    health.healthy = true;
    await clock.advance(DEFAULT_TIMINGS.healthIntervalMs);
    await until(() => sup.currentState === 'running', 'recovered');
    expect(spawner.spawned).toHaveLength(1);

    health.healthy = false;
    await clock.advance(DEFAULT_TIMINGS.healthIntervalMs * 2);
    await until(() => sup.currentState === 'unhealthy');
    const hung = spawner.last;
    await clock.advance(DEFAULT_TIMINGS.hungAfterMs + DEFAULT_TIMINGS.healthIntervalMs);
    await until(() => !hung.alive, 'hung process killed');
    // SIGCONT first, so a stopped process can act on SIGTERM and shut down cleanly.
    expect(hung.signals).toEqual(['SIGCONT', 'SIGTERM']);
    health.healthy = true;
    await clock.advance(1000);
    await until(() => spawner.spawned.length === 2, 'respawned');
    await clock.advance(DEFAULT_TIMINGS.readyPollMs);
    await until(() => sup.currentState === 'running');
    expect(sup.status(9090, '').restarts).toBe(1);
  });

  it('stops with SIGTERM and records that no SIGKILL was needed', async () => {
    const sup = await started();
    const proc = spawner.last;
    await sup.stop();
    expect(sup.currentState).toBe('stopped');
    expect(proc.signals).toEqual(['SIGCONT', 'SIGTERM']);
    expect(sup.status(9090, '').lastExit).toMatchObject({ signal: 'SIGTERM', expected: true, forced: false });
    await expect(readFile(plan().pidFile)).rejects.toThrow(/ENOENT/);
  });

  it('sends SIGKILL only after the grace period when SIGTERM is ignored, and records it', async () => {
    spawner.behaviour = 'stubborn';
    const sup = await started();
    const proc = spawner.last;
    const stopping = sup.stop();
    await settle();
    expect(sup.currentState).toBe('stopping');
    await clock.advance(CATALOG.prometheus.stopGraceMs - 1);
    expect(proc.alive).toBe(true);
    await clock.advance(1);
    await stopping;
    expect(proc.signals).toEqual(['SIGCONT', 'SIGTERM', 'SIGKILL']);
    expect(sup.status(9090, '').lastExit).toMatchObject({ forced: true, expected: true });
    expect(sup.status(9090, '').detail).toMatch(/killed/);
  });

  it('reports a taken port with its holder and never spawns into it', async () => {
    ports.held = { pid: 777, command: 'python3' };
    const sup = supervisor();
    await sup.start();
    expect(sup.currentState).toBe('failed');
    expect(sup.status(9090, '').lastError).toBe('port 9090 is already in use by pid 777 (python3); stop it or change stack.components.prometheus.port');
    expect(sup.status(9090, '').fix).toBe('stop pid 777 (python3), or set stack.components.prometheus.port to a free port, then press Start');
    await clock.advance(5 * 60_000);
    expect(spawner.spawned).toHaveLength(0);
  });

  it('is not-installed when no binary is found, and says how to install it', async () => {
    planResult = () => ({ notInstalled: 'Prometheus not found', fix: 'install it: brew install prometheus' });
    const sup = supervisor();
    await sup.start();
    expect(sup.currentState).toBe('not-installed');
    expect(sup.status(9090, '')).toMatchObject({ lastError: 'Prometheus not found', fix: 'install it: brew install prometheus' });
    expect(spawner.spawned).toHaveLength(0);
  });

  it('cancels a pending respawn when the user stops during backoff', async () => {
    const sup = await started();
    spawner.last.exit({ code: null, signal: 'SIGKILL' });
    await until(() => sup.currentState === 'starting');
    await sup.stop();
    expect(sup.currentState).toBe('stopped');
    await clock.advance(60_000);
    expect(spawner.spawned).toHaveLength(1);
  });

  it('adopts a process left running by an earlier Lookout instead of starting a duplicate', async () => {
    const first = await started();
    const pid = spawner.last.pid;
    first.detach();
    const second = supervisor();
    expect(await second.adopt()).toBe(true);
    await clock.advance(0);
    await until(() => second.currentState === 'running');
    expect(spawner.spawned).toHaveLength(1);
    const status = second.status(9090, '');
    expect(status).toMatchObject({ pid, adopted: true });
    // Stopping the adopted process works like stopping our own child.
    await second.stop();
    expect(spawner.spawned[0]!.alive).toBe(false);
  });

  it('after detach, the old process ending is not its business: no respawn', async () => {
    const sup = await started();
    sup.detach();
    spawner.last.exit({ code: null, signal: 'SIGKILL' });
    await clock.advance(5 * 60_000);
    expect(spawner.spawned).toHaveLength(1);
  });

  it('does not adopt a pid whose command line is not the one we launched, and drops the stale pid file', async () => {
    await started();
    const proc = spawner.last;
    spawner.existing.set(proc.pid, { proc, argv: ['/usr/bin/python3', '-m', 'http.server'] });
    const second = supervisor();
    expect(await second.adopt()).toBe(false);
    await expect(readFile(plan().pidFile)).rejects.toThrow(/ENOENT/);
    expect(proc.signals).toEqual([]);
  });
});
