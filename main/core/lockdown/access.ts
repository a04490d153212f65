/**
 * How Lookout reaches each component: its base URL (its own loopback port, or the URL of a server it
 * attaches to) and the Authorization header to send there. Every part of Lookout that talks to a
 * component asks here, so lock-down and attach mode are decided in one place.
 */
import { readFile } from 'node:fs/promises';
import type { ComponentId } from '../../../common/model';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import { componentUrl } from '../stack/component-spec';
import { attachOf } from './attach';
import { readStackPassword, STACK_USER } from './credentials';

export interface StackAccess {
  /** Base URL without a trailing slash. */
  baseUrl(id: ComponentId): string;
  /** `{ Authorization }` for that component, or `{}` when it needs none. Throws when a credential file cannot be read. */
  headers(id: ComponentId): Promise<Record<string, string>>;
  /** The headers for a URL that belongs to one of the components (matched by origin and path prefix); `{}` otherwise. */
  headersFor(url: string): Promise<Record<string, string>>;
}

export const basicAuthorization = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const readTrimmed = async (file: string, what: string): Promise<string> => {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    throw new Error(`cannot read ${what} (${file}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
};

/** Components whose endpoints Lookout's lock-down covers (Grafana has its own login). */
export const LOCKED_COMPONENTS = ['prometheus', 'alertmanager', 'node_exporter'] as const satisfies readonly ComponentId[];

export function createStackAccess(deps: { paths: Pick<Paths, 'secretsDir'>; settings: () => Settings }): StackAccess {
  async function headers(id: ComponentId): Promise<Record<string, string>> {
    const settings = deps.settings();
    const attach = attachOf(settings, id);
    if (attach) {
      if (attach.username && attach.passwordFile) {
        return { Authorization: basicAuthorization(attach.username, await readTrimmed(attach.passwordFile, `stack.components.${id}.attach.passwordFile`)) };
      }
      if (attach.bearerTokenFile) return { Authorization: `Bearer ${await readTrimmed(attach.bearerTokenFile, `stack.components.${id}.attach.bearerTokenFile`)}` };
      return {};
    }
    if (!settings.stack.lockdown.enabled || !(LOCKED_COMPONENTS as readonly ComponentId[]).includes(id)) return {};
    const password = await readStackPassword(deps.paths);
    // No password yet (a home Lookout has not initialised): nothing to send, and the component will say 401.
    return password ? { Authorization: basicAuthorization(STACK_USER, password) } : {};
  }

  return {
    baseUrl: (id) => componentUrl(deps.settings(), id),
    headers,
    async headersFor(url) {
      const settings = deps.settings();
      for (const id of LOCKED_COMPONENTS) {
        if (!settings.stack.components[id].enabled) continue;
        const base = componentUrl(settings, id);
        if (url === base || url.startsWith(`${base}/`)) return headers(id);
      }
      return {};
    },
  };
}
