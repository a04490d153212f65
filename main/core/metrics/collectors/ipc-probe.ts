/**
 * IPC probes: connect to each configured endpoint (Unix domain socket, loopback TCP or HTTP) and
 * time the round trip. Sockets time the connect, and with `send` the first bytes of the answer too
 * (the reference services' NDJSON ping), which proves the server answers rather than its kernel
 * merely accepting. HTTP times connect plus the answer's status line; any answer below 500 counts as success.
 * A failed probe sets success to 0 (a real observation) and adds no latency sample.
 */
import https from 'node:https';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Histogram } from 'prom-client';
import { PROBE_USER_AGENT } from '../../telemetry/http-service';
import type { Collector, Series } from '../collector';
import type { IpcTarget } from '../targets';

/** A probe never waits longer than this, whatever the collector's own budget. */
export const PROBE_TIMEOUT_MS = 2_000;

export type ProbeResult = { ok: true; seconds: number } | { ok: false; error: string };

function probeSocket(connect: () => net.Socket, send: string | undefined, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    const socket = connect();
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `no ${send ? 'answer' : 'connection'} within ${timeoutMs} ms` }), timeoutMs);
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: err.code ?? err.message }));
    socket.once('connect', () => {
      if (!send) return finish({ ok: true, seconds: (performance.now() - started) / 1000 });
      socket.once('data', () => finish({ ok: true, seconds: (performance.now() - started) / 1000 }));
      socket.once('end', () => finish({ ok: false, error: 'closed without answering' }));
      socket.write(send);
    });
  });
}

/**
 * HTTP over a fresh connection: connect, send a minimal GET, read the status line, hang up. It costs the
 * probing process a fraction of what node:http or fetch cost per request (a probe runs every two
 * seconds, in a process that is judged by its idle overhead), and it times what a new client sees:
 * connect plus the server's answer. HTTPS goes through node:https, which needs TLS anyway.
 */
function probeHttp(url: string, timeoutMs: number): Promise<ProbeResult> {
  const target = new URL(url);
  if (target.protocol === 'https:') return probeHttps(target, timeoutMs);
  const port = Number(target.port || 80);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const request = `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: ${PROBE_USER_AGENT}\r\nConnection: close\r\n\r\n`;
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    let head = '';
    const socket = net.createConnection({ host, port });
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.setNoDelay(true);
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: err.code ?? err.message }));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n')) return;
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (!m) return finish({ ok: false, error: 'not an HTTP answer' });
      const status = Number(m[1]);
      const seconds = (performance.now() - started) / 1000;
      finish(status < 500 ? { ok: true, seconds } : { ok: false, error: `HTTP ${status}` });
    });
    socket.once('end', () => finish({ ok: false, error: 'closed without answering' }));
  });
}

function probeHttps(target: URL, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = https.get(target, { agent: false, headers: { 'User-Agent': PROBE_USER_AGENT } }, (res) => {
      const seconds = (performance.now() - started) / 1000;
      res.destroy();
      const status = res.statusCode ?? 0;
      finish(status < 500 ? { ok: true, seconds } : { ok: false, error: `HTTP ${status}` });
    });
    const timer = setTimeout(() => {
      finish({ ok: false, error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: err.code ?? err.message }));
  });
}

/** Probe one endpoint. */
export function probe(target: IpcTarget, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  switch (target.transport) {
    case 'unix':
      return probeSocket(() => net.createConnection({ path: target.socketPath }), target.send, timeoutMs);
    case 'tcp':
      return probeSocket(() => net.createConnection({ host: target.host, port: target.port }), target.send, timeoutMs);
    case 'http':
      return probeHttp(target.url, timeoutMs);
  }
}

export interface IpcProbeOptions {
  targets: () => IpcTarget[];
  histogram: Histogram<'target' | 'transport'>;
}

/** The `ipc` collector (fast: a probe is one local connect). */
export function createIpcProbeCollector(opts: IpcProbeOptions): Collector {
  let known = new Map<string, IpcTarget['transport']>();
  return {
    id: 'ipc',
    cadence: 'fast',
    async collect() {
      const targets = opts.targets();
      // Histogram series of endpoints no longer configured are dropped, so removed targets do not linger.
      const current = new Map(targets.map((t) => [t.target, t.transport]));
      for (const [target, transport] of known) if (current.get(target) !== transport) opts.histogram.remove({ target, transport });
      known = current;
      const results = await Promise.all(targets.map(async (t) => ({ t, r: await probe(t) })));
      const series: Series[] = [];
      const sample: Record<string, number> = {};
      for (const { t, r } of results) {
        const labels = { target: t.target, transport: t.transport };
        series.push({ name: 'lookout_ipc_probe_success', labels, value: r.ok ? 1 : 0 });
        sample[`ipc.${t.target}.success`] = r.ok ? 1 : 0;
        if (r.ok) {
          opts.histogram.observe(labels, r.seconds);
          sample[`ipc.${t.target}.latency_seconds`] = r.seconds;
        }
      }
      return { series, sample };
    },
  };
}
