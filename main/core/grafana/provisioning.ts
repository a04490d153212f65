import { stringify } from 'yaml';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import { attachOf } from '../lockdown/attach';
import { stackPasswordFile, STACK_USER } from '../lockdown/credentials';
import { reach, reachUrl } from '../runtime/addresses';
import { componentUrl } from '../stack/component-spec';
import { grafanaDirs } from './ini';

/**
 * Datasource uids are part of the dashboards (every panel names its datasource by uid) and of links
 * (Explore), so they never change. Names are what the user sees in Grafana.
 */
export const DATASOURCES = {
  prometheus: { uid: 'lookout-prometheus', name: 'Lookout Prometheus', type: 'prometheus' },
  alertmanager: { uid: 'lookout-alertmanager', name: 'Lookout Alertmanager', type: 'alertmanager' },
  jaeger: { uid: 'lookout-jaeger', name: 'Lookout Jaeger', type: 'jaeger' },
  loki: { uid: 'lookout-loki', name: 'Lookout Loki', type: 'loki' },
} as const;

/** Grafana folder (and its uid) holding Lookout's provisioned dashboards. */
export const DASHBOARD_FOLDER = { uid: 'lookout', title: 'Lookout' };

/**
 * The Loki a log ship target pushes to, as a base URL for Grafana (the push path left off), or null. Also
 * decides whether the service dashboards get their log panels (render.ts): both or neither.
 */
export function lokiUrl(settings: Settings): string | null {
  const target = settings.logs.ship.find((t) => t.type === 'loki');
  return target ? target.url.replace(/\/loki\/api\/v1\/push\/?$/, '').replace(/\/$/, '') : null;
}

/**
 * Grafana expands `$VAR` and `${VAR}` in provisioning files; a literal `$` (a path, a URL) must be written `$$`.
 * `secureJsonData` is the exception: Lookout writes only `$__file{…}` references there (to paths the settings
 * schema keeps free of `$`, `{` and `}`), which Grafana must expand.
 */
function escapeDollars<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$') as T;
  if (Array.isArray(value)) return value.map(escapeDollars) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'secureJsonData' ? v : escapeDollars(v)])) as T;
  }
  return value;
}

/** Grafana's file expansion (trimmed content), so the password itself is never in the provisioning file. */
const fileRef = (file: string) => `$__file{${file}}`;

/**
 * How Grafana authenticates to Prometheus or Alertmanager: the stack credential when Lookout runs the
 * component locked down, the attach credentials when it is attached; nothing otherwise.
 */
function datasourceAuth(settings: Settings, paths: Pick<Paths, 'secretsDir'>, id: 'prometheus' | 'alertmanager'): Record<string, unknown> {
  const attach = attachOf(settings, id);
  if (attach?.username && attach.passwordFile) {
    return { basicAuth: true, basicAuthUser: attach.username, secureJsonData: { basicAuthPassword: fileRef(attach.passwordFile) } };
  }
  if (attach?.bearerTokenFile) return { jsonData: { httpHeaderName1: 'Authorization' }, secureJsonData: { httpHeaderValue1: `Bearer ${fileRef(attach.bearerTokenFile)}` } };
  if (attach || !settings.stack.lockdown.enabled) return {};
  return { basicAuth: true, basicAuthUser: STACK_USER, secureJsonData: { basicAuthPassword: fileRef(stackPasswordFile(paths)) } };
}

/** A datasource with its auth; jsonData from both sides is merged (the bearer header name lives there). */
function withAuth(ds: Record<string, unknown>, auth: Record<string, unknown>): Record<string, unknown> {
  const { jsonData, ...rest } = auth;
  return { ...ds, ...rest, jsonData: { ...(ds.jsonData as object), ...(jsonData as object | undefined) } };
}

const yaml = (doc: unknown) => `# Rendered by Lookout from settings.json; edits here are overwritten.\n${stringify(escapeDollars(doc), { lineWidth: 0 })}`;

/** provisioning/datasources/lookout.yaml as an object. */
export function datasourcesConfig(settings: Settings, paths: Pick<Paths, 'secretsDir'>): Record<string, unknown> {
  const c = settings.stack.components;
  // Grafana's server makes these requests (access: proxy): from its container when it runs in Docker.
  const server = (id: 'prometheus' | 'alertmanager' | 'jaeger') => (attachOf(settings, id) ? componentUrl(settings, id) : `http://${reach(settings, 'grafana', id)}`);
  const datasources: Record<string, unknown>[] = [
    withAuth({
      ...DATASOURCES.prometheus,
      access: 'proxy',
      url: server('prometheus'),
      isDefault: true,
      editable: false,
      // Grafana's $__rate_interval is max(4 × this, interval + this): it must match the real scrape interval.
      jsonData: {
        httpMethod: 'POST',
        timeInterval: settings.stack.scrapeInterval,
        manageAlerts: false,
        // The kit's histograms carry trace ids as exemplars (label trace_id): a dot on a latency panel opens
        // its trace, in Jaeger when it runs, else in Lookout's own trace view.
        exemplarTraceIdDestinations: [
          c.jaeger.enabled
            ? { name: 'trace_id', datasourceUid: DATASOURCES.jaeger.uid }
            : { name: 'trace_id', url: `http://127.0.0.1:${settings.lookout.port}/#/traces/\${__value.raw}`, urlDisplayLabel: 'Open in Lookout' },
        ],
      },
    }, datasourceAuth(settings, paths, 'prometheus')),
    withAuth({
      ...DATASOURCES.alertmanager,
      access: 'proxy',
      url: server('alertmanager'),
      editable: false,
      // Lookout's Alertmanager is a plain Prometheus Alertmanager; Grafana must not push its own alerts into it.
      jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
    }, datasourceAuth(settings, paths, 'alertmanager')),
  ];
  if (c.jaeger.enabled) datasources.push({ ...DATASOURCES.jaeger, access: 'proxy', url: server('jaeger'), editable: false });
  const loki = lokiUrl(settings);
  // Loki is not supervised: it is wherever the log shipping sends to.
  if (loki) {
    datasources.push({
      ...DATASOURCES.loki,
      access: 'proxy',
      url: reachUrl(settings, 'grafana', loki),
      editable: false,
      // The trace_id in a log line (the kit's JSON schema) opens its trace, as an exemplar does.
      jsonData: {
        derivedFields: [
          c.jaeger.enabled
            ? { name: 'trace_id', matcherRegex: '"trace_id":"([0-9a-f]{32})"', datasourceUid: DATASOURCES.jaeger.uid, url: '${__value.raw}' }
            : { name: 'trace_id', matcherRegex: '"trace_id":"([0-9a-f]{32})"', url: `http://127.0.0.1:${settings.lookout.port}/#/traces/\${__value.raw}` },
        ],
      },
    });
  }
  return {
    apiVersion: 1,
    // Datasources Lookout provisioned earlier and no longer renders (a component disabled) are removed.
    prune: true,
    datasources,
  };
}

/** provisioning/dashboards/lookout.yaml: one file provider reading the dashboards Lookout renders. */
export function dashboardProviderConfig(paths: Paths): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'lookout',
        orgId: 1,
        folder: DASHBOARD_FOLDER.title,
        folderUid: DASHBOARD_FOLDER.uid,
        type: 'file',
        // They are code: edits in the UI would be overwritten on the next render, so Grafana refuses them.
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: grafanaDirs(paths).dashboards, foldersFromFilesStructure: false },
      },
    ],
  };
}

export const renderDatasources = (settings: Settings, paths: Pick<Paths, 'secretsDir'>): string => yaml(datasourcesConfig(settings, paths));
export const renderDashboardProvider = (paths: Paths): string => yaml(dashboardProviderConfig(paths));
