import type { QuickLink } from '../../../common/model';
import type { Settings } from '../settings/schema';
import { isAllowedExternalUrl } from './allowlist';
import { grafanaDashboardUrl } from './grafana';
import { jaegerUiUrl } from './jaeger';
import { alertmanagerAlertsUrl, prometheusPageUrl } from './stack-ui';

/**
 * The popover's quick links, made by the link builders and passed through the allowlist, so the
 * UI can only offer what the shell will agree to open. A component that is disabled has no link.
 */
export function quickLinks(settings: Settings): QuickLink[] {
  const jaeger = jaegerUiUrl(settings);
  const candidates: Array<[string, string, string | null]> = [
    ['grafana-system', 'Grafana: system', grafanaDashboardUrl(settings, 'system')],
    ['grafana-services', 'Grafana: services', grafanaDashboardUrl(settings, 'services')],
    ['grafana-alerts', 'Grafana: alerts', grafanaDashboardUrl(settings, 'alerts')],
    ['prometheus', 'Prometheus targets', prometheusPageUrl(settings, 'targets')],
    ['alertmanager', 'Alertmanager', alertmanagerAlertsUrl(settings)],
    // Only when the jaeger component is enabled; off by default, Lookout's own trace views serve then.
    ['jaeger', 'Jaeger', jaeger && `${jaeger}/search`],
  ];
  return candidates
    .filter((c): c is [string, string, string] => c[2] !== null && isAllowedExternalUrl(c[2], settings))
    .map(([id, label, url]) => ({ id, label, url }));
}
