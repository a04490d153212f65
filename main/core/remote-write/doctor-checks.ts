import type { DoctorCheck } from '../doctor-check';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import { createStackAccess } from '../lockdown/access';
import { remoteWriteStatus } from './status';

/** Behind by more than this, a target is not keeping up (Prometheus' own dashboards warn at a few minutes). */
export const MAX_LAG_SECONDS = 120;

/** One doctor line per remote-write target: pending, sent, failed, lag; failed when it lags or Prometheus has no queue for it. */
export async function remoteWriteChecks(settings: Settings, paths: Pick<Paths, 'secretsDir' | 'settings'>): Promise<DoctorCheck[]> {
  const targets = settings.stack.remoteWrite;
  if (!targets.length) return [];
  const report = await remoteWriteStatus({ access: createStackAccess({ paths, settings: () => settings }), targets });
  return report.targets.map((t): DoctorCheck => {
    const name = `remote write: ${t.name}`;
    if (report.error) return { name, ok: true, detail: `${report.error}; checked while Prometheus runs` };
    const figures = [
      t.samplesPending !== undefined && `${t.samplesPending} pending`,
      t.samplesSent !== undefined && `${t.samplesSent} sent`,
      t.samplesFailed !== undefined && `${t.samplesFailed} failed`,
      t.samplesRetried !== undefined && `${t.samplesRetried} retried`,
      t.lagSeconds !== undefined && `${t.lagSeconds.toFixed(0)} s behind`,
    ].filter(Boolean).join(', ');
    if (t.lagSeconds !== undefined && t.lagSeconds <= MAX_LAG_SECONDS) return { name, ok: true, detail: `${t.url}: ${figures}` };
    return {
      name,
      ok: false,
      detail: `${t.url}: ${t.error ?? `more than ${MAX_LAG_SECONDS} s behind`}${figures ? ` (${figures})` : ''}`,
      fix: `check that ${t.url} answers and accepts the credentials of stack.remoteWrite (Prometheus' log: ${paths.settings.replace(/settings\.json$/, 'logs/prometheus.log')})`,
    };
  });
}
