import type { IncomingMessage, ServerResponse } from 'node:http';
import { CHANNELS, HTTP_ROUTES, type Channel } from '../../common/ipc';
import { createRouteTable } from '../../common/route-table';
import { parseRequest } from '../core/api';
import type { Core } from '../core/core';
import { WEBHOOK_PATH } from '../core/alerts/webhook';
import { HttpError, readJsonBody, sendJson } from './respond';

type Method = 'GET' | 'POST' | 'DELETE';

/** What a route answers: JSON, or a ready-made body with its own content type (the /metrics text format). */
type RouteResult = { json: unknown } | { contentType: string; body: string };

interface Route {
  method: Method;
  path: string;
  handle(raw: unknown): Promise<RouteResult>;
  /** The status to answer for a result, when it is not 200 (a refusal the contract declares). */
  statusOf?(result: unknown): number;
}

/** Path of the Alertmanager webhook receiver (token required; Alertmanager sends it from a credentials_file). */
export const ALERTMANAGER_WEBHOOK_PATH = WEBHOOK_PATH;
/** Lookout's own metrics; no token, so Prometheus can scrape it with a plain static config. */
export const METRICS_PATH = '/metrics';

/** One contract channel bound to its HTTP method and path; every request passes the zod gate first. */
function bind<C extends Channel>(core: Core, channel: C): Route {
  const route: { method: Method; path: string; refusedStatus?: number } = HTTP_ROUTES[channel];
  const refused = route.refusedStatus;
  return {
    method: route.method,
    path: route.path,
    handle: async (raw) => ({ json: await core.handlers[channel](parseRequest(channel, raw)) }),
    // The contract's refusals are results with ok: false (settings:update's issues).
    ...(refused ? { statusOf: (result: unknown) => ((result as { ok?: unknown } | null)?.ok === false ? refused : 200) } : {}),
  };
}

/** The HTTP binding of every contract channel (HTTP_ROUTES already demands a method and path for each). */
function contractRoutes(core: Core): Route[] {
  return CHANNELS.map((channel) => bind(core, channel));
}

/** Routes outside the contract: callers are Alertmanager and Prometheus, not the UI. */
function extraRoutes(core: Core): Route[] {
  return [
    {
      method: 'POST',
      path: ALERTMANAGER_WEBHOOK_PATH,
      handle: async (body) => {
        await core.receiveAlertmanagerWebhook(body);
        return { json: {} };
      },
    },
    {
      method: 'GET',
      path: METRICS_PATH,
      handle: async () => core.metrics(),
    },
  ];
}

/** Dispatches API and /metrics requests that already passed the auth gate. */
export interface ApiRouter {
  /** True when this router owns the path (it then answers, with 404 for unknown /api/ paths). */
  owns(pathname: string): boolean;
  /** Answer the request; throws HttpError / BadRequestError / anything, which the caller turns into an ErrorEnvelope. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export function createApiRouter(core: Core): ApiRouter {
  const table = createRouteTable([...contractRoutes(core), ...extraRoutes(core)].map((route) => ({ method: route.method, template: route.path, handler: route })));

  return {
    owns: (pathname) => pathname === METRICS_PATH || pathname === '/api' || pathname.startsWith('/api/'),

    async handle(req, res, url) {
      const found = table.match(req.method ?? 'GET', url.pathname);
      if (found.kind === 'not-found') throw new HttpError(404, `no API route ${url.pathname}`, 'not_found');
      if (found.kind === 'bad-path') throw new HttpError(400, found.reason, 'bad_request');
      if (found.kind === 'method-not-allowed') {
        const allow = found.allow.join(', ');
        throw new HttpError(405, `${req.method} is not allowed on ${url.pathname} (use ${allow})`, 'method_not_allowed', { Allow: allow });
      }
      const { handler: route, params } = found;
      const raw = route.method === 'GET' ? Object.fromEntries(url.searchParams) : await readJsonBody(req);
      // Path parameters win over body fields of the same name: the path is what the caller addressed.
      const withParams = Object.keys(params).length ? { ...(raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}), ...params } : raw;
      const result = await route.handle(withParams);
      if ('json' in result) {
        sendJson(res, route.statusOf?.(result.json) ?? 200, result.json);
      } else {
        res.writeHead(200, { 'Content-Type': result.contentType, 'Content-Length': Buffer.byteLength(result.body), 'Cache-Control': 'no-store' });
        res.end(result.body);
      }
    },
  };
}
