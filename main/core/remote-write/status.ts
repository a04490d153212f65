/**
 * The state of each remote-write target, from Prometheus' own prometheus_remote_storage_* metrics on its
 * /metrics page (read directly, so it is current and needs no self-scrape). For the popover and doctor.
 */
import type { StackAccess } from '../lockdown/access';
import type { RemoteWriteTarget } from './settings-schema';

/** One target as Prometheus reports it. A figure Prometheus does not report is absent, never 0. */
export interface RemoteWriteStatus {
  name: string;
  url: string;
  /** Samples read from the WAL and not yet sent. */
  samplesPending?: number;
  /**
   * Sent since Prometheus started. Prometheus' samples_total counts every attempt (a batch retried ten times
   * counts ten times), so this is samples_total − retried − failed; it includes the batch being sent right now
   * (up to maxSamplesPerSend per shard), which Prometheus counts as retried only once its attempt fails.
   */
  samplesSent?: number;
  /** Given up on after a non-recoverable error (4xx), since Prometheus started. */
  samplesFailed?: number;
  /** Sent again after a recoverable error (5xx, timeout), since Prometheus started. */
  samplesRetried?: number;
  /** Dropped by write relabelling, since Prometheus started. */
  samplesDropped?: number;
  /** Seconds between the newest sample in the WAL and the newest sent to this target. */
  lagSeconds?: number;
  shards?: number;
  /** Why the figures are missing (Prometheus down, target not in its running config). */
  error?: string;
}

export interface RemoteWriteReport {
  targets: RemoteWriteStatus[];
  /** Set when Prometheus' metrics could not be read at all. */
  error?: string;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Lines of the text exposition format whose metric name starts with `prefix`. Label values are unescaped. */
export function parseExposition(text: string, prefix: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[2]) {
      for (const l of m[2].slice(1, -1).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[l[1]!] = l[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
      }
    }
    const value = Number(m[3]);
    if (Number.isFinite(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

const P = 'prometheus_remote_storage_';

/** The figures for each configured target from a /metrics text. Pure. */
export function remoteWriteStatusFrom(text: string, targets: RemoteWriteTarget[]): RemoteWriteStatus[] {
  const samples = parseExposition(text, P);
  const highest = samples.find((s) => s.name === `${P}highest_timestamp_in_seconds`)?.value;
  return targets.map((t) => {
    const of = (metric: string) => samples.find((s) => s.name === `${P}${metric}` && s.labels.remote_name === t.name)?.value;
    const sentTs = of('queue_highest_sent_timestamp_seconds');
    const attempts = of('samples_total');
    const failed = of('samples_failed_total');
    const retried = of('samples_retried_total');
    const status: RemoteWriteStatus = {
      name: t.name,
      url: t.url,
      samplesPending: of('samples_pending'),
      samplesSent: attempts === undefined ? undefined : Math.max(0, attempts - (retried ?? 0) - (failed ?? 0)),
      samplesFailed: failed,
      samplesRetried: retried,
      samplesDropped: of('samples_dropped_total'),
      shards: of('shards'),
      // Nothing sent yet is a lag Prometheus does not know (its gauge is 0), not a lag of 50 years.
      lagSeconds: highest !== undefined && sentTs !== undefined && sentTs > 0 ? Math.max(0, highest - sentTs) : undefined,
    };
    const clean = Object.fromEntries(Object.entries(status).filter(([, v]) => v !== undefined)) as unknown as RemoteWriteStatus;
    if (status.samplesPending === undefined && status.samplesSent === undefined) clean.error = 'Prometheus reports no queue for this target (not in its running config yet?)';
    else if (status.lagSeconds === undefined) clean.error = 'nothing sent yet';
    return clean;
  });
}

/** Read Prometheus' /metrics (with its credential) and report every configured target. */
export async function remoteWriteStatus(deps: { access: StackAccess; targets: RemoteWriteTarget[]; timeoutMs?: number }): Promise<RemoteWriteReport> {
  if (!deps.targets.length) return { targets: [] };
  const base = deps.access.baseUrl('prometheus');
  let text: string;
  try {
    const res = await fetch(`${base}/metrics`, { headers: await deps.access.headers('prometheus'), signal: AbortSignal.timeout(deps.timeoutMs ?? 5_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    text = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const error = `cannot read Prometheus' metrics at ${base}/metrics (${e.cause?.code ?? e.message})`;
    return { targets: deps.targets.map((t) => ({ name: t.name, url: t.url, error })), error };
  }
  return { targets: remoteWriteStatusFrom(text, deps.targets) };
}
