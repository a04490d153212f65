import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER, requestIdFrom, withRequestId } from './request-context';
import { createRouteTable, type RouteSpec } from '../../../common/route-table';
import { CLIENT_CLOSED_STATUS, methodLabel, type ServiceMetrics } from './service-metrics';
import { UNRECORDED_ATTRIBUTE, type Tracing } from './tracing';

/** The User-Agent of Lookout's own IPC probes: their requests are quiet, like scrapes. */
export const PROBE_USER_AGENT = 'lookout-ipc-probe';

/** What a service instrumented with the kit carries around: its name, log, metrics and tracer. */
export interface Telemetry {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  tracing: Tracing;
}

/** An error that becomes an HTTP answer: `{ "error": { "message", "code" } }` with this status. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'error',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Everything a handler needs about one request. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** The matched template (`/items/{id}`), or `unmatched`. */
  route: string;
  params: Record<string, string>;
  url: URL;
  /** Correlation id: the caller's X-Request-Id, or a new one; also sent back in the response. */
  requestId: string;
  span: Span;
  log: Logger;
  /** The body parsed as JSON; 400 when it is not JSON, 413 when it is larger than the limit. */
  json<T = unknown>(): Promise<T>;
  text(): Promise<string>;
}

/** A handler's answer; a handler that writes to `res` itself returns nothing. */
export type Reply = { status?: number; json?: unknown; body?: string | Buffer; contentType?: string; headers?: Record<string, string> } | void;
export type Handler = (ctx: RequestContext) => Promise<Reply> | Reply;
/** Runs before the handler (after routing), inside the request's span: fault injection, auth, … Throw to answer early. */
export type BeforeHook = (ctx: RequestContext) => Promise<void> | void;

/** Shorthand for a route entry. */
export const route = (method: string, template: string, handler: Handler): RouteSpec<Handler> => ({ method, template, handler });

export interface HttpServiceOptions {
  telemetry: Telemetry;
  routes: Array<RouteSpec<Handler>>;
  before?: BeforeHook[];
  /** Where the metrics are served (default /metrics); null to serve them elsewhere. */
  metricsPath?: string | null;
  /**
   * Routes whose requests are logged at debug rather than info and leave no span (default: the metrics
   * path), so scrapes do not flood the log and the traces. Lookout's own probes (PROBE_USER_AGENT) are
   * quiet on every route.
   */
  quietRoutes?: string[];
  maxBodyBytes?: number;
}

export interface HttpService {
  server: Server;
  /** Listen on 127.0.0.1 (the kit never listens elsewhere); port 0 picks a free one. */
  listen(port?: number): Promise<{ url: string; port: number }>;
  /** Stop listening and end every connection, including requests a fault left hanging. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `request body is larger than ${limit} bytes`, 'too_large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body is larger than ${limit} bytes`, 'too_large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, reply: Exclude<Reply, void>): void {
  const status = reply.status ?? 200;
  const headers: Record<string, string> = { ...reply.headers };
  let body: string | Buffer | undefined;
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers['Content-Type'] = reply.contentType ?? 'application/json; charset=utf-8';
  } else if (reply.body !== undefined) {
    body = reply.body;
    headers['Content-Type'] = reply.contentType ?? 'text/plain; charset=utf-8';
  }
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * A small node:http server with the kit's instrumentation on every request: route-template metrics,
 * an in-flight gauge, a SERVER span continuing the caller's `traceparent`, the correlation id in the
 * response and on every log line, and one "request completed" line per request.
 */
export function createHttpService(opts: HttpServiceOptions): HttpService {
  const { telemetry } = opts;
  const { logger, metrics, tracing } = telemetry;
  const metricsPath = opts.metricsPath === undefined ? '/metrics' : opts.metricsPath;
  const specs = [...opts.routes];
  if (metricsPath) {
    specs.push(route('GET', metricsPath, async (ctx) => {
      const { contentType, body } = await metrics.render(ctx.req.headers.accept);
      return { body, contentType };
    }));
  }
  const table = createRouteTable(specs);
  const quiet = new Set(opts.quietRoutes ?? (metricsPath ? [metricsPath] : []));
  const before = opts.before ?? [];
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader('X-Request-Id', requestId);
    const method = methodLabel(req.method);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://service.invalid');
    } catch {
      url = new URL('http://service.invalid/');
    }
    const match = table.match(req.method ?? 'GET', url.pathname);
    const routeLabel = match.route;
    // Counted in the metrics like any request, but not the service's work to read about in its log and traces.
    const isQuiet = quiet.has(routeLabel) || req.headers['user-agent'] === PROBE_USER_AGENT;
    const parent = tracing.extract(req.headers);
    const span = tracing.tracer.startSpan(
      `${method} ${routeLabel}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': routeLabel, 'url.path': url.pathname, ...(isQuiet ? { [UNRECORDED_ATTRIBUTE]: true } : {}) } },
      parent,
    );
    const ctx = withRequestId(trace.setSpan(parent, span), requestId);
    const { traceId, spanId } = span.spanContext();

    metrics.httpInFlight.inc();
    let finished = false;
    const finish = (status: number) => {
      if (finished) return;
      finished = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpInFlight.dec();
      metrics.observeHttp({ method, route: routeLabel, status }, seconds, traceId);
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      const line = { request_id: requestId, trace_id: traceId, span_id: spanId, method, route: routeLabel, path: url.pathname, status, duration_ms: Math.round(seconds * 1e4) / 10 };
      // A 5xx is the service failing: its line is an error, so the error trace always has its error line.
      if (status >= 500) logger.error(line, 'request completed');
      else if (isQuiet) logger.debug(line, 'request completed');
      else logger.info(line, 'request completed');
    };
    res.on('finish', () => finish(res.statusCode));
    res.on('close', () => finish(res.writableFinished ? res.statusCode : CLIENT_CLOSED_STATUS));

    let body: Promise<Buffer> | null = null;
    const rctx: RequestContext = {
      req,
      res,
      method,
      route: routeLabel,
      params: match.kind === 'found' ? match.params : {},
      url,
      requestId,
      span,
      log: logger,
      text: async () => (await (body ??= readBody(req, maxBody))).toString('utf8'),
      async json<T>() {
        const text = await rctx.text();
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new HttpError(400, 'request body is not valid JSON', 'bad_json');
        }
      },
    };

    await context.with(ctx, async () => {
      try {
        for (const hook of before) await hook(rctx);
        if (match.kind === 'not-found') throw new HttpError(404, `no route for ${method} ${url.pathname}`, 'not_found');
        if (match.kind === 'bad-path') throw new HttpError(400, match.reason, 'bad_path');
        if (match.kind === 'method-not-allowed') {
          throw new HttpError(405, `${method} is not allowed on ${match.route} (use ${match.allow.join(', ')})`, 'method_not_allowed', { Allow: match.allow.join(', ') });
        }
        const reply = await match.handler(rctx);
        if (reply && !res.headersSent) send(res, reply);
        else if (!reply && !res.writableEnded && !res.headersSent) send(res, { status: 204 });
      } catch (err) {
        if (res.headersSent) {
          logger.error({ err }, 'request failed after its response started');
          res.destroy();
          return;
        }
        if (err instanceof HttpError) {
          if (err.status >= 500) logger.error({ status: err.status, code: err.code, error: err.message }, 'request failed');
          send(res, { status: err.status, json: { error: { message: err.message, code: err.code } }, headers: err.headers });
        } else {
          // Unexpected errors: the details go to the log, the client gets no internals.
          logger.error({ err }, 'request failed');
          span.recordException(err as Error);
          send(res, { status: 500, json: { error: { message: 'internal error', code: 'internal' } } });
        }
      }
    });
  }

  const server = createServer((req, res) => void handle(req, res));
  return {
    server,
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          const actual = (server.address() as AddressInfo).port;
          resolve({ url: `http://127.0.0.1:${actual}`, port: actual });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
