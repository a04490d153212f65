import type { ComponentId } from '../../../common/model';
import type { Settings } from '../settings/schema';
import { containerAddress, HOST_FROM_CONTAINER } from './compose-file';

/*
 * How one part of the stack reaches another. Natively everything meets on 127.0.0.1. Inside a container
 * 127.0.0.1 is the container itself, so a component run by the Docker runtime reaches another container by
 * its service name (`prometheus:9090`) and anything on the host — a native component, Lookout's /metrics and
 * webhook, the user's services — at host.docker.internal. The rendered configs ask here instead of writing
 * 127.0.0.1, so one settings file renders right for native, docker and mixed stacks.
 */

/** Ports a component listens on inside its container, where they differ from the host side. */
const CONTAINER_PORT: Partial<Record<ComponentId, number>> = { jaeger: 16686 };

/** The component runs as a container of Lookout's compose project. */
export const runsInDocker = (settings: Settings, id: ComponentId): boolean => {
  const c = settings.stack.components[id];
  // An attached server runs wherever its owner runs it.
  return c.enabled && c.runtime === 'docker' && !('attach' in c && c.attach);
};

/** Components the compose project holds, in catalog order. */
export const dockerComponents = (settings: Settings, ids: readonly ComponentId[]): ComponentId[] => ids.filter((id) => runsInDocker(settings, id));

/** `host:port` at which `from` (a component, or Lookout itself) reaches component `to`. */
export function reach(settings: Settings, from: ComponentId | 'lookout', to: ComponentId): string {
  const port = settings.stack.components[to].port;
  if (from === 'lookout' || !runsInDocker(settings, from)) return `127.0.0.1:${port}`;
  return runsInDocker(settings, to) ? containerAddress(to, CONTAINER_PORT[to] ?? port) : `${HOST_FROM_CONTAINER}:${port}`;
}

/** `host:port` at which component `from` reaches a listener on the host's loopback (Lookout's own, or a service's). */
export const reachHost = (settings: Settings, from: ComponentId, port: number): string =>
  `${runsInDocker(settings, from) ? HOST_FROM_CONTAINER : '127.0.0.1'}:${port}`;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A URL as component `from` must use it: a loopback host becomes host.docker.internal inside a container. */
export function reachUrl(settings: Settings, from: ComponentId, url: string): string {
  if (!runsInDocker(settings, from)) return url;
  const u = new URL(url);
  if (!LOOPBACK_HOSTS.has(u.hostname)) return url;
  u.hostname = HOST_FROM_CONTAINER;
  return u.toString();
}
