import { useEffect } from 'react';
import type { RemoteWriteTargetStatus } from '../../../common/backup';
import type { Api } from '../../../common/ipc';
import { Badge, type Tone } from '../../ui/Badge';
import { useSecurityStore } from './useSecurityStore';
import './security.css';

/** Behind by more than this and the target is shown as falling behind. */
const BEHIND_SECONDS = 120;

export type TargetState = 'sending' | 'behind' | 'waiting' | 'unknown';

/** One word for a target from the figures Prometheus reports (absent figures are unknown, never 0). */
export function targetState(t: RemoteWriteTargetStatus): TargetState {
  if (t.samplesSent === undefined && t.samplesPending === undefined) return 'unknown';
  if (t.lagSeconds === undefined) return 'waiting';
  return t.lagSeconds > BEHIND_SECONDS ? 'behind' : 'sending';
}

const TONE: Record<TargetState, Tone> = { sending: 'ok', behind: 'warning', waiting: 'busy', unknown: 'neutral' };

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const count = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString('en-US'));

export function formatLag(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** One row per remote-write target: host, state, samples sent / pending, lag, failures; refreshed every `refreshMs`. */
export function RemoteWriteStatus({ api, refreshMs = 15_000 }: { api: Api; refreshMs?: number }) {
  const report = useSecurityStore((s) => s.remoteWrite);
  const error = useSecurityStore((s) => s.remoteWriteError);
  const load = useSecurityStore((s) => s.loadRemoteWrite);
  useEffect(() => {
    void load(api);
    if (!refreshMs) return;
    const timer = setInterval(() => void load(api), refreshMs);
    return () => clearInterval(timer);
  }, [api, load, refreshMs]);

  return (
    <section className="remote-write" aria-labelledby="remote-write-title">
      <h2 id="remote-write-title">Remote write</h2>
      {error && <p role="alert" className="component-error">{error}</p>}
      {!report ? (
        !error && <p className="muted">Loading…</p>
      ) : report.targets.length === 0 ? (
        <p className="muted">No remote-write targets (stack.remoteWrite in settings).</p>
      ) : (
        <>
          {report.error && <p role="alert" className="component-error">{report.error}</p>}
          <ul className="remote-write-targets" aria-label="Remote-write targets">
            {report.targets.map((t) => {
              const state = targetState(t);
              return (
                <li key={t.name} className="remote-write-target" aria-label={t.name}>
                  <div className="component-main">
                    <span className="component-name" title={t.url}>
                      {hostOf(t.url)}
                    </span>
                    <span className="muted">{t.name}</span>
                    <Badge tone={TONE[state]} testId={`remote-write-state-${t.name}`}>
                      {state}
                    </Badge>
                  </div>
                  <dl className="component-facts">
                    <div>
                      <dt>sent</dt>
                      <dd>{count(t.samplesSent)}</dd>
                    </div>
                    <div>
                      <dt>pending</dt>
                      <dd>{count(t.samplesPending)}</dd>
                    </div>
                    <div>
                      <dt>lag</dt>
                      <dd>{formatLag(t.lagSeconds)}</dd>
                    </div>
                    <div>
                      <dt>failed</dt>
                      <dd className={t.samplesFailed ? 'component-error' : undefined}>{count(t.samplesFailed)}</dd>
                    </div>
                    <div>
                      <dt>retried</dt>
                      <dd>{count(t.samplesRetried)}</dd>
                    </div>
                    {t.samplesDropped !== undefined && (
                      <div>
                        <dt>dropped</dt>
                        <dd>{count(t.samplesDropped)}</dd>
                      </div>
                    )}
                    {t.shards !== undefined && (
                      <div>
                        <dt>shards</dt>
                        <dd>{t.shards}</dd>
                      </div>
                    )}
                  </dl>
                  {t.error && t.error !== report.error && <p className="muted">{t.error}</p>}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
