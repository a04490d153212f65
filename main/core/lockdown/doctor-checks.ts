import http from 'node:http';
import https from 'node:https';
import type { ComponentId } from '../../../common/model';
import type { DoctorCheck } from '../doctor-check';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import { spec } from '../stack/catalog';
import { createStackAccess, LOCKED_COMPONENTS } from './access';
import { attachOf } from './attach';

/** A cheap page behind the lock on each component (a full /metrics of Prometheus would cost more). */
const PROBE_PATH: Record<(typeof LOCKED_COMPONENTS)[number], string> = {
  prometheus: '/api/v1/status/buildinfo',
  alertmanager: '/api/v2/status',
  node_exporter: '/',
};

/** Status code of one GET, or the connection error's code. Raw node:http: fetch cannot send a foreign Host. */
export function statusOf(url: string, headers: Record<string, string> = {}, timeoutMs = 1_000): Promise<number | string> {
  return new Promise((resolve) => {
    const transport = url.startsWith('https:') ? https : http;
    const req = transport.get(url, { headers, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/**
 * `doctor`'s lock-down checks: each of Lookout's own Prometheus, Alertmanager and node_exporter must
 * answer 401 without credentials — also to a request with a foreign Host, as a DNS-rebinding page would
 * send — and 2xx with the stack credential. A component that is not running is not checked (and says so).
 */
export async function lockdownChecks(settings: Settings, paths: Pick<Paths, 'secretsDir' | 'settings'>): Promise<DoctorCheck[]> {
  const ids = LOCKED_COMPONENTS.filter((id) => settings.stack.components[id].enabled && !attachOf(settings, id));
  if (!ids.length) return [];
  if (!settings.stack.lockdown.enabled) {
    return [{ name: 'lock-down', ok: true, detail: `off (stack.lockdown.enabled): ${ids.map((id) => spec(id).name).join(', ')} answer any local process or web page, and backups cannot snapshot the TSDB` }];
  }
  const access = createStackAccess({ paths, settings: () => settings });
  return Promise.all(ids.map((id) => componentCheck(id, access.baseUrl(id) + PROBE_PATH[id], access.headers(id), paths.settings)));
}

async function componentCheck(id: ComponentId, url: string, auth: Promise<Record<string, string>>, settingsFile: string): Promise<DoctorCheck> {
  const name = `lock-down: ${spec(id).name}`;
  const port = new URL(url).port;
  const [anonymous, rebound] = await Promise.all([statusOf(url), statusOf(url, { Host: `rebind.example:${port}` })]);
  if (typeof anonymous === 'string') return { name, ok: true, detail: `not answering (${anonymous}); checked when it runs` };
  const open = [anonymous !== 401 && `without credentials it answers ${anonymous}`, rebound !== 401 && `to a foreign Host it answers ${rebound}`].filter(Boolean);
  if (open.length) {
    return {
      name,
      ok: false,
      detail: `${open.join('; ')} instead of 401: it runs without Lookout's web config`,
      fix: `restart it from Lookout (lookout stack stop ${id} && lookout stack start ${id}) so it gets --web.config.file; stack.lockdown.enabled is on in ${settingsFile}`,
    };
  }
  let headers: Record<string, string>;
  try {
    headers = await auth;
  } catch (err) {
    return { name, ok: false, detail: (err as Error).message, fix: 'restart Lookout: it recreates the stack password' };
  }
  const authed = await statusOf(url, headers);
  if (typeof authed === 'number' && authed >= 200 && authed < 300) return { name, ok: true, detail: `401 without credentials (also to a foreign Host), ${authed} with the stack credential` };
  return {
    name,
    ok: false,
    detail: `refuses the stack credential too (${authed}): the web config does not match secrets/stack-password`,
    fix: 'restart Lookout: it rewrites the web config from the stored password',
  };
}
