/**
 * IPC over a Unix domain socket: newline-delimited JSON, one request or response per line.
 *
 *   → {"id":1,"method":"search","params":{"query":"…"},"meta":{"traceparent":"00-…","x-request-id":"…"}}
 *   ← {"id":1,"result":{…}}            or   {"id":1,"error":{"message":"…","code":"…"}}
 *
 * `meta` carries the W3C trace context and the correlation id, so a log line written by the server
 * while it answers carries the caller's trace id. Every server answers {"method":"ping"} with "pong"
 * (what Lookout's IPC probe sends). Requests on one connection may be answered out of order.
 */
import { mkdir, chmod, unlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Telemetry } from './http-service';
import { currentRequestId, requestIdFrom, withRequestId } from './request-context';

/** One line may not exceed this; a peer sending more is cut off (protects the server's memory). */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface IpcRequest {
  id: number | string;
  method: string;
  params?: unknown;
  meta?: Record<string, string>;
}

export type IpcResponse = { id: number | string | null; result: unknown } | { id: number | string | null; error: { message: string; code: string } };

/** An error a handler throws to answer with this code (the message goes to the caller). */
export class IpcError extends Error {
  constructor(
    message: string,
    readonly code = 'error',
  ) {
    super(message);
  }
}

/** Splits a byte stream into lines; a line longer than the limit is an error (the connection is then dropped). */
export class LineSplitter {
  private buffered = '';
  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  /** The complete lines in `chunk` together with what came before it; a partial last line is kept. */
  push(chunk: string): string[] {
    this.buffered += chunk;
    const parts = this.buffered.split('\n');
    this.buffered = parts.pop() ?? '';
    if (Buffer.byteLength(this.buffered) > this.maxLineBytes) throw new Error(`IPC line longer than ${this.maxLineBytes} bytes`);
    return parts.filter((l) => l.trim() !== '');
  }
}

export type IpcHandler = (params: unknown) => Promise<unknown> | unknown;

export interface IpcServerOptions {
  socketPath: string;
  telemetry: Telemetry;
  handlers: Record<string, IpcHandler>;
  /** Runs before each handler inside its span (fault injection delays or hangs here). */
  before?: Array<(method: string) => Promise<void> | void>;
}

export interface IpcServer {
  socketPath: string;
  close(): Promise<void>;
}

function parseRequest(line: string): IpcRequest | { bad: string; id: IpcRequest['id'] | null } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { bad: 'not valid JSON', id: null };
  }
  if (!value || typeof value !== 'object') return { bad: 'not a JSON object', id: null };
  const v = value as Record<string, unknown>;
  const id = typeof v.id === 'number' || typeof v.id === 'string' ? v.id : null;
  if (id === null) return { bad: 'id must be a number or string', id: null };
  if (typeof v.method !== 'string') return { bad: 'method must be a string', id };
  const meta = v.meta && typeof v.meta === 'object' ? Object.fromEntries(Object.entries(v.meta).filter(([, x]) => typeof x === 'string')) as Record<string, string> : undefined;
  return { id, method: v.method, params: v.params, meta };
}

/** Remove a socket file left by a process that died, but never one a live server still answers on. */
async function clearStaleSocket(socketPath: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new Error(`${socketPath} is in use by another process`);
  await unlink(socketPath).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

/** Serve IPC requests on a Unix socket (mode 0600: only this user's processes can connect). */
export async function createIpcServer(opts: IpcServerOptions): Promise<IpcServer> {
  const { telemetry, socketPath } = opts;
  const { logger, tracing } = telemetry;
  await mkdir(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  await clearStaleSocket(socketPath);
  const sockets = new Set<net.Socket>();

  async function answer(req: IpcRequest): Promise<IpcResponse> {
    const meta = req.meta ?? {};
    const parent = tracing.extract(meta);
    const span = tracing.tracer.startSpan(`ipc ${req.method}`, { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'lookout-ndjson', 'rpc.method': req.method } }, parent);
    const requestId = requestIdFrom(meta['x-request-id']);
    const started = process.hrtime.bigint();
    return context.with(withRequestId(trace.setSpan(parent, span), requestId), async () => {
      let response: IpcResponse;
      try {
        for (const hook of opts.before ?? []) await hook(req.method);
        if (req.method === 'ping') response = { id: req.id, result: 'pong' };
        else {
          const handler = Object.hasOwn(opts.handlers, req.method) ? opts.handlers[req.method] : undefined;
          if (!handler) throw new IpcError(`unknown method ${req.method}`, 'unknown_method');
          response = { id: req.id, result: (await handler(req.params)) ?? null };
        }
      } catch (err) {
        const known = err instanceof IpcError;
        if (!known) logger.error({ err, method: req.method }, 'IPC handler failed');
        span.setStatus({ code: SpanStatusCode.ERROR });
        response = { id: req.id, error: { message: known ? err.message : 'internal error', code: known ? err.code : 'internal' } };
      }
      const line = { method: req.method, status: 'error' in response ? 'error' : 'ok', duration_ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10 };
      // Probes ping every few seconds; keep them out of the info log.
      if (req.method === 'ping') logger.debug(line, 'ipc request handled');
      else logger.info(line, 'ipc request handled');
      span.end();
      return response;
    });
  }

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setEncoding('utf8');
    const lines = new LineSplitter();
    const write = (res: IpcResponse) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(res)}\n`);
    };
    socket.on('data', (chunk: string) => {
      let got: string[];
      try {
        got = lines.push(chunk);
      } catch (err) {
        logger.warn({ error: (err as Error).message }, 'IPC peer sent an oversized line; closing its connection');
        socket.destroy();
        return;
      }
      for (const line of got) {
        const req = parseRequest(line);
        if ('bad' in req) write({ id: req.id, error: { message: `bad IPC request: ${req.bad}`, code: 'bad_request' } });
        else void answer(req).then(write);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o600);
  return {
    socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface IpcClientOptions {
  socketPath: string;
  /** Name of the service on the other end: the `peer` label. */
  peer: string;
  telemetry: Telemetry;
  /** Per call (default 5 s). */
  timeoutMs?: number;
  /** Runs inside the timed section before each request is sent (fault injection's IPC delay). */
  beforeSend?: () => Promise<void>;
}

export interface IpcClient {
  /** Send one request and wait for its answer; records ipc_requests_total / ipc_request_duration_seconds. */
  call<T = unknown>(method: string, params?: unknown): Promise<T>;
  close(): void;
}

/** A client keeping one connection open (reconnecting after a failure); calls on it are multiplexed by id. */
export function createIpcClient(opts: IpcClientOptions): IpcClient {
  const { telemetry, peer } = opts;
  let socket: net.Socket | null = null;
  let connecting: Promise<net.Socket> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve(r: IpcResponse): void; reject(e: Error): void }>();
  telemetry.metrics.declarePeer(peer);

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  function connect(): Promise<net.Socket> {
    if (socket && !socket.destroyed) return Promise.resolve(socket);
    connecting ??= new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(opts.socketPath);
      s.setEncoding('utf8');
      const lines = new LineSplitter();
      s.once('connect', () => {
        socket = s;
        connecting = null;
        resolve(s);
      });
      s.on('data', (chunk: string) => {
        let got: string[];
        try {
          got = lines.push(chunk);
        } catch (err) {
          s.destroy(err as Error);
          return;
        }
        for (const line of got) {
          let res: IpcResponse;
          try {
            res = JSON.parse(line) as IpcResponse;
          } catch {
            continue;
          }
          const waiter = typeof res.id === 'number' ? pending.get(res.id) : undefined;
          if (!waiter) continue;
          pending.delete(res.id as number);
          waiter.resolve(res);
        }
      });
      s.on('error', (err) => {
        if (connecting) {
          connecting = null;
          reject(err);
        }
      });
      s.on('close', () => {
        if (socket === s) socket = null;
        failAll(new Error(`connection to ${peer} closed`));
      });
    });
    return connecting;
  }

  return {
    async call<T>(method: string, params?: unknown): Promise<T> {
      const span = telemetry.tracing.tracer.startSpan(`ipc ${peer}.${method}`, { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'lookout-ndjson', 'rpc.method': method, 'server.address': peer } });
      const ctx = trace.setSpan(context.active(), span);
      const meta: Record<string, string> = {};
      telemetry.tracing.inject(meta, ctx);
      const requestId = currentRequestId();
      if (requestId) meta['x-request-id'] = requestId;
      const started = process.hrtime.bigint();
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
      const id = nextId++;
      let timer: NodeJS.Timeout | undefined;
      try {
        await opts.beforeSend?.();
        const s = await connect();
        const res = await new Promise<IpcResponse>((resolve, reject) => {
          const timeoutMs = opts.timeoutMs ?? 5_000;
          timer = setTimeout(() => {
            pending.delete(id);
            reject(new Error(`${peer} did not answer ${method} within ${timeoutMs} ms`));
          }, timeoutMs);
          pending.set(id, { resolve, reject });
          s.write(`${JSON.stringify({ id, method, params, meta } satisfies IpcRequest)}\n`);
        });
        if ('error' in res) throw new IpcError(`${peer} answered ${method} with an error: ${res.error.message}`, res.error.code);
        telemetry.metrics.observeIpc(peer, 'ok', elapsed(), span.spanContext().traceId);
        return res.result as T;
      } catch (err) {
        telemetry.metrics.observeIpc(peer, 'error', elapsed(), span.spanContext().traceId);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        clearTimeout(timer);
        span.end();
      }
    },
    close() {
      socket?.destroy();
      failAll(new Error(`IPC client for ${peer} closed`));
    },
  };
}
