import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP_ROUTES, matchPath, type Channel } from '../../common/ipc';
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
}

/** Path of the Alertmanager webhook receiver (token required; Alertmanager sends it from a credentials_file). */
export const ALERTMANAGER_WEBHOOK_PATH = WEBHOOK_PATH;
/** Lookout's own metrics; no token, so Prometheus can scrape it with a plain static config. */
export const METRICS_PATH = '/metrics';

/** One contract channel bound to its HTTP method and path; every request passes the zod gate first. */
function bind<C extends Channel>(core: Core, channel: C): Route {
  const { method, path } = HTTP_ROUTES[channel];
  return { method, path, handle: async (raw) => ({ json: await core.handlers[channel](parseRequest(channel, raw)) }) };
}

/**
 * The HTTP binding of the contract. Typed over every Channel, so adding a channel to InvokeMap without
 * binding it here is a compile error (and HTTP_ROUTES itself already demands a method and path for it).
 */
function contractRoutes(core: Core): { [C in Channel]: Route } {
  return {
    'app:info': bind(core, 'app:info'),
    'stack:get': bind(core, 'stack:get'),
    'stack:start': bind(core, 'stack:start'),
    'stack:stop': bind(core, 'stack:stop'),
    'stack:restart': bind(core, 'stack:restart'),
    'metrics:get': bind(core, 'metrics:get'),
    'grafana:credentials': bind(core, 'grafana:credentials'),
    'metrics:history': bind(core, 'metrics:history'),
    'metrics:ping': bind(core, 'metrics:ping'),
    'settings:get': bind(core, 'settings:get'),
    'links:get': bind(core, 'links:get'),
    'settings:update': bind(core, 'settings:update'),
    'alerts:get': bind(core, 'alerts:get'),
    'alerts:history': bind(core, 'alerts:history'),
    'alerts:ack': bind(core, 'alerts:ack'),
    'alerts:snooze': bind(core, 'alerts:snooze'),
    'silences:delete': bind(core, 'silences:delete'),
    'alerts:test': bind(core, 'alerts:test'),
    'secrets:get': bind(core, 'secrets:get'),
    'secrets:set': bind(core, 'secrets:set'),
    'secrets:clear': bind(core, 'secrets:clear'),
  };
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
  const byPath = new Map<string, Route[]>();
  for (const route of [...Object.values(contractRoutes(core)), ...extraRoutes(core)]) {
    byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);
  }
  // Paths with `{param}` segments (DELETE /api/v1/silences/{id}) are matched after the exact ones.
  const templated = [...byPath].filter(([path]) => path.includes('{'));

  function lookup(pathname: string): { candidates: Route[]; params: Record<string, string> } | null {
    const exact = byPath.get(pathname);
    if (exact && !pathname.includes('{')) return { candidates: exact, params: {} };
    for (const [template, candidates] of templated) {
      const params = matchPath(template, pathname);
      if (params) return { candidates, params };
    }
    return null;
  }

  return {
    owns: (pathname) => pathname === METRICS_PATH || pathname === '/api' || pathname.startsWith('/api/'),

    async handle(req, res, url) {
      const found = lookup(url.pathname);
      if (!found) throw new HttpError(404, `no API route ${url.pathname}`, 'not_found');
      const { candidates, params } = found;
      const route = candidates.find((r) => r.method === req.method);
      if (!route) {
        const allow = candidates.map((r) => r.method).join(', ');
        throw new HttpError(405, `${req.method} is not allowed on ${url.pathname} (use ${allow})`, 'method_not_allowed', { Allow: allow });
      }
      const raw = route.method === 'GET' ? Object.fromEntries(url.searchParams) : await readJsonBody(req);
      // Path parameters win over body fields of the same name: the path is what the caller addressed.
      const withParams = Object.keys(params).length ? { ...(raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}), ...params } : raw;
      const result = await route.handle(withParams);
      if ('json' in result) {
        sendJson(res, 200, result.json);
      } else {
        res.writeHead(200, { 'Content-Type': result.contentType, 'Content-Length': Buffer.byteLength(result.body), 'Cache-Control': 'no-store' });
        res.end(result.body);
      }
    },
  };
}
