import type { ComponentId, QuickLink } from '../../../common/model';
import type { Linkable } from './availability';
import type { Settings } from '../settings/schema';
import { isAllowedExternalUrl } from './allowlist';
import { grafanaDashboardUrl } from './grafana';
import { jaegerUiUrl } from './jaeger';
import { alertmanagerAlertsUrl, prometheusPageUrl } from './stack-ui';

/**
 * The popover's quick links, made by the link builders and passed through the allowlist, so the
 * UI can only offer what the shell will agree to open. A component that is disabled has no link, nor
 * one that is not running when `linkable` is given (links/availability.ts).
 */
export function quickLinks(settings: Settings, linkable: Linkable = () => true): QuickLink[] {
  const jaeger = jaegerUiUrl(settings);
  const candidates: Array<[string, string, string | null, ComponentId]> = [
    ['grafana-system', 'Grafana: system', grafanaDashboardUrl(settings, 'system'), 'grafana'],
    ['grafana-services', 'Grafana: services', grafanaDashboardUrl(settings, 'services'), 'grafana'],
    ['grafana-alerts', 'Grafana: alerts', grafanaDashboardUrl(settings, 'alerts'), 'grafana'],
    ['prometheus', 'Prometheus targets', prometheusPageUrl(settings, 'targets'), 'prometheus'],
    ['alertmanager', 'Alertmanager', alertmanagerAlertsUrl(settings), 'alertmanager'],
    // Only when the jaeger component is enabled (off by default: Lookout's own trace views serve then).
    ['jaeger', 'Jaeger', jaeger && `${jaeger}/search`, 'jaeger'],
  ];
  return candidates
    .filter((c): c is [string, string, string, ComponentId] => c[2] !== null && linkable(c[3]) && isAllowedExternalUrl(c[2], settings))
    .map(([id, label, url]) => ({ id, label, url }));
}
