import { parse } from 'yaml';
import type { ComponentId } from '../../../common/model';
import { componentOfService } from './compose-file';

type Project = { services?: Record<string, unknown> } | null;

const services = (text: string | null): Record<string, unknown> => {
  if (!text) return {};
  try {
    return (parse(text) as Project)?.services ?? {};
  } catch {
    // Lookout wrote it; if someone broke it by hand, every service counts as changed.
    return {};
  }
};

/**
 * Components whose compose service definition differs between two renders of docker-compose.yml (image,
 * command, ports, mounts…): `docker compose up` recreates exactly those containers, so Lookout restarts them.
 */
export function changedServices(before: string | null, after: string | null): Set<ComponentId> {
  const a = services(before);
  const b = services(after);
  const out = new Set<ComponentId>();
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const id = componentOfService(name);
    if (id && JSON.stringify(a[name]) !== JSON.stringify(b[name])) out.add(id);
  }
  return out;
}
