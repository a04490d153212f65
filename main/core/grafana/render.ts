import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import type { RenderedFile } from '../stack/component-spec';
import { committedDashboards } from './committed-dashboards';
import { GRAFANA_DASHBOARDS, GRAFANA_DATASOURCES_FILE, GRAFANA_INI, GRAFANA_PROVIDER_FILE, GRAFANA_PROVISIONING, renderGrafanaIni } from './ini';
import { lokiUrl, renderDashboardProvider, renderDatasources } from './provisioning';

const NOTHING = '# Rendered by Lookout: nothing to provision here (the file keeps Grafana from logging a missing directory).\n';

/**
 * Grafana's files under the stack dir: grafana.ini, the datasource and dashboard provisioning, and the
 * dashboards themselves (the committed export of the dashboards-as-code, checked against the code by a test). Pure.
 */
export function renderGrafana(settings: Settings, paths: Paths): RenderedFile[] {
  return [
    { path: GRAFANA_INI, content: renderGrafanaIni(settings, paths) },
    { path: GRAFANA_DATASOURCES_FILE, content: renderDatasources(settings, paths) },
    { path: GRAFANA_PROVIDER_FILE, content: renderDashboardProvider(paths) },
    // Grafana reads these provisioning dirs too and logs an error for each one missing; Lookout provisions nothing there.
    { path: `${GRAFANA_PROVISIONING}/alerting/lookout.yaml`, content: `${NOTHING}apiVersion: 1\n` },
    { path: `${GRAFANA_PROVISIONING}/plugins/lookout.yaml`, content: `${NOTHING}apiVersion: 1\napps: []\n` },
    // The service dashboards' log panels query the lookout-loki datasource, provisioned under the same condition.
    ...committedDashboards({ loki: lokiUrl(settings) !== null }).map((f) => ({ path: `${GRAFANA_DASHBOARDS}/${f.name}`, content: f.content })),
  ];
}
