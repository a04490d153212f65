import { realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { EVENTS_PATH } from '../../common/ipc';
import type { Core } from '../core/core';
import { checkRequest, parseTarget } from './auth';
import { createEventStreams } from './events';
import { HttpError, sendError, sendJson } from './respond';
import { createApiRouter } from './routes';
import { FAVICON_CONTENT_TYPE, FAVICON_PATH, favicon } from './favicon';
import { createStaticFiles } from './static-files';

/** The only interface browser mode listens on. */
export const LISTEN_HOST = '127.0.0.1';

export interface ServerOptions {
  core: Core;
  token: string;
  /** Token Alertmanager sends to the webhook (see ensureWebhookToken); accepted on that path only. */
  webhookToken?: string | null;
  /** 0 picks a free port; the real one is reported back. */
  port: number;
  /** Built renderer (dist/renderer), or null to serve the API only. */
  staticDir: string | null;
  logger: Logger;
  /** Interval of the SSE heartbeat comment (tests shorten it). */
  heartbeatMs?: number;
}

export interface RunningServer {
  /** Base URL without the token, e.g. http://127.0.0.1:9469 */
  url: string;
  port: number;
  /** Stop listening and end every open connection, SSE streams included. */
  close(): Promise<void>;
}

/** Sent with every response. The renderer bundle needs no inline script, no eval and nothing from elsewhere. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The URL handed to users: the token rides in the fragment, which browsers never send to a server or a log. */
export function userUrl(url: string, token: string): string {
  return `${url.replace(/\/$/, '')}/#token=${token}`;
}

/**
 * Browser mode's HTTP server: the contract under /api/v1 (token), server-sent events, /metrics, the
 * Alertmanager webhook and the static UI, on 127.0.0.1 only. Every request passes checkRequest first.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { core, token, logger } = opts;
  const router = createApiRouter(core);
  const events = createEventStreams(core, opts.heartbeatMs === undefined ? {} : { heartbeatMs: opts.heartbeatMs });
  const staticRoot = opts.staticDir ? await realpath(opts.staticDir).catch(() => null) : null;
  if (opts.staticDir && !staticRoot) logger.warn({ staticDir: opts.staticDir }, 'UI files not found; serving the API only');
  const staticFiles = staticRoot ? createStaticFiles(staticRoot) : null;
  let port = opts.port;

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const url = parseTarget(req.url);
    if (!url) throw new HttpError(400, 'malformed request target', 'bad_request');

    const gate = checkRequest(req, { token, port, webhookToken: opts.webhookToken ?? null });
    if (!gate.ok) {
      const headers: Record<string, string> = gate.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="lookout"' } : {};
      sendJson(res, gate.status, { error: { message: gate.reason, code: gate.status === 401 ? 'unauthorized' : 'forbidden' } }, headers);
      return;
    }

    if (url.pathname === EVENTS_PATH) {
      if (req.method !== 'GET') throw new HttpError(405, `${req.method} is not allowed on ${EVENTS_PATH} (use GET)`, 'method_not_allowed', { Allow: 'GET' });
      events.handle(req, res);
      return;
    }
    if (router.owns(url.pathname)) {
      await router.handle(req, res, url);
      return;
    }
    await serveStatic(req, res, url.pathname);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpError(405, `${req.method} is not allowed here`, 'method_not_allowed', { Allow: 'GET, HEAD' });
    }
    // Answered with or without a UI build (the UI's files are only index.html and /assets/*).
    if (pathname === FAVICON_PATH) {
      const body = favicon();
      res.writeHead(200, { 'Content-Type': FAVICON_CONTENT_TYPE, 'Content-Length': body.length, 'Cache-Control': 'max-age=86400' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (!staticFiles) throw new HttpError(404, 'this Lookout serves the API only (no UI build found; run npm run build)', 'not_found');
    const file = await staticFiles.get(pathname);
    // Every file revalidates (index.html and the entry scripts keep their names across builds, and a stale
    // copy would run an old UI against a new API), but an unchanged one is answered 304 from the browser's
    // cache, which also lets Chromium reuse its compiled code for the bundle: a reopened page starts sooner.
    const headers = { ETag: file.etag, 'Cache-Control': 'no-cache' };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': file.contentType, 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    dispatch(req, res)
      .catch((err: unknown) => {
        const { status } = sendError(res, err);
        if (status >= 500) logger.error({ err, method: req.method, path: requestPathForLog(req) }, 'request failed');
      })
      .finally(() => {
        logger.debug({ method: req.method, path: requestPathForLog(req), status: res.statusCode, ms: Math.round(performance.now() - started) }, 'http');
      });
  });
  // Small JSON requests only; a client that dribbles headers is cut off early.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenError(err, opts.port));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port: opts.port, host: LISTEN_HOST, exclusive: true });
  });
  port = (server.address() as AddressInfo).port;
  server.on('error', (err) => logger.error({ err }, 'http server error'));
  const url = `http://${LISTEN_HOST}:${port}`;
  logger.info({ url, ui: staticRoot !== null }, 'http server listening');

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        // SSE responses never finish on their own; end them first so close() does not wait forever.
        events.closeAll();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
        // Whatever is still busy after a grace period (a slow static download) is cut.
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      });
      return closing;
    },
  };
}

/** The path without the query string: queries are not secret today, but logs should not start collecting them. */
function requestPathForLog(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

function listenError(err: NodeJS.ErrnoException, port: number): Error {
  if (err.code === 'EADDRINUSE') {
    return new Error(
      `Port ${port} on ${LISTEN_HOST} is already in use (another Lookout, or another program). ` +
        'Stop it, or choose another port with the setting lookout.port in settings.json (or --port).',
      { cause: err },
    );
  }
  if (err.code === 'EACCES') {
    return new Error(`Not allowed to listen on port ${port}; choose a port above 1024 with the setting lookout.port.`, { cause: err });
  }
  return err;
}
