import type { ServicesSnapshot } from '../../common/model';
import type { PrometheusClient } from './prometheus/client';
import type { DemoFile } from './settings/demo-targets';
import type { Settings } from './settings/schema';

/**
 * Every service Prometheus scrapes for the user: those in settings.json and those `lookout demo`
 * published (which are never written to settings), each with Prometheus' own `up` for its job. With
 * Prometheus not answering, `up` is null and says why rather than guessing "down".
 */
export async function listServices(deps: { settings: Settings; scraped: Settings; demo: DemoFile | null; prometheus: PrometheusClient }): Promise<ServicesSnapshot> {
  const own = new Set(deps.settings.services.map((s) => s.name));
  const demoLogs = new Map((deps.demo?.services ?? []).map((s) => [s.name, s.logFile ? [s.logFile] : []]));
  let up: Map<string, boolean> | null = null;
  let upError: string | null = null;
  if (deps.scraped.stack.components.prometheus.enabled) {
    try {
      const series = await deps.prometheus.query('up');
      up = new Map(series.map((s) => [s.metric.job ?? '', s.value === 1]));
    } catch (err) {
      upError = (err as Error).message;
    }
  } else {
    upError = 'Prometheus is disabled in settings (stack.components.prometheus.enabled)';
  }
  return {
    services: deps.scraped.services.map((s) => {
      const state = up?.get(s.name);
      return {
        name: s.name,
        url: s.url,
        metricsPath: s.metricsPath,
        source: own.has(s.name) ? 'settings' : 'demo',
        up: state ?? null,
        upError: state === undefined ? (upError ?? 'not scraped yet') : null,
        logFiles: [...(s.logs ?? []), ...(own.has(s.name) ? [] : (demoLogs.get(s.name) ?? []))],
      };
    }),
  };
}
