import type { ComponentId } from '../../../common/model';
import { DASHBOARD_UIDS } from '../grafana/dashboards/registry';
import { ATTACHABLE, attachBase, attachOf } from '../lockdown/attach';
import type { Settings } from '../settings/schema';
import { PROMETHEUS_PAGES } from './stack-ui';

/** Grafana paths the link builders make: home, login, a provisioned dashboard (with or without its slug), Explore. */
const GRAFANA_UIDS = new Set(Object.values(DASHBOARD_UIDS));
function grafanaPath(pathname: string): boolean {
  if (pathname === '/' || pathname === '/login' || pathname === '/explore') return true;
  const m = /^\/d\/([^/]+)(\/[a-z0-9-]+)?$/.exec(pathname);
  return m !== null && GRAFANA_UIDS.has(m[1]!);
}

/** Per component, the paths its links use (Alertmanager's UI routes live in the #fragment, so only / is needed). */
const PATHS: Record<ComponentId, (pathname: string) => boolean> = {
  grafana: grafanaPath,
  prometheus: (p) => p === '/' || p === '/graph' || PROMETHEUS_PAGES.some((page) => p === `/${page}`),
  alertmanager: (p) => p === '/',
  node_exporter: (p) => p === '/' || p === '/metrics',
  // Jaeger's UI: its home, the search page and one trace (the links main/core/links/jaeger.ts makes).
  jaeger: (p) => p === '/' || p === '/search' || /^\/trace\/[0-9a-f]{32}$/.test(p),
};

/**
 * Whether the app may open a URL outside itself. Every URL Lookout's link builders make
 * (main/core/links: Grafana dashboards, panels, Explore and alert views; Prometheus and Alertmanager pages)
 * points at one of its own components on 127.0.0.1, or at Lookout's own listener; the allowlist is exactly
 * those origins and the paths the builders use there, so a page cannot make the app open anything else.
 */
export function isAllowedExternalUrl(url: string, settings: Settings): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  // An attached Prometheus or Alertmanager: its configured origin, the same paths under its path prefix.
  for (const id of ATTACHABLE) {
    const attach = attachOf(settings, id);
    if (!attach) continue;
    const base = new URL(attachBase(attach));
    const prefix = base.pathname.replace(/\/+$/, '');
    if (parsed.origin === base.origin && parsed.pathname.startsWith(prefix)) {
      const rest = parsed.pathname.slice(prefix.length) || '/';
      if (rest.startsWith('/') && PATHS[id](rest)) return true;
    }
  }
  if (parsed.protocol !== 'http:' || parsed.hostname !== '127.0.0.1') return false;
  const port = Number(parsed.port);
  if (port === settings.lookout.port) return parsed.pathname === '/';
  const id = (Object.keys(PATHS) as ComponentId[]).find((c) => settings.stack.components[c].port === port && !attachOf(settings, c));
  return id !== undefined && PATHS[id](parsed.pathname);
}
