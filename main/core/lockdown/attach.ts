import type { ComponentId } from '../../../common/model';
import type { Settings } from '../settings/schema';
import type { AttachSettings } from './settings-schema';

/** Components that can be attached instead of supervised. */
export const ATTACHABLE = ['prometheus', 'alertmanager'] as const satisfies readonly ComponentId[];

/** The attach settings of an enabled component, or null when Lookout runs its own. */
export function attachOf(settings: Settings, id: ComponentId): AttachSettings | null {
  if (id !== 'prometheus' && id !== 'alertmanager') return null;
  const c = settings.stack.components[id];
  return c.enabled && c.attach ? c.attach : null;
}

/** An attach URL as a base: no trailing slash, so `${base}/api/v1/…` is right with or without a path prefix. */
export const attachBase = (a: AttachSettings): string => a.url.replace(/\/+$/, '');
