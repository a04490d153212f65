/**
 * Links into Prometheus' and Alertmanager's own web UIs on 127.0.0.1, for what Grafana does not show
 * (targets, rules, silences). Like the Grafana links, these are the only such URLs the UI may open.
 */
import type { Settings } from '../settings/schema';
import { componentUrl } from '../stack/component-spec';

/** Its own loopback port, or the server it is attached to. */
const base = (settings: Settings, id: 'prometheus' | 'alertmanager'): string | null =>
  settings.stack.components[id].enabled ? componentUrl(settings, id) : null;

/** Prometheus' expression browser with a query (graph tab) over a relative range such as `1h`. */
export function prometheusQueryUrl(settings: Settings, expr: string, range = '1h'): string | null {
  const b = base(settings, 'prometheus');
  return b && `${b}/graph?${new URLSearchParams({ 'g0.expr': expr, 'g0.tab': '0', 'g0.range_input': range })}`;
}

/** Prometheus' pages Lookout links to. */
export const PROMETHEUS_PAGES = ['alerts', 'targets', 'rules'] as const;
export type PrometheusPage = (typeof PROMETHEUS_PAGES)[number];

export function prometheusPageUrl(settings: Settings, page: PrometheusPage): string | null {
  const b = base(settings, 'prometheus');
  return b && `${b}/${page}`;
}

/** Alertmanager's alert list, filtered by label matchers (e.g. { alertname: 'ServiceDown', job: 'llm' }). */
export function alertmanagerAlertsUrl(settings: Settings, labels: Record<string, string> = {}): string | null {
  const b = base(settings, 'alertmanager');
  if (!b) return null;
  const matchers = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return matchers.length ? `${b}/#/alerts?${new URLSearchParams({ filter: `{${matchers.join(',')}}` })}` : `${b}/#/alerts`;
}

/** Alertmanager's silences (Lookout's acks and snoozes are silences). */
export function alertmanagerSilencesUrl(settings: Settings): string | null {
  const b = base(settings, 'alertmanager');
  return b && `${b}/#/silences`;
}
