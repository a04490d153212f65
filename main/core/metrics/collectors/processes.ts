/**
 * The user's service processes: found by pid (demo), pid file, listening port or name; then CPU
 * seconds, resident memory, threads, open files, up, and the closest native IPC counters (Linux:
 * voluntary / involuntary context switches; macOS: Mach messages sent / received).
 *
 * Linux reads /proc/<pid> (fast). macOS runs `ps`, `top` and `lsof` for all watched pids at once
 * (slow). A process that cannot be found is `up 0` with no other series. Searching by port or name
 * walks every process, so it happens at most once per slow interval while the process is missing.
 * A found pid is kept until it dies: on Linux its /proc files are read through kept descriptors, which
 * fail once that process is gone even if its pid is reused; on macOS `ps` is asked about it each run.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { listeningSockets, parseLsof, socketInodesOf } from '../../adapters/port-probe';
import { unsupportedCollector, type Collector, type CollectContext, type Series } from '../collector';
import { parsePidStat, parsePidStatus, USER_HZ } from '../parsers/linux-proc';
import { parseLsofFdCounts, parsePs, parseTopStats, type TopProcess } from '../parsers/macos-process';
import type { ProcessTarget } from '../targets';

const PS = '/bin/ps';
const TOP = '/usr/bin/top';
const LSOF = '/usr/sbin/lsof';
const PGREP = '/usr/bin/pgrep';

export interface ProcessCollectorOptions {
  platform: NodeJS.Platform;
  targets: () => ProcessTarget[];
  /** How long a missing process is not searched for again (the slow interval). */
  searchEveryMs: number;
  /** Our own pid, never reported as a service. */
  selfPid?: number;
}

/** A pid file holds a bare pid, or JSON with a `pid` field (as Lookout's own pid files do). */
export function parsePidFile(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) || null;
  try {
    const pid = (JSON.parse(trimmed) as { pid?: unknown }).pid;
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Does this process look like `name`: its command name, its executable, or a script it runs (without extension)? */
export function matchesName(name: string, comm: string, argv: string[]): boolean {
  if (comm === name) return true;
  return argv.some((arg, i) => {
    if (i > 0 && arg.startsWith('-')) return false;
    const base = path.basename(arg);
    return base === name || base.replace(/\.[cm]?[jt]s$|\.py$/, '') === name;
  });
}

interface Found {
  pid: number;
  /** Linux: start time in ticks, to notice a reused pid. */
  starttime?: number;
}

interface Tracked {
  found: Found | null;
  searchedAt: number;
  /** For the live CPU ratio. */
  prevCpu?: { at: number; seconds: number };
}

// ---------- Linux ----------

async function linuxAlive(ctx: CollectContext, pid: number): Promise<Found | null> {
  try {
    const stat = parsePidStat(await ctx.readFile(`/proc/${pid}/stat`));
    return stat.state === 'Z' ? null : { pid, starttime: stat.starttime };
  } catch {
    return null;
  }
}

async function linuxListener(port: number): Promise<number | null> {
  const inodes = new Set((await listeningSockets()).filter((s) => s.port === port).map((s) => s.inode));
  if (!inodes.size) return null;
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const mine = await socketInodesOf(Number(entry));
    for (const inode of inodes) if (mine.has(inode)) return Number(entry);
  }
  return null;
}

async function linuxByName(ctx: CollectContext, name: string, selfPid: number): Promise<number | null> {
  let best: number | null = null;
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === selfPid || (best !== null && pid > best)) continue;
    try {
      const [comm, cmdline] = await Promise.all([ctx.readFile(`/proc/${pid}/comm`), ctx.readFile(`/proc/${pid}/cmdline`)]);
      if (matchesName(name, comm.trim(), cmdline.split('\0').filter(Boolean))) best = pid;
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return best;
}

async function linuxFind(ctx: CollectContext, t: ProcessTarget, selfPid: number): Promise<Found | null> {
  if (t.pid) return linuxAlive(ctx, t.pid);
  if (t.pidFile) {
    const pid = parsePidFile(await ctx.readFile(t.pidFile).catch(() => ''));
    if (pid) return linuxAlive(ctx, pid);
  }
  if (t.port) {
    const pid = await linuxListener(t.port);
    if (pid) return linuxAlive(ctx, pid);
  }
  if (t.name) {
    const pid = await linuxByName(ctx, t.name, selfPid);
    if (pid) return linuxAlive(ctx, pid);
  }
  return null;
}

interface ProcessFigures {
  cpuSeconds?: number;
  rssBytes?: number;
  threads?: number;
  openFds?: number;
  ctxVoluntary?: number;
  ctxInvoluntary?: number;
  machSent?: number;
  machReceived?: number;
}

async function linuxFigures(ctx: CollectContext, pid: number): Promise<ProcessFigures | null> {
  try {
    // Kept open: a pread each run, and reads fail once this process is gone, even if its pid is reused.
    const [statText, statusText] = await Promise.all([ctx.readFile(`/proc/${pid}/stat`, { keep: true }), ctx.readFile(`/proc/${pid}/status`, { keep: true })]);
    const stat = parsePidStat(statText);
    const status = parsePidStatus(statusText);
    // Another user's process: its fd directory is not readable, so the count is left out rather than guessed.
    const fds = await readdir(`/proc/${pid}/fd`).then((l) => l.length, () => undefined);
    return {
      cpuSeconds: (stat.utime + stat.stime) / USER_HZ,
      threads: stat.threads,
      ...(status.rssBytes !== undefined ? { rssBytes: status.rssBytes } : {}),
      ...(fds !== undefined ? { openFds: fds } : {}),
      ...(status.voluntaryCtxt !== undefined ? { ctxVoluntary: status.voluntaryCtxt } : {}),
      ...(status.involuntaryCtxt !== undefined ? { ctxInvoluntary: status.involuntaryCtxt } : {}),
    };
  } catch {
    return null; // gone between finding and reading
  }
}

// ---------- macOS ----------

async function macAlivePids(ctx: CollectContext, pids: number[]) {
  if (!pids.length) return new Map<number, { rssBytes: number; cpuSeconds: number }>();
  // ps exits 1 when one of the pids is gone; the others are still listed.
  return parsePs(await ctx.exec(PS, ['-o', 'pid=,rss=,time=', '-p', pids.join(',')], { allowNonZero: true }));
}

async function macFind(ctx: CollectContext, t: ProcessTarget, selfPid: number): Promise<number | null> {
  if (t.pid) return t.pid;
  if (t.pidFile) {
    const pid = parsePidFile(await ctx.readFile(t.pidFile).catch(() => ''));
    if (pid) return pid;
  }
  if (t.port) {
    const out = await ctx.exec(LSOF, ['-nP', `-iTCP:${t.port}`, '-sTCP:LISTEN', '-Fpc'], { allowNonZero: true }).catch(() => '');
    const { pid } = parseLsof(out);
    if (pid) return pid;
  }
  if (t.name) {
    for (const flag of ['-x', '-f']) {
      const out = await ctx.exec(PGREP, [flag, t.name], { allowNonZero: true }).catch(() => '');
      const pids = out.split('\n').map(Number).filter((p) => Number.isInteger(p) && p > 0 && p !== selfPid);
      if (pids.length) return Math.min(...pids);
    }
  }
  return null;
}

// ---------- shared ----------

function figuresToSeries(service: string, f: ProcessFigures): Series[] {
  const l = { service };
  const out: Series[] = [{ name: 'lookout_service_process_up', labels: l, value: 1 }];
  if (f.cpuSeconds !== undefined) out.push({ name: 'lookout_service_process_cpu_seconds_total', labels: l, value: f.cpuSeconds });
  if (f.rssBytes !== undefined) out.push({ name: 'lookout_service_process_resident_memory_bytes', labels: l, value: f.rssBytes });
  if (f.threads !== undefined) out.push({ name: 'lookout_service_process_threads', labels: l, value: f.threads });
  if (f.openFds !== undefined) out.push({ name: 'lookout_service_process_open_fds', labels: l, value: f.openFds });
  if (f.ctxVoluntary !== undefined) out.push({ name: 'lookout_service_process_context_switches_total', labels: { service, kind: 'voluntary' }, value: f.ctxVoluntary });
  if (f.ctxInvoluntary !== undefined) out.push({ name: 'lookout_service_process_context_switches_total', labels: { service, kind: 'involuntary' }, value: f.ctxInvoluntary });
  if (f.machSent !== undefined) out.push({ name: 'lookout_service_process_mach_messages_sent_total', labels: l, value: f.machSent });
  if (f.machReceived !== undefined) out.push({ name: 'lookout_service_process_mach_messages_received_total', labels: l, value: f.machReceived });
  return out;
}

export function createProcessCollector(opts: ProcessCollectorOptions): Collector {
  if (opts.platform !== 'linux' && opts.platform !== 'darwin') return unsupportedCollector('processes', 'fast', opts.platform);
  const selfPid = opts.selfPid ?? process.pid;
  const tracked = new Map<string, Tracked>();
  const linux = opts.platform === 'linux';

  /** Keep a found pid while it lives; search again (at most once per slow interval) when it is gone. */
  async function locate(ctx: CollectContext, t: ProcessTarget, alive: (f: Found) => Promise<boolean>): Promise<Tracked> {
    let state = tracked.get(t.service);
    if (!state) tracked.set(t.service, (state = { found: null, searchedAt: -Infinity }));
    if (state.found && !(await alive(state.found))) state.found = null;
    // A pid or pid file is cheap to look at every time; a port or name search walks every process.
    const cheap = t.pid !== undefined || (t.pidFile !== undefined && t.port === undefined && t.name === undefined);
    if (!state.found && (cheap || ctx.now() - state.searchedAt >= opts.searchEveryMs)) {
      state.searchedAt = ctx.now();
      if (linux) state.found = await linuxFind(ctx, t, selfPid);
      else {
        const pid = await macFind(ctx, t, selfPid);
        state.found = pid ? { pid } : null;
      }
      state.prevCpu = undefined;
    }
    return state;
  }

  function liveSample(sample: Record<string, number>, service: string, state: Tracked, f: ProcessFigures | null, now: number) {
    sample[`service.${service}.up`] = f ? 1 : 0;
    if (!f) return;
    if (f.rssBytes !== undefined) sample[`service.${service}.rss_bytes`] = f.rssBytes;
    if (f.cpuSeconds !== undefined) {
      const prev = state.prevCpu;
      if (prev && now > prev.at && f.cpuSeconds >= prev.seconds) sample[`service.${service}.cpu_ratio`] = ((f.cpuSeconds - prev.seconds) * 1000) / (now - prev.at);
      state.prevCpu = { at: now, seconds: f.cpuSeconds };
    }
  }

  return {
    id: 'processes',
    cadence: linux ? 'fast' : 'slow',
    async collect(ctx) {
      const targets = opts.targets();
      for (const service of tracked.keys()) if (!targets.some((t) => t.service === service)) tracked.delete(service);
      const series: Series[] = [];
      const sample: Record<string, number> = {};

      if (linux) {
        await Promise.all(
          targets.map(async (t) => {
            // Liveness is proven by reading the figures through the kept descriptors below.
            let state = await locate(ctx, t, async () => true);
            let figures = state.found ? await linuxFigures(ctx, state.found.pid) : null;
            if (state.found && !figures) {
              // Gone since the last run: forget it and look again at once (a restarted service is found in the same run).
              ctx.forget(`/proc/${state.found.pid}/`);
              state.found = null;
              state = await locate(ctx, t, async () => true);
              figures = state.found ? await linuxFigures(ctx, state.found.pid) : null;
              if (!figures && state.found) {
                ctx.forget(`/proc/${state.found.pid}/`);
                state.found = null;
              }
            }
            series.push(...(figures ? figuresToSeries(t.service, figures) : [{ name: 'lookout_service_process_up' as const, labels: { service: t.service }, value: 0 }]));
            liveSample(sample, t.service, state, figures, ctx.now());
          }),
        );
        return { series, sample };
      }

      // macOS: one ps for liveness and the basic figures, then top and lsof for the rest, all pids at once.
      const known = [...tracked.values()].flatMap((s) => (s.found ? [s.found.pid] : []));
      let ps = await macAlivePids(ctx, known);
      const states = new Map<string, Tracked>();
      for (const t of targets) states.set(t.service, await locate(ctx, t, async (f) => ps.has(f.pid)));
      const pids = [...new Set([...states.values()].flatMap((s) => (s.found ? [s.found.pid] : [])))];
      if (pids.some((p) => !ps.has(p))) ps = await macAlivePids(ctx, pids);
      const [top, fds] = pids.length
        ? await Promise.all([
            // top and lsof add figures; when either fails or prints garbage those figures are absent and ps's still count.
            ctx
              .exec(TOP, ['-l', '1', '-stats', 'pid,th,msgsent,msgrecv', ...pids.flatMap((p) => ['-pid', String(p)])])
              .then(parseTopStats)
              .catch(() => new Map<number, TopProcess>()),
            ctx
              .exec(LSOF, ['-n', '-P', '-w', '-p', pids.join(','), '-F', 'f'], { allowNonZero: true })
              .then(parseLsofFdCounts)
              .catch(() => new Map<number, number>()),
          ])
        : [new Map<number, TopProcess>(), new Map<number, number>()];
      for (const t of targets) {
        const state = states.get(t.service)!;
        const pid = state.found?.pid;
        const basic = pid !== undefined ? ps.get(pid) : undefined;
        if (pid === undefined || !basic) {
          state.found = null;
          series.push({ name: 'lookout_service_process_up', labels: { service: t.service }, value: 0 });
          liveSample(sample, t.service, state, null, ctx.now());
          continue;
        }
        const row = top.get(pid) ?? {};
        const figures: ProcessFigures = {
          cpuSeconds: basic.cpuSeconds,
          rssBytes: basic.rssBytes,
          ...(row.threads !== undefined ? { threads: row.threads } : {}),
          ...(row.machMessagesSent !== undefined ? { machSent: row.machMessagesSent } : {}),
          ...(row.machMessagesReceived !== undefined ? { machReceived: row.machMessagesReceived } : {}),
          ...(fds.has(pid) ? { openFds: fds.get(pid)! } : {}),
        };
        series.push(...figuresToSeries(t.service, figures));
        liveSample(sample, t.service, state, figures, ctx.now());
      }
      return { series, sample };
    },
  };
}
