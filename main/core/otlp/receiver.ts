/**
 * OTLP/HTTP receiver (OTLP specification, "OTLP/HTTP"): `POST /v1/traces` and `POST /v1/logs` on
 * 127.0.0.1, protobuf (`application/x-protobuf`) or JSON (`application/json`), optionally gzip.
 *
 * Answers, per the specification:
 * - 200 with an Export…ServiceResponse in the request's encoding. When some records were rejected
 *   (bad ids, no start time) the rest are kept and `partialSuccess` says how many were rejected and
 *   why; when values were cut by the attribute caps, `partialSuccess` carries the warning with 0
 *   rejected (the specification's way to warn on a fully accepted request).
 * - 400 with a google.rpc.Status when the body cannot be decoded, or when every record in it is
 *   rejected: nothing of such a request is stored (a request is stored whole or not at all, apart from
 *   the partial success above).
 * - 413 when the body (or what it inflates to) exceeds `maxBodyBytes`: the rest is not read.
 * - 415 for another content type or content encoding, 404 for another path, 405 for another method,
 *   421 for a Host that is not a loopback name on our port (DNS rebinding), 403 for a foreign Origin.
 * - 503 with Retry-After if the sink throws (it should not): OTLP clients retry those.
 * The process never crashes on input: every failure ends in one of these answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Registry } from 'prom-client';
import type { LogRecord, SpanRecord } from '../store/records';
import { DEFAULT_ATTRIBUTE_LIMITS, type AttributeLimits } from './attributes';
import { logsFromRequest, spansFromRequest, type Converted } from './convert';
import { BadPayload, decodeProtobuf, logsRequestFromJson, traceRequestFromJson } from './otlp-json';
import { counterIn } from './registered-metrics';
import { encodeRpcStatus, LogsRequest, LogsResponse, RPC_INVALID_ARGUMENT, TraceRequest, TraceResponse } from './proto';

const gunzip = promisify(zlib.gunzip);

export interface OtlpReceiverOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Cap on the body, compressed and inflated (default 8 MiB). */
  maxBodyBytes?: number;
  /** Where accepted records go: spans to the sampler, logs to the log pipeline or the store. */
  onSpans(batch: SpanRecord[]): void;
  onLogs(batch: LogRecord[]): void;
  nowUs(): number;
  limits?: Partial<AttributeLimits>;
  /** Counters `lookout_otlp_*` are registered here when given. */
  registry?: Registry;
  logger?: { warn(obj: object, msg: string): void };
}

export interface OtlpReceiver {
  /** Listen on 127.0.0.1; resolves with the bound port. */
  start(): Promise<number>;
  stop(): Promise<void>;
  /** The bound port, null before start. */
  readonly port: number | null;
}

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

type Signal = 'traces' | 'logs';
type Encoding = 'protobuf' | 'json';

interface Answer {
  status: number;
  body: Uint8Array | string;
  contentType: string;
  headers?: Record<string, string>;
}

class TooLarge extends Error {}

function statusAnswer(status: number, message: string, encoding: Encoding): Answer {
  return encoding === 'json'
    ? { status, contentType: 'application/json', body: JSON.stringify({ code: RPC_INVALID_ARGUMENT, message }) }
    : { status, contentType: 'application/x-protobuf', body: encodeRpcStatus(RPC_INVALID_ARGUMENT, message) };
}

function mediaType(header: string | undefined): Encoding | null {
  const t = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return t === 'application/x-protobuf' ? 'protobuf' : t === 'application/json' ? 'json' : null;
}

/** Read the body up to `max` bytes; past that, stop reading and fail. */
function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.pause();
        req.removeAllListeners('data');
        reject(new TooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('client aborted')));
  });
}

export function createOtlpReceiver(opts: OtlpReceiverOptions): OtlpReceiver {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const limits = { ...DEFAULT_ATTRIBUTE_LIMITS, ...opts.limits };
  const requests = counterIn(opts.registry, { name: 'lookout_otlp_requests_total', help: 'OTLP/HTTP requests by signal and HTTP status', labelNames: ['signal', 'code'] });
  const records = counterIn(opts.registry, { name: 'lookout_otlp_records_total', help: 'OTLP records (spans, log records) received, by signal and result (accepted, rejected)', labelNames: ['signal', 'result'] });
  const truncations = counterIn(opts.registry, { name: 'lookout_otlp_values_truncated_total', help: 'Attribute values cut by the receiver caps', labelNames: ['signal'] });
  let server: http.Server | null = null;
  let port: number | null = null;

  async function handle(req: http.IncomingMessage): Promise<Answer & { signal: string }> {
    const encoding = mediaType(req.headers['content-type']) ?? 'json';
    const host = req.headers.host?.toLowerCase();
    if (!host || !LOOPBACK_NAMES.some((n) => host === `${n}:${port}`)) {
      return { signal: 'none', ...statusAnswer(421, `Host "${host ?? ''}" is not a loopback address on port ${port}`, encoding) };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !LOOPBACK_NAMES.some((n) => origin.toLowerCase().startsWith(`http://${n}:`) || origin.toLowerCase() === `http://${n}`)) {
      return { signal: 'none', ...statusAnswer(403, `Origin "${origin}" may not post telemetry`, encoding) };
    }
    const pathname = (req.url ?? '/').split('?')[0];
    const signal: Signal | null = pathname === '/v1/traces' ? 'traces' : pathname === '/v1/logs' ? 'logs' : null;
    if (!signal) return { signal: 'none', ...statusAnswer(404, `no OTLP endpoint at ${pathname}; use /v1/traces or /v1/logs`, encoding) };
    if (req.method !== 'POST') return { signal, ...statusAnswer(405, `${req.method} is not allowed; OTLP/HTTP uses POST`, encoding), headers: { allow: 'POST' } };
    const type = mediaType(req.headers['content-type']);
    if (!type) return { signal, ...statusAnswer(415, `Content-Type "${req.headers['content-type'] ?? ''}" is not supported; use application/x-protobuf or application/json`, 'json') };
    const contentEncoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
    if (contentEncoding !== 'gzip' && contentEncoding !== 'identity') return { signal, ...statusAnswer(415, `Content-Encoding "${contentEncoding}" is not supported; use gzip or none`, type) };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBody) return { signal, ...statusAnswer(413, `body of ${declared} bytes exceeds the limit of ${maxBody} bytes`, type) };

    let body: Buffer;
    try {
      body = await readBody(req, maxBody);
      if (contentEncoding === 'gzip') body = await gunzip(body, { maxOutputLength: maxBody });
    } catch (err) {
      if (err instanceof TooLarge || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { signal, ...statusAnswer(413, `body exceeds the limit of ${maxBody} bytes`, type) };
      if (contentEncoding === 'gzip' && (err as NodeJS.ErrnoException).code?.startsWith('Z_')) return { signal, ...statusAnswer(400, `body is not valid gzip: ${(err as Error).message}`, type) };
      throw err;
    }

    let converted: Converted<SpanRecord | LogRecord>;
    try {
      converted = decodeAndConvert(signal, type, body);
    } catch (err) {
      if (err instanceof BadPayload) return { signal, ...statusAnswer(400, err.message, type) };
      // A stack overflow on absurd nesting, or anything else the decoder throws: still the client's input.
      return { signal, ...statusAnswer(400, `body could not be decoded: ${(err as Error).message}`, type) };
    }

    records.inc({ signal, result: 'rejected' }, converted.rejected);
    truncations.inc({ signal }, converted.truncated);
    if (converted.records.length === 0 && converted.rejected > 0) {
      return { signal, ...statusAnswer(400, `every record was rejected: ${converted.reasons.join('; ')}`, type) };
    }
    try {
      if (converted.records.length > 0) {
        if (signal === 'traces') opts.onSpans(converted.records as SpanRecord[]);
        else opts.onLogs(converted.records as LogRecord[]);
      }
    } catch (err) {
      opts.logger?.warn({ err, signal }, 'OTLP receiver: the sink refused a batch');
      return { signal, ...statusAnswer(503, 'Lookout could not take the batch; retry later', type), headers: { 'retry-after': '5' } };
    }
    records.inc({ signal, result: 'accepted' }, converted.records.length);
    return { signal, status: 200, ...successBody(signal, type, converted) };
  }

  function decodeAndConvert(signal: Signal, type: Encoding, body: Buffer): Converted<SpanRecord | LogRecord> {
    if (signal === 'traces') {
      if (type === 'json') {
        const { request, pre } = traceRequestFromJson(utf8(body));
        return spansFromRequest(request, limits, pre);
      }
      return spansFromRequest(decodeProtobuf(TraceRequest, body), limits);
    }
    if (type === 'json') {
      const { request, pre } = logsRequestFromJson(utf8(body));
      return logsFromRequest(request, limits, opts.nowUs(), pre);
    }
    return logsFromRequest(decodeProtobuf(LogsRequest, body), limits, opts.nowUs());
  }

  return {
    get port() {
      return port;
    },
    start() {
      return new Promise((resolve, reject) => {
        const srv = http.createServer((req, res) => {
          res.on('error', () => undefined);
          handle(req)
            .catch((err: unknown) => {
              opts.logger?.warn({ err }, 'OTLP receiver: request failed');
              return { signal: 'none', ...statusAnswer(400, `request could not be read: ${(err as Error).message}`, 'json') };
            })
            .then((a) => {
              requests.inc({ signal: a.signal, code: String(a.status) });
              const complete = req.readableEnded;
              const body = typeof a.body === 'string' ? Buffer.from(a.body) : Buffer.from(a.body.buffer, a.body.byteOffset, a.body.byteLength);
              // An answer before the body was read whole (413, 415, …) closes the connection: the rest is never read.
              res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': body.length, ...(complete ? {} : { connection: 'close' }), ...a.headers });
              res.end(body, () => {
                if (!complete) req.socket.destroy();
              });
            });
        });
        // Slow or stuck clients must not hold sockets forever.
        srv.requestTimeout = 30_000;
        srv.headersTimeout = 10_000;
        srv.on('clientError', (_err, socket) => {
          if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
          else socket.destroy();
        });
        srv.once('error', reject);
        srv.listen(opts.port, '127.0.0.1', () => {
          srv.off('error', reject);
          srv.on('error', (err) => opts.logger?.warn({ err }, 'OTLP receiver: server error'));
          server = srv;
          port = (srv.address() as AddressInfo).port;
          resolve(port);
        });
      });
    },
    stop() {
      const srv = server;
      server = null;
      port = null;
      if (!srv) return Promise.resolve();
      return new Promise((resolve) => {
        srv.close(() => resolve());
        srv.closeAllConnections();
      });
    },
  };
}

/** Bodies are UTF-8 by the specification; invalid sequences become U+FFFD rather than failing the request. */
function utf8(body: Buffer): string {
  return body.toString('utf8');
}

function successBody(signal: Signal, type: Encoding, c: Converted<unknown>): { body: Uint8Array | string; contentType: string } {
  const warnings: string[] = [...c.reasons];
  if (c.truncated > 0) warnings.push(`${c.truncated} attribute values were cut to the receiver's limits`);
  const partial =
    c.rejected > 0 || warnings.length > 0
      ? { partialSuccess: { [signal === 'traces' ? 'rejectedSpans' : 'rejectedLogRecords']: c.rejected, errorMessage: warnings.join('; ') } }
      : {};
  const Response = signal === 'traces' ? TraceResponse : LogsResponse;
  if (type === 'json') return { contentType: 'application/json', body: JSON.stringify(Response.toObject(Response.fromObject(partial), { longs: String })) };
  return { contentType: 'application/x-protobuf', body: Response.encode(Response.fromObject(partial)).finish() };
}
