import type { HealthProbe, ProbeResult } from '../ports';

/**
 * HTTP readiness probe. A stopped (SIGSTOP) or hung process still accepts TCP connections into the
 * kernel's backlog, so only a bounded wait for the response tells it apart from a healthy one.
 */
export function createHealthProbe(): HealthProbe {
  return {
    check: (url, timeoutMs) => call(url, 'GET', timeoutMs),
    post: (url, timeoutMs) => call(url, 'POST', timeoutMs),
  };
}

async function call(url: string, method: 'GET' | 'POST', timeoutMs: number): Promise<ProbeResult> {
  try {
    const res = await fetch(url, { method, signal: AbortSignal.timeout(timeoutMs) });
    // Drain the body so the socket is released.
    const body = await res.text();
    if (res.ok) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `HTTP ${res.status}${body ? `: ${body.trim().slice(0, 300)}` : ''}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { ok: false, error: reason };
  }
}
