import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock';
import { RecordedCommandRunner } from '../../../test/fakes/recorded-command-runner';
import { CollectorError, type Collector, type Reading } from './collector';
import { registerNativeMetrics } from './exporter';
import { CollectorScheduler } from './scheduler';
import { createToolRunner } from './tool-runner';

const reading = (value: number): Reading => ({ series: [{ name: 'lookout_memory_total_bytes', value }], sample: { 'memory.total_bytes': value } });

function fixed(id: Collector['id'], value: number, cadence: Collector['cadence'] = 'fast'): Collector {
  return { id, cadence, collect: async () => reading(value) };
}

function scheduler(collectors: Collector[], runner = new RecordedCommandRunner({}), timeoutMs = 200) {
  const s = new CollectorScheduler({ collectors, tools: createToolRunner(runner), fastMs: 60_000, slowMs: 60_000, timeoutMs });
  const registry = new Registry();
  registerNativeMetrics(registry).setSource(s);
  return { s, registry, text: () => registry.metrics() };
}

describe('CollectorScheduler', () => {
  it('a collector that throws is down with its reason; the others keep their values', async () => {
    const { s, text } = scheduler([
      fixed('memory', 42),
      { id: 'gpu', cadence: 'fast', collect: async () => Promise.reject(new CollectorError('no GPU readable: nothing here', true)) },
    ]);
    await s.runAll();
    const byId = Object.fromEntries(s.statuses().map((x) => [x.id, x]));
    expect(byId.memory).toMatchObject({ up: true, reason: null });
    expect(byId.gpu).toMatchObject({ up: false, reason: 'no GPU readable: nothing here', unavailable: true, lastSuccessAt: null });
    const body = await text();
    expect(body).toContain('lookout_collector_up{collector="gpu"} 0');
    expect(body).toContain('lookout_collector_up{collector="memory"} 1');
    expect(body).toContain('lookout_memory_total_bytes 42');
  });

  it('a tool that is missing: down, reason names the tool, and no series of that collector (not zero)', async () => {
    const runner = new RecordedCommandRunner({ ioreg: { missing: true } });
    const { s, text } = scheduler(
      [
        { id: 'gpu', cadence: 'slow', collect: async (ctx) => ({ series: [{ name: 'lookout_gpu_memory_used_bytes', labels: { gpu: '0' }, value: Number(await ctx.exec('/usr/sbin/ioreg', [])) }] }) },
        fixed('memory', 7),
      ],
      runner,
    );
    await s.runAll();
    expect(s.statuses().find((x) => x.id === 'gpu')).toMatchObject({ up: false, reason: 'ioreg not found at /usr/sbin/ioreg', unavailable: true });
    const body = await text();
    expect(body).not.toMatch(/^lookout_gpu_memory_used_bytes/m);
    expect(body).toContain('lookout_memory_total_bytes 7');
  });

  it('a tool that hangs: the run times out, the collector is down, the tool was given the remaining budget', async () => {
    const runner = new RecordedCommandRunner({ top: { hang: true } });
    const { s } = scheduler([{ id: 'processes', cadence: 'slow', collect: async (ctx) => ({ series: [], sample: { x: (await ctx.exec('/usr/bin/top', [])).length } }) }, fixed('memory', 1)], runner, 150);
    const started = Date.now();
    await s.runAll();
    expect(Date.now() - started).toBeLessThan(1000);
    const st = s.statuses().find((x) => x.id === 'processes')!;
    expect(st.up).toBe(false);
    expect(st.reason).toMatch(/timed out after 1\d\d ms/);
    expect(runner.calls[0]!.timeoutMs).toBeLessThanOrEqual(150);
    expect(s.statuses().find((x) => x.id === 'memory')!.up).toBe(true);
  });

  it('garbage output: a parse error marks the collector down and its previous series disappear', async () => {
    let garbage = false;
    const { s, text } = scheduler([
      {
        id: 'memory',
        cadence: 'fast',
        collect: async () => {
          if (garbage) throw new CollectorError('could not parse vm_stat output: no "page size of N bytes" header');
          return reading(99);
        },
      },
    ]);
    await s.runAll();
    expect(await text()).toContain('lookout_memory_total_bytes 99');
    garbage = true;
    await s.runAll();
    expect(s.statuses()[0]).toMatchObject({ up: false, reason: expect.stringContaining('could not parse vm_stat') });
    expect(s.statuses()[0]!.lastSuccessAt).not.toBeNull();
    expect(await text()).not.toMatch(/^lookout_memory_total_bytes /m);
    expect(s.readings()).toEqual([]);
  });

  it('never overlaps runs of one collector: a tick while it is still running is skipped', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { s } = scheduler([
      {
        id: 'gpu',
        cadence: 'slow',
        collect: async () => {
          runs++;
          await gate;
          return reading(1);
        },
      },
    ], undefined, 60_000);
    const first = s.runAll();
    await s.runAll();
    await s.runAll();
    release();
    await first;
    expect(runs).toBe(1);
    await s.runAll();
    expect(runs).toBe(2);
  });

  it('a run that outlives its timeout still blocks the next one, and the reason says so', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let runs = 0;
    const { s } = scheduler([{ id: 'gpu', cadence: 'slow', collect: async () => (runs++, await gate, reading(1)) }], undefined, 50);
    await s.runAll();
    await new Promise((r) => setTimeout(r, 60));
    await s.runAll();
    expect(runs).toBe(1);
    expect(s.statuses()[0]!.reason).toMatch(/timed out after 50 ms; the run is still going/);
    release();
  });

  it('non-finite values are dropped, not exported as NaN', async () => {
    const { s, text } = scheduler([{ id: 'cpu', cadence: 'fast', collect: async () => ({ series: [{ name: 'lookout_load_average', labels: { window: '1m' }, value: NaN }, { name: 'lookout_load_average', labels: { window: '5m' }, value: 0.5 }], sample: { 'cpu.load1': NaN } }) }]);
    await s.runAll();
    const body = await text();
    expect(body).not.toContain('NaN');
    expect(body).toContain('lookout_load_average{window="5m"} 0.5');
    expect(s.readings()[0]!.reading.sample).toEqual({});
  });

  it('label-less metrics nobody measured print no sample at all (prom-client would print 0)', async () => {
    const { s, text } = scheduler([fixed('memory', 5)]);
    await s.runAll();
    const body = await text();
    expect(body).toContain('# TYPE lookout_memory_wired_bytes gauge');
    expect(body).not.toMatch(/^lookout_memory_wired_bytes /m);
    expect(body).not.toMatch(/^lookout_swap_used_bytes /m);
  });

  it('two collectors asking for the same tool at once share one run of it', async () => {
    const runner = new RecordedCommandRunner({ sysctl: { stdout: 'hw.memsize: 1\n' } });
    const tools = createToolRunner(runner);
    await Promise.all([tools('/usr/sbin/sysctl', ['hw.memsize'], 1000), tools('/usr/sbin/sysctl', ['hw.memsize'], 1000)]);
    expect(runner.count('sysctl')).toBe(1);
    await tools('/usr/sbin/sysctl', ['hw.memsize'], 1000);
    expect(runner.count('sysctl')).toBe(2);
  });

  it('a tool exiting non-zero is a failure naming it, unless the collector accepts that', async () => {
    const runner = new RecordedCommandRunner({ sysctl: { stdout: 'hw.logicalcpu: 8\n', code: 1, stderr: "sysctl: unknown oid 'hw.perflevel0.logicalcpu'" } });
    const tools = createToolRunner(runner);
    await expect(tools('/usr/sbin/sysctl', ['x'], 1000)).rejects.toThrow("sysctl exited with code 1: sysctl: unknown oid 'hw.perflevel0.logicalcpu'");
    await expect(tools('/usr/sbin/sysctl', ['x'], 1000, { allowNonZero: true })).resolves.toBe('hw.logicalcpu: 8\n');
  });

  it('runs each cadence on its interval and times a run out on the clock it is given, without real waiting', async () => {
    const clock = new FakeClock();
    const runs = { fast: 0, slow: 0 };
    let hang = false;
    const collectors: Collector[] = [
      { id: 'cpu', cadence: 'fast', collect: async () => (runs.fast++, hang ? new Promise<Reading>(() => {}) : reading(1)) },
      { id: 'disk', cadence: 'slow', collect: async () => (runs.slow++, reading(2)) },
    ];
    const s = new CollectorScheduler({ collectors, tools: createToolRunner(new RecordedCommandRunner({})), fastMs: 2_000, slowMs: 10_000, timeoutMs: 1_000, clock });
    s.start();
    await clock.advance(0);
    expect(runs).toEqual({ fast: 1, slow: 1 }); // the first run of everything, at start
    await clock.advance(10_000);
    expect(runs).toEqual({ fast: 6, slow: 2 }); // 5 fast ticks and 1 slow one in 10 s
    hang = true;
    await clock.advance(2_000);
    await clock.advance(1_000);
    expect(s.statuses().find((x) => x.id === 'cpu')).toMatchObject({ up: false, reason: 'timed out after 1000 ms' });
    s.stop();
    const before = { ...runs };
    await clock.advance(60_000);
    expect(runs).toEqual(before); // no timer survives stop()
  });
});
