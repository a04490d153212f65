import { spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { waitFor } from './stack-env';

export const VICTORIA_METRICS = '/usr/bin/victoria-metrics';

/** A real single-node VictoriaMetrics (Debian's victoria-metrics) on loopback, with basic auth. */
export interface RunningVictoriaMetrics {
  url: string;
  child: ChildProcess;
  /** Headers that pass its -httpAuth. */
  headers: Record<string, string>;
  stop(): Promise<void>;
  /** Raw samples of the series matching `selector` between start and end (epoch seconds), from /api/v1/export. */
  exportSamples(selector: string, start: number, end: number): Promise<Array<{ metric: Record<string, string>; values: number[]; timestamps: number[] }>>;
  /** Make freshly ingested samples searchable now (VictoriaMetrics buffers them for about a second). */
  flush(): Promise<void>;
}

/**
 * Start VictoriaMetrics on 127.0.0.1:port with its data in dataDir. Its other listeners (Graphite, Influx,
 * OpenTSDB) are off unless given a flag, so only the HTTP one opens. No response cache and no latency
 * offset, so a query sees what has been written.
 */
export async function startVictoriaMetrics(opts: { port: number; dataDir: string; username: string; password: string }): Promise<RunningVictoriaMetrics> {
  await access(VICTORIA_METRICS).catch(() => {
    throw new Error(`${VICTORIA_METRICS} not found: install it (apt-get install victoria-metrics)`);
  });
  const child = spawn(
    VICTORIA_METRICS,
    [
      `-httpListenAddr=127.0.0.1:${opts.port}`,
      `-storageDataPath=${opts.dataDir}`,
      '-retentionPeriod=100y',
      '-search.latencyOffset=0s',
      '-search.disableCache',
      `-httpAuth.username=${opts.username}`,
      `-httpAuth.password=${opts.password}`,
      '-loggerLevel=WARN',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${opts.port}`;
  const headers = { Authorization: `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}` };
  await waitFor('VictoriaMetrics /health', async () => {
    if (child.exitCode !== null) throw new Error(`victoria-metrics exited with ${child.exitCode}: ${stderr}`);
    return (await fetch(`${url}/health`).catch(() => null))?.ok;
  }, 20_000, 100);
  return {
    url,
    child,
    headers,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async flush() {
      const res = await fetch(`${url}/internal/force_flush`, { headers });
      if (!res.ok) throw new Error(`force_flush: HTTP ${res.status}`);
    },
    async exportSamples(selector, start, end) {
      const q = new URLSearchParams({ 'match[]': selector, start: String(start), end: String(end) });
      const res = await fetch(`${url}/api/v1/export?${q}`, { headers });
      if (!res.ok) throw new Error(`export ${selector}: HTTP ${res.status} ${await res.text()}`);
      return (await res.text())
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { metric: Record<string, string>; values: number[]; timestamps: number[] });
    },
  };
}
