/**
 * Parsers for macOS per-process tools: `top -l 1 -stats pid,th,msgsent,msgrecv` (threads and Mach
 * messages), `ps -o pid=,rss=,time=` (resident memory and CPU time) and `lsof -F f` (open files).
 */
import { parseError } from '../collector';

export interface TopProcess {
  threads?: number;
  machMessagesSent?: number;
  machMessagesReceived?: number;
}

/** A top count: digits, possibly followed by top's change marker (+, -, *). Abbreviated values (12K) are not exact, so they are not read. */
function topCount(cell: string | undefined): number | undefined {
  const m = /^(\d+)(?:\/\d+)?[+\-*]?$/.exec(cell ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Rows of `top -l 1 … -stats pid,th,msgsent,msgrecv`, keyed by pid. Columns are found by their header
 * (PID, #TH, MSGSENT, MSGRECV), so their order does not matter; the summary lines above the header
 * are skipped. No header at all means the output is not what top prints.
 */
export function parseTopStats(text: string): Map<number, TopProcess> {
  const lines = text.split('\n');
  const headerAt = lines.findIndex((l) => /^\s*PID\s/.test(l));
  if (headerAt < 0) throw parseError('top output', 'no PID header line');
  const header = lines[headerAt]!.trim().split(/\s+/);
  const col = (name: string) => header.indexOf(name);
  const [pidCol, thCol, sentCol, recvCol] = [col('PID'), col('#TH'), col('MSGSENT'), col('MSGRECV')];
  const out = new Map<number, TopProcess>();
  for (const line of lines.slice(headerAt + 1)) {
    const cells = line.trim().split(/\s+/);
    const pid = Number(cells[pidCol]);
    if (!line.trim() || !Number.isInteger(pid) || pid <= 0) continue;
    const row: TopProcess = {};
    const threads = thCol >= 0 ? topCount(cells[thCol]) : undefined;
    const sent = sentCol >= 0 ? topCount(cells[sentCol]) : undefined;
    const received = recvCol >= 0 ? topCount(cells[recvCol]) : undefined;
    if (threads !== undefined) row.threads = threads;
    if (sent !== undefined) row.machMessagesSent = sent;
    if (received !== undefined) row.machMessagesReceived = received;
    out.set(pid, row);
  }
  return out;
}

/** BSD ps CPU time: `[dd-][hh:]mm:ss[.cc]` (macOS prints minutes past 59 rather than hours). */
export function parseCpuTime(text: string): number | undefined {
  const m = /^(?:(\d+)-)?((?:\d+:)*\d+(?:[.,]\d+)?)$/.exec(text.trim());
  if (!m) return undefined;
  const parts = m[2]!.split(':').map((p) => Number(p.replace(',', '.')));
  if (parts.some((p) => !Number.isFinite(p))) return undefined;
  return parts.reduce((acc, p) => acc * 60 + p, 0) + Number(m[1] ?? 0) * 86_400;
}

export interface PsProcess {
  rssBytes: number;
  cpuSeconds: number;
}

/** `ps -o pid=,rss=,time= -p …`: rss in KiB. A pid that is gone is simply not listed. */
export function parsePs(text: string): Map<number, PsProcess> {
  const out = new Map<number, PsProcess>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [pid, rss, time] = line.trim().split(/\s+/);
    const cpuSeconds = parseCpuTime(time ?? '');
    if (!/^\d+$/.test(pid ?? '') || !/^\d+$/.test(rss ?? '') || cpuSeconds === undefined) throw parseError('ps output', `"${line.trim().slice(0, 60)}"`);
    out.set(Number(pid), { rssBytes: Number(rss) * 1024, cpuSeconds });
  }
  return out;
}

/** `lsof -n -P -w -p <pids> -F f`: numbered descriptors per pid (cwd, txt, mem mappings are not descriptors). */
export function parseLsofFdCounts(text: string): Map<number, number> {
  const out = new Map<number, number>();
  let pid: number | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('p')) {
      pid = Number(line.slice(1));
      if (!Number.isInteger(pid)) pid = null;
      else if (!out.has(pid)) out.set(pid, 0);
    } else if (pid !== null && /^f\d+$/.test(line)) out.set(pid, (out.get(pid) ?? 0) + 1);
  }
  return out;
}
