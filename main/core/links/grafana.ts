/**
 * Grafana URLs on 127.0.0.1 — the only Grafana links the UI and notifications may open: a provisioned
 * dashboard, one of its panels (viewPanel), Explore with a query, and an alert's view around its start.
 * Dashboards are named by key and panels by their stable ids (main/core/grafana/dashboards).
 */
import { DASHBOARD_UIDS, panelIds, type DashboardKey } from '../grafana/dashboards/registry';
import { REFERENCE_SERVICES, type ReferenceService } from '../grafana/dashboards/slo';
import { DATASOURCES } from '../grafana/provisioning';
import type { Settings } from '../settings/schema';

/** The provisioned alerts dashboard (main/core/grafana/dashboards/alerts.ts). */
export const ALERTS_DASHBOARD_UID = DASHBOARD_UIDS.alerts;

/** Base URL of Lookout's Grafana, or null when it is disabled in settings (links then open Lookout instead). */
export function grafanaBaseUrl(settings: Settings): string | null {
  const c = settings.stack.components.grafana;
  return c.enabled ? `http://127.0.0.1:${c.port}` : null;
}

/** A Grafana time: epoch ms, or a relative expression such as `now-1h`. */
export type GrafanaTime = number | string;

export interface DashboardLinkOptions {
  from?: GrafanaTime;
  to?: GrafanaTime;
  /** Template variables, e.g. { job: 'llm' } → var-job=llm. */
  vars?: Record<string, string>;
}

function dashboardParams(opts: DashboardLinkOptions): URLSearchParams {
  const params = new URLSearchParams({ orgId: '1' });
  if (opts.from !== undefined) params.set('from', String(opts.from));
  if (opts.to !== undefined) params.set('to', String(opts.to));
  for (const [name, value] of Object.entries(opts.vars ?? {})) params.set(`var-${name}`, value);
  return params;
}

/** A provisioned dashboard (by key: system, services, llm, memory, gui, alerts, stack); null when Grafana is off. */
export function grafanaDashboardUrl(settings: Settings, dashboard: DashboardKey, opts: DashboardLinkOptions = {}): string | null {
  const base = grafanaBaseUrl(settings);
  return base && `${base}/d/${DASHBOARD_UIDS[dashboard]}?${dashboardParams(opts)}`;
}

/**
 * One panel of a dashboard on its own (`viewPanel`; Grafana ≥ 11 also resolves the numeric id). Throws for a
 * panel id the dashboard does not have: that is a bug in the caller, not something to link to.
 */
export function grafanaPanelUrl(settings: Settings, dashboard: DashboardKey, panelId: number, opts: DashboardLinkOptions = {}): string | null {
  if (!panelIds(dashboard).has(panelId)) throw new Error(`dashboard ${dashboard} has no panel ${panelId}`);
  const base = grafanaBaseUrl(settings);
  if (!base) return null;
  const params = dashboardParams(opts);
  params.set('viewPanel', String(panelId));
  return `${base}/d/${DASHBOARD_UIDS[dashboard]}?${params}`;
}

/** Explore with a PromQL query against Lookout's Prometheus datasource (Grafana ≥ 10 `panes` format). */
export function grafanaExploreUrl(settings: Settings, expr: string, range: { from?: GrafanaTime; to?: GrafanaTime } = {}): string | null {
  const base = grafanaBaseUrl(settings);
  if (!base) return null;
  const datasource = { type: DATASOURCES.prometheus.type, uid: DATASOURCES.prometheus.uid };
  const panes = {
    lookout: {
      datasource: datasource.uid,
      queries: [{ refId: 'A', expr, datasource }],
      range: { from: String(range.from ?? 'now-1h'), to: String(range.to ?? 'now') },
    },
  };
  return `${base}/explore?${new URLSearchParams({ schemaVersion: '1', orgId: '1', panes: JSON.stringify(panes) })}`;
}

/** Where an alert is best looked at: a dashboard, optionally one panel, and the variables that narrow it. */
export interface AlertView {
  dashboard: DashboardKey;
  panelId?: number;
  vars?: Record<string, string>;
}

const REFERENCE_JOBS = new Set<string>(REFERENCE_SERVICES);
const STACK_JOBS = new Set(['prometheus', 'alertmanager', 'node_exporter', 'lookout']);

/**
 * The view for an alert, by its name and labels (the rules of main/core/alerts/rules.ts): a reference
 * service's dashboard at the panel that shows the problem, the system dashboard for host alerts, stack health
 * for the monitoring itself, the services overview for other services, the alerts dashboard otherwise.
 */
export function alertView(labels: Record<string, string>): AlertView {
  const { alertname = '', job } = labels;
  const service = job && REFERENCE_JOBS.has(job) ? (job as ReferenceService) : null;
  const serviceView = (panelId: number | undefined): AlertView =>
    service ? { dashboard: service, panelId, vars: { job: service } } : job && !STACK_JOBS.has(job) ? { dashboard: 'services', vars: { job } } : { dashboard: 'stack', panelId: 3 };
  switch (alertname) {
    case 'ServiceDown':
      return service || (job && !STACK_JOBS.has(job)) ? serviceView(undefined) : { dashboard: 'stack', panelId: 3 };
    case 'HighErrorRate':
      return serviceView(3);
    case 'HighLatency':
      return serviceView(4);
    case 'HighIPCLatency':
    case 'IPCErrors':
      // Lookout's own probes carry `target`; a service's calls carry `peer`.
      if (labels.target !== undefined || job === 'lookout') return { dashboard: 'system', panelId: alertname === 'IPCErrors' ? 52 : 51 };
      return service === 'memory' ? { dashboard: 'memory', panelId: alertname === 'IPCErrors' ? 47 : 45, vars: { job: 'memory' } } : serviceView(alertname === 'IPCErrors' ? 43 : 41);
    case 'HostHighCPU':
      return { dashboard: 'system', panelId: 5 };
    case 'HostMemoryPressure':
      return { dashboard: 'system', panelId: 11 };
    case 'HostGPUSaturated':
      return { dashboard: 'system', panelId: 21 };
    case 'DiskAlmostFull':
      return { dashboard: 'system', panelId: 31 };
    case 'TargetScrapeGaps':
      return { dashboard: 'stack', panelId: 5 };
    case 'PrometheusRuleFailures':
      return { dashboard: 'stack', panelId: 14 };
    case 'AlertmanagerNotificationsFailing':
      return { dashboard: 'stack', panelId: 22 };
    default:
      return { dashboard: 'alerts', vars: job ? { job } : undefined };
  }
}

/** Half the window shown around an alert's start. */
const AROUND_MS = 30 * 60_000;

/**
 * The Grafana view for an alert (see alertView), over a range around the time it started: from 30 min
 * before to 30 min after, or to now while that is still ahead. null when Grafana is not configured (a
 * click then opens Lookout instead).
 */
export function grafanaAlertUrl(alert: { labels: Record<string, string>; startsAt: number }, settings: Settings, now: number = Date.now()): string | null {
  const view = alertView(alert.labels);
  const end = alert.startsAt + AROUND_MS;
  const range = { from: alert.startsAt - AROUND_MS, to: end < now ? end : 'now', vars: view.vars };
  return view.panelId === undefined ? grafanaDashboardUrl(settings, view.dashboard, range) : grafanaPanelUrl(settings, view.dashboard, view.panelId, range);
}
