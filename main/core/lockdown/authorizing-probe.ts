import type { HealthProbe, ProbeOptions, ProbeResult } from '../ports';
import type { StackAccess } from './access';

/**
 * The health probe with the component's credential added to every call that goes to one of the
 * components (readiness, liveness, reloads — the supervisor's and the alert watchdog's alike), so none
 * of those callers has to know about lock-down or attach mode. A credential that cannot be read is a
 * failed probe naming the file, not an unauthenticated request.
 */
export function withStackAuth(probe: HealthProbe, access: StackAccess): HealthProbe {
  const call = async (method: 'check' | 'post', url: string, timeoutMs: number, opts?: ProbeOptions): Promise<ProbeResult> => {
    let auth: Record<string, string>;
    try {
      auth = await access.headersFor(url);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
    return probe[method](url, timeoutMs, { ...opts, headers: { ...auth, ...opts?.headers } });
  };
  return {
    check: (url, timeoutMs, opts) => call('check', url, timeoutMs, opts),
    post: (url, timeoutMs, opts) => call('post', url, timeoutMs, opts),
  };
}
