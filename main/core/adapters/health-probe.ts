import http from 'node:http';
import https from 'node:https';
import type { HealthProbe, ProbeOptions, ProbeResult } from '../ports';

/**
 * HTTP probe for readiness, liveness and reloads, on node:http with a keep-alive agent: probes run
 * every few seconds for as long as Lookout lives, so each one must cost next to nothing (fetch
 * allocates streams, signals and a new connection per call, which showed up in idle CPU).
 * A stopped (SIGSTOP) or hung process still accepts TCP connections into the kernel's backlog, so
 * only a bounded wait for the response tells it apart from a healthy one.
 */
export function createHealthProbe(): HealthProbe {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4, maxFreeSockets: 4, timeout: 30_000 });
  return {
    check: (url, timeoutMs, opts) => call(agent, url, 'GET', timeoutMs, opts),
    post: (url, timeoutMs, opts) => call(agent, url, 'POST', timeoutMs, opts),
  };
}

function call(agent: http.Agent, url: string, method: 'GET' | 'POST', timeoutMs: number, opts: ProbeOptions = {}): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    // An attached component may be served over https; the stack's own are plain http on loopback.
    const transport = url.startsWith('https:') ? https : http;
    const req = transport.request(url, { method, agent: transport === http ? agent : undefined, headers: opts.headers }, (res) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      if (ok) {
        // Success needs no body; discard it so the socket goes back to the pool.
        res.resume();
        res.once('end', () => done({ ok: true, status }));
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 300) body += chunk;
      });
      res.once('end', () => done({ ok: false, status, error: `HTTP ${status}${body ? `: ${body.trim().slice(0, 300)}` : ''}` }));
    });
    const timer = setTimeout(() => {
      done({ ok: false, error: `no answer within ${timeoutMs} ms` });
      // A socket waiting on a hung process must not go back to the pool.
      req.destroy();
    }, timeoutMs);
    req.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, error: err.code ?? err.message }));
    req.end();
  });
}
