import type { ComponentId, ComponentState, ComponentStatus } from '../../../common/model';

/**
 * Which components a link may point at right now (issue 16.2): a link to a port nothing listens on is
 * a dead end. Offered while the process is `running` or `unhealthy` (alive and holding its port;
 * when it is unhealthy its own page is often the quickest way to see why). Not while `starting`,
 * `stopping`, `stopped`, `failed` or `not-installed`: a link then is left out, never a different
 * shape, so QuickLink and Alert.grafanaUrl (null) stay as they were.
 */
export const LINKABLE_STATES: ReadonlySet<ComponentState> = new Set(['running', 'unhealthy']);

export type Linkable = (id: ComponentId) => boolean;

export function linkableFrom(components: ComponentStatus[]): Linkable {
  const up = new Set(components.filter((c) => LINKABLE_STATES.has(c.state)).map((c) => c.id));
  return (id) => up.has(id);
}
