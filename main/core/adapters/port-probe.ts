import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import type { CommandRunner, PortHolder, PortProbe } from '../ports';
import { createCommandRunner } from './command-runner';

/** A listening TCP socket from /proc/net/tcp{,6}. */
export interface ListeningSocket {
  /** Local address: dotted IPv4 or compressed IPv6 ("127.0.0.1", "::1", "::ffff:127.0.0.1"). */
  address: string;
  port: number;
  inode: number;
}

/** TCP_LISTEN in the kernel's tcp_states.h. */
const TCP_LISTEN = '0A';

/** The kernel prints each 32-bit word of an address in host byte order. */
function wordBytes(hex8: string): number[] {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex8.slice(i, i + 2), 16));
  return os.endianness() === 'LE' ? bytes.reverse() : bytes;
}

function formatIPv6(bytes: number[]): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  // IPv4-mapped (::ffff:a.b.c.d): what a dual-stack socket shows for an IPv4 peer.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${bytes.slice(12).join('.')}`;
  // RFC 5952: compress the longest run (≥2) of zero groups, the first when tied.
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { start: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.len).join(':')}`;
}

/** Decode "0100007F:1F90" (IPv4) or a 32-hex-digit IPv6 "address:port" from /proc/net/tcp{,6}. */
export function decodeProcAddress(field: string): { address: string; port: number } {
  const [hex = '', portHex = ''] = field.split(':');
  const port = parseInt(portHex, 16);
  if (hex.length === 8) return { address: wordBytes(hex).join('.'), port };
  if (hex.length === 32) return { address: formatIPv6([0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8)))), port };
  throw new Error(`not a /proc/net/tcp address: ${field}`);
}

/** Parse the text of /proc/net/tcp or /proc/net/tcp6, keeping LISTEN sockets only. */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== TCP_LISTEN) continue;
    const { address, port } = decodeProcAddress(cols[1]!);
    out.push({ address, port, inode: Number(cols[9]) });
  }
  return out;
}

/** Every listening TCP socket on this (Linux) machine, IPv4 and IPv6. */
export async function listeningSockets(): Promise<ListeningSocket[]> {
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((f) => fs.readFile(f, 'utf8').catch(() => '')));
  return tables.flatMap(parseProcNetTcp);
}

/** Inodes of the sockets a process has open (Linux; empty when the process is gone or not ours to read). */
export async function socketInodesOf(pid: number): Promise<Set<number>> {
  const dir = `/proc/${pid}/fd`;
  const inodes = new Set<number>();
  const fds = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    fds.map(async (fd) => {
      const link = await fs.readlink(`${dir}/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m) inodes.add(Number(m[1]));
    }),
  );
  return inodes;
}

/** Whether 127.0.0.1:port can be bound right now (the same bind our components will attempt). */
export function canBind(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function linuxHolder(port: number): Promise<PortHolder> {
  const inodes = new Set((await listeningSockets()).filter((s) => s.port === port).map((s) => s.inode));
  if (inodes.size) {
    const pids = (await fs.readdir('/proc').catch(() => [] as string[])).filter((n) => /^\d+$/.test(n)).map(Number);
    for (const pid of pids) {
      const mine = await socketInodesOf(pid);
      if ([...inodes].some((i) => mine.has(i))) {
        const command = (await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
        return { pid, command: command || null };
      }
    }
  }
  // Another user's process (its fds are not ours to read), or the socket went away meanwhile.
  return { pid: null, command: null };
}

/** Parse `lsof -F pc` output: lines "p<pid>" then "c<command>". */
export function parseLsof(output: string): PortHolder {
  let pid: number | null = null;
  let command: string | null = null;
  for (const line of output.split('\n')) {
    if (line.startsWith('p') && pid === null) pid = Number(line.slice(1)) || null;
    else if (line.startsWith('c') && pid !== null && command === null) command = line.slice(1) || null;
  }
  return { pid, command };
}

/**
 * The real PortProbe: a port is free when 127.0.0.1:<port> can be bound. When it is taken, the holder
 * comes from /proc on Linux and from lsof elsewhere (macOS), through the CommandRunner.
 */
export function createPortProbe(runner: CommandRunner = createCommandRunner(), platform: NodeJS.Platform = process.platform): PortProbe {
  return {
    async holder(port) {
      if (await canBind(port)) return null;
      if (platform === 'linux') return linuxHolder(port);
      const r = await runner.run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], { timeoutMs: 5_000 });
      return parseLsof(r.stdout);
    },
  };
}
