/**
 * The native collectors on this Linux machine, checked against the kernel's own accounting: every
 * exported counter must lie between two direct reads of the same /proc file taken around the
 * collector run (so the tolerance is zero beyond what the kernel itself moved meanwhile), statfs
 * figures must match coreutils' df, a CPU burn in a child process must show up, and IPC probes and
 * failing collectors are exercised with real sockets and real processes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import type { Collector } from '../../main/core/metrics/collector';
import { createNativeMetrics, type NativeMetrics } from '../../main/core/metrics/native-metrics';
import { CPU_MODES, parseDiskstats, parseMeminfo, parseNetDev, parsePidStat, parsePressure, parseProcStat, USER_HZ } from '../../main/core/metrics/parsers/linux-proc';
import { NDJSON_PING } from '../../main/core/metrics/targets';
import { settingsSchema, type SettingsInput } from '../../main/core/settings/schema';
import { samplesOf, valueOf } from '../support/exposition';
import { freePorts, waitFor } from '../support/stack-env';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const proc = (file: string) => readFile(file, 'utf8');

function inProcess(input: SettingsInput = {}, collectors?: (built: Collector[]) => Collector[]) {
  const settings = settingsSchema.parse(input);
  const registry = new Registry();
  const native = createNativeMetrics({ registry, settings: () => settings, runner: createCommandRunner(), platform: 'linux', ...(collectors ? { collectors } : {}) });
  return {
    native,
    async read(cadence?: 'fast' | 'slow') {
      await native.runOnce(cadence);
      return registry.metrics();
    },
  };
}

let tmp: string;
const children: ChildProcess[] = [];
const natives: NativeMetrics[] = [];
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookout-native-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const n of natives) n.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('native collectors against the kernel’s own accounting (Linux)', () => {
  it('CPU seconds per core and mode lie between two /proc/stat reads taken around the run (USER_HZ = 100)', async () => {
    const { native, read } = inProcess();
    natives.push(native);
    const before = parseProcStat(await proc('/proc/stat'));
    const body = await read('fast');
    const after = parseProcStat(await proc('/proc/stat'));
    expect(samplesOf(body, 'lookout_cpu_seconds_total')).toHaveLength(before.cpus.length * CPU_MODES.length);
    for (const [i, { cpu, times }] of before.cpus.entries()) {
      for (const mode of CPU_MODES) {
        const v = valueOf(body, 'lookout_cpu_seconds_total', { cpu, mode });
        expect(v, `cpu ${cpu} ${mode}`).toBeGreaterThanOrEqual(times[mode]! / USER_HZ - 1e-9);
        expect(v, `cpu ${cpu} ${mode}`).toBeLessThanOrEqual(after.cpus[i]!.times[mode]! / USER_HZ + 1e-9);
      }
    }
    expect(valueOf(body, 'lookout_cpu_cores', { kind: 'logical' })).toBe(os.cpus().length);
    // /proc/loadavg has two decimals; the kernel updates it every 5 s, so allow one update between the reads.
    const [l1] = (await proc('/proc/loadavg')).split(' ').map(Number);
    expect(Math.abs(valueOf(body, 'lookout_load_average', { window: '1m' })! - l1!)).toBeLessThan(0.5);
  });

  it('memory matches /proc/meminfo: total exactly; available, used and swap within 1 % of total of a read taken around the run', async () => {
    const { native, read } = inProcess();
    natives.push(native);
    const before = parseMeminfo(await proc('/proc/meminfo'));
    const body = await read('fast');
    const after = parseMeminfo(await proc('/proc/meminfo'));
    const total = before.get('MemTotal')!;
    const tolerance = total * 0.01;
    expect(valueOf(body, 'lookout_memory_total_bytes')).toBe(total);
    const near = (v: number | undefined, a: number, b: number) => Math.min(Math.abs(v! - a), Math.abs(v! - b));
    expect(near(valueOf(body, 'lookout_memory_available_bytes'), before.get('MemAvailable')!, after.get('MemAvailable')!)).toBeLessThanOrEqual(tolerance);
    expect(near(valueOf(body, 'lookout_memory_used_bytes'), total - before.get('MemAvailable')!, total - after.get('MemAvailable')!)).toBeLessThanOrEqual(tolerance);
    expect(valueOf(body, 'lookout_swap_total_bytes')).toBe(before.get('SwapTotal'));
    // PSI exists on this kernel: the ratio is some avg10 / 100.
    const psi = parsePressure(await proc('/proc/pressure/memory'));
    expect(Math.abs(valueOf(body, 'lookout_memory_pressure_ratio')! - psi.some.avg10 / 100)).toBeLessThanOrEqual(0.05);
    // Linux has no wired/compressed memory: absent, not 0.
    expect(valueOf(body, 'lookout_memory_wired_bytes')).toBeUndefined();
    expect(valueOf(body, 'lookout_memory_pressure_level')).toBeUndefined();
  });

  it('network bytes and packets per interface, and disk bytes per device, lie between two reads of /proc/net/dev and /proc/diskstats', async () => {
    const { native, read } = inProcess();
    natives.push(native);
    const [netBefore, diskBefore] = await Promise.all([proc('/proc/net/dev').then(parseNetDev), proc('/proc/diskstats').then(parseDiskstats)]);
    const body = await read('fast');
    const [netAfter, diskAfter] = await Promise.all([proc('/proc/net/dev').then(parseNetDev), proc('/proc/diskstats').then(parseDiskstats)]);
    const ifaces = samplesOf(body, 'lookout_network_receive_bytes_total').map((s) => s.labels.interface!);
    expect(ifaces).toContain('lo');
    for (const iface of ifaces) {
      const b = netBefore.find((x) => x.iface === iface)!;
      const a = netAfter.find((x) => x.iface === iface)!;
      for (const [metric, key] of [['receive_bytes', 'rxBytes'], ['transmit_bytes', 'txBytes'], ['receive_packets', 'rxPackets'], ['transmit_packets', 'txPackets']] as const) {
        const v = valueOf(body, `lookout_network_${metric}_total`, { interface: iface })!;
        expect(v, `${iface} ${metric}`).toBeGreaterThanOrEqual(b[key]);
        expect(v, `${iface} ${metric}`).toBeLessThanOrEqual(a[key]);
      }
    }
    const devices = samplesOf(body, 'lookout_disk_read_bytes_total').map((s) => s.labels.device!);
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.filter((d) => /^(loop|ram)\d|\d+p\d+$|^[shv]d[a-z]+\d+$/.test(d))).toEqual([]); // partitions and loop devices left out
    for (const device of devices) {
      const b = diskBefore.find((x) => x.device === device)!;
      const a = diskAfter.find((x) => x.device === device)!;
      expect(valueOf(body, 'lookout_disk_read_bytes_total', { device })).toBeGreaterThanOrEqual(b.readBytes);
      expect(valueOf(body, 'lookout_disk_read_bytes_total', { device })).toBeLessThanOrEqual(a.readBytes);
      expect(valueOf(body, 'lookout_disk_written_bytes_total', { device })).toBeGreaterThanOrEqual(b.writtenBytes);
      expect(valueOf(body, 'lookout_disk_written_bytes_total', { device })).toBeLessThanOrEqual(a.writtenBytes);
    }
  });

  it('filesystem size matches df exactly and space available within 256 MiB (other writers); pseudo filesystems are absent', async () => {
    const { native, read } = inProcess();
    natives.push(native);
    const body = await read('fast');
    const mounts = samplesOf(body, 'lookout_filesystem_size_bytes');
    expect(mounts.map((m) => m.labels.mountpoint)).toContain('/');
    expect(mounts.filter((m) => ['proc', 'sysfs', 'tmpfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2'].includes(m.labels.fstype!))).toEqual([]);
    for (const m of mounts) {
      const df = spawnSync('df', ['-B1', '--output=size,avail', m.labels.mountpoint!], { encoding: 'utf8' });
      expect(df.status, df.stderr).toBe(0);
      const [size, avail] = df.stdout.trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
      expect(m.value).toBe(size);
      expect(Math.abs(valueOf(body, 'lookout_filesystem_avail_bytes', { mountpoint: m.labels.mountpoint! })! - avail!)).toBeLessThanOrEqual(256 * 2 ** 20);
    }
  });

  it('a CPU burn in a child process shows up: its CPU seconds rise by 60–110 % of the wall time, and the machine’s non-idle seconds by at least as much', async () => {
    const pidFile = path.join(tmp, 'burner.pid');
    const burner = spawn(process.execPath, ['-e', 'const end = Date.now() + 6000; while (Date.now() < end) {}'], { stdio: 'ignore' });
    children.push(burner);
    await writeFile(pidFile, `${burner.pid}\n`);
    const { native, read } = inProcess({ services: [{ name: 'burner', url: 'http://127.0.0.1:9', process: { pidFile } }] });
    natives.push(native);
    await sleep(300);
    const t0 = performance.now();
    const b0 = await read('fast');
    await sleep(2000);
    const b1 = await read('fast');
    const wall = (performance.now() - t0) / 1000;
    const kernel = parsePidStat(await proc(`/proc/${burner.pid}/stat`));

    const cpu0 = valueOf(b0, 'lookout_service_process_cpu_seconds_total', { service: 'burner' })!;
    const cpu1 = valueOf(b1, 'lookout_service_process_cpu_seconds_total', { service: 'burner' })!;
    const burned = cpu1 - cpu0;
    console.log(`burn: ${burned.toFixed(2)} s of CPU in ${wall.toFixed(2)} s of wall time`);
    expect(burned).toBeGreaterThan(0.6 * wall); // a busy loop gets most of a core even on a loaded 2-core machine
    expect(burned).toBeLessThan(1.1 * wall); // and never more than one
    // The exported figure is the kernel's: /proc/<pid>/stat read just after agrees within 0.1 s.
    expect(Math.abs((kernel.utime + kernel.stime) / USER_HZ - cpu1)).toBeLessThan(0.1);
    expect(valueOf(b1, 'lookout_service_process_up', { service: 'burner' })).toBe(1);
    expect(valueOf(b1, 'lookout_service_process_threads', { service: 'burner' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(b1, 'lookout_service_process_context_switches_total', { service: 'burner', kind: 'involuntary' })).toBeGreaterThanOrEqual(0);

    const nonIdle = (body: string) => samplesOf(body, 'lookout_cpu_seconds_total').filter((s) => s.labels.mode !== 'idle' && s.labels.mode !== 'iowait').reduce((n, s) => n + s.value, 0);
    expect(nonIdle(b1) - nonIdle(b0)).toBeGreaterThanOrEqual(burned * 0.95);
    const ratio = native.sample().values['service.burner.cpu_ratio']!;
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.1);

    burner.kill('SIGKILL');
    await new Promise((r) => burner.once('exit', r));
    const gone = await read('fast');
    expect(valueOf(gone, 'lookout_service_process_up', { service: 'burner' })).toBe(0);
    expect(valueOf(gone, 'lookout_service_process_cpu_seconds_total', { service: 'burner' })).toBeUndefined();
  });

  it('finds a service’s process by listening port and by name; its RSS and open files match /proc', async () => {
    const [port] = await freePorts(1);
    const script = path.join(tmp, 'lookout-it-svc.mjs');
    await writeFile(script, "import net from 'node:net';\nnet.createServer().listen(Number(process.argv[2]), '127.0.0.1');\n");
    const svc = spawn(process.execPath, [script, String(port)], { stdio: 'ignore' });
    children.push(svc);
    await waitFor('the test service to listen', () => new Promise<boolean>((resolve) => net.connect(port!, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); resolve(true); }).once('error', () => resolve(false))), 10_000);
    const { native, read } = inProcess({
      services: [
        { name: 'byport', url: 'http://127.0.0.1:9', process: { port: port! } },
        { name: 'byname', url: 'http://127.0.0.1:9', process: { name: 'lookout-it-svc' } },
        { name: 'nowhere', url: 'http://127.0.0.1:9', process: { name: 'no-such-process-anywhere' } },
      ],
    });
    natives.push(native);
    const body = await read('fast');
    expect(valueOf(body, 'lookout_service_process_up', { service: 'byport' })).toBe(1);
    expect(valueOf(body, 'lookout_service_process_up', { service: 'byname' })).toBe(1);
    expect(valueOf(body, 'lookout_service_process_up', { service: 'nowhere' })).toBe(0);
    expect(samplesOf(body, 'lookout_service_process_resident_memory_bytes').map((s) => s.labels.service)).not.toContain('nowhere');
    const status = await proc(`/proc/${svc.pid}/status`);
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024;
    for (const service of ['byport', 'byname']) {
      expect(Math.abs(valueOf(body, 'lookout_service_process_resident_memory_bytes', { service })! - rss)).toBeLessThan(8 * 2 ** 20);
      const fds = (await readdir(`/proc/${svc.pid}/fd`)).length;
      expect(Math.abs(valueOf(body, 'lookout_service_process_open_fds', { service })! - fds)).toBeLessThanOrEqual(2);
    }
    svc.kill('SIGKILL');
  });
});

describe('IPC probes against real endpoints', () => {
  it('unix (with a ping and its answer), TCP and HTTP succeed with a latency sample; dead, silent and failing endpoints are 0 with none', async () => {
    const sock = path.join(tmp, 'ipc.sock');
    const silentSock = path.join(tmp, 'silent.sock');
    const servers: Array<net.Server | http.Server> = [];
    const listen = <S extends net.Server | http.Server>(s: S, at: string | number) => new Promise<S>((resolve) => (typeof at === 'string' ? s.listen(at, () => resolve(s)) : s.listen(at, '127.0.0.1', () => resolve(s))));
    servers.push(await listen(net.createServer((c) => c.on('data', () => c.write('{"id":0,"result":"pong"}\n'))), sock));
    servers.push(await listen(net.createServer(() => {}), silentSock));
    const tcp = await listen(net.createServer((c) => c.end()), 0);
    const web = await listen(http.createServer((_q, r) => r.end('ok')), 0);
    const broken = await listen(http.createServer((_q, r) => ((r.statusCode = 503), r.end())), 0);
    servers.push(tcp, web, broken);
    const portOf = (s: net.Server | http.Server) => (s.address() as net.AddressInfo).port;
    const [deadPort] = await freePorts(1);
    try {
      const { native, read } = inProcess({
        services: [
          {
            name: 'svc',
            url: 'http://127.0.0.1:9',
            ipc: [
              { name: 'sock', socketPath: sock, send: NDJSON_PING },
              { name: 'silent', socketPath: silentSock, send: NDJSON_PING },
              { name: 'gone', socketPath: path.join(tmp, 'nobody-here.sock') },
              { name: 'tcp', address: `127.0.0.1:${portOf(tcp)}` },
              { name: 'closed', address: `127.0.0.1:${deadPort}` },
              { name: 'web', url: `http://127.0.0.1:${portOf(web)}/healthz` },
              { name: 'broken', url: `http://127.0.0.1:${portOf(broken)}/` },
            ],
          },
        ],
      });
      natives.push(native);
      const body = await read('fast');
      const success = (target: string) => valueOf(body, 'lookout_ipc_probe_success', { target: `svc/${target}` });
      const count = (target: string) => valueOf(body, 'lookout_ipc_probe_duration_seconds_count', { target: `svc/${target}` });
      for (const ok of ['sock', 'tcp', 'web']) {
        expect(success(ok), ok).toBe(1);
        expect(count(ok), ok).toBe(1);
      }
      for (const bad of ['silent', 'gone', 'closed', 'broken']) {
        expect(success(bad), bad).toBe(0);
        expect(count(bad), bad).toBeUndefined();
      }
      expect(valueOf(body, 'lookout_ipc_probe_success', { target: 'svc/sock', transport: 'unix' })).toBe(1);
      expect(valueOf(body, 'lookout_ipc_probe_success', { target: 'svc/web', transport: 'http' })).toBe(1);
      const values = native.sample().values;
      expect(values['ipc.svc/sock.latency_seconds']).toBeGreaterThan(0);
      expect(values['ipc.svc/sock.latency_seconds']).toBeLessThan(0.5);
      expect(values['ipc.svc/silent.latency_seconds']).toBeUndefined();
      expect(values['ipc.svc/silent.success']).toBe(0);
    } finally {
      for (const s of servers) s.close();
    }
  });
});

describe('failing collectors, with real tools and processes', () => {
  it('a tool that hangs is killed at the timeout: that collector is down saying so, the others keep going, no process is left', async () => {
    const hanging: Collector = { id: 'gpu', cadence: 'slow', collect: async (ctx) => ({ series: [], sample: { x: Number(await ctx.exec('/bin/sleep', ['37'])) } }) };
    const { native, read } = inProcess({ metrics: { timeoutSeconds: 0.5 } }, (built) => built.map((c) => (c.id === 'gpu' ? hanging : c)));
    natives.push(native);
    const started = performance.now();
    const body = await read();
    expect(performance.now() - started).toBeLessThan(3000);
    const st = Object.fromEntries(native.statuses().map((s) => [s.id, s]));
    expect(st.gpu).toMatchObject({ up: false, reason: expect.stringMatching(/^sleep timed out after \d+ ms$/) });
    for (const id of ['cpu', 'memory', 'disk', 'filesystem', 'network']) expect(st[id]?.up, id).toBe(true);
    expect(valueOf(body, 'lookout_collector_up', { collector: 'gpu' })).toBe(0);
    expect(valueOf(body, 'lookout_collector_up', { collector: 'cpu' })).toBe(1);
    await sleep(200);
    const left = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      if (cmd === '/bin/sleep\u000037\u0000') left.push(entry);
    }
    expect(left).toEqual([]);
  });

  it('this machine has no GPU: the gpu collector is down with the reason and there is no GPU series; the others are up', async () => {
    const { native, read } = inProcess();
    natives.push(native);
    const body = await read();
    const gpu = native.statuses().find((s) => s.id === 'gpu')!;
    expect(gpu).toMatchObject({ up: false, unavailable: true, reason: expect.stringContaining('no GPU readable') });
    expect(body).not.toMatch(/^lookout_gpu_/m);
    expect(native.statuses().filter((s) => s.id !== 'gpu').every((s) => s.up)).toBe(true);
  });

  it('the macOS collectors on Linux find their tools missing (real ENOENT) and say which; the rest still run', async () => {
    const settings = settingsSchema.parse({});
    const registry = new Registry();
    const native = createNativeMetrics({ registry, settings: () => settings, runner: createCommandRunner(), platform: 'darwin' });
    natives.push(native);
    await native.runOnce();
    const st = Object.fromEntries(native.statuses().map((s) => [s.id, s]));
    expect(st.gpu).toMatchObject({ up: false, reason: 'ioreg not found at /usr/sbin/ioreg' });
    expect(st.disk).toMatchObject({ up: false, reason: 'ioreg not found at /usr/sbin/ioreg' });
    expect(st.memory).toMatchObject({ up: false, reason: 'vm_stat not found at /usr/bin/vm_stat' });
    expect(st.lookout?.up).toBe(true);
    expect(st.ipc?.up).toBe(true);
    const body = await registry.metrics();
    expect(body).not.toMatch(/^lookout_memory_/m);
  });
});
