import { describe, expect, it } from 'vitest';
import { DASHBOARD_UIDS, panelIds, type DashboardKey } from '../grafana/dashboards/registry';
import { defaultSettings, settingsSchema } from '../settings/schema';
import { isAllowedExternalUrl } from './allowlist';
import { alertView, grafanaAlertUrl, grafanaDashboardUrl, grafanaExploreUrl, grafanaPanelUrl } from './grafana';
import { alertmanagerAlertsUrl, alertmanagerSilencesUrl, prometheusPageUrl, prometheusQueryUrl } from './stack-ui';

const settings = settingsSchema.parse({ stack: { components: { grafana: { port: 3300 } } } });
const off = settingsSchema.parse({ stack: { components: { grafana: { enabled: false } } } });
const MIN = 60_000;

describe('Grafana links', () => {
  it('open a provisioned dashboard by key, with range and variables', () => {
    const url = new URL(grafanaDashboardUrl(settings, 'llm', { from: 'now-6h', to: 'now', vars: { job: 'llm', instance: '127.0.0.1:8080' } })!);
    expect(url.origin).toBe('http://127.0.0.1:3300');
    expect(url.pathname).toBe('/d/lookout-service-llm');
    expect(Object.fromEntries(url.searchParams)).toEqual({ orgId: '1', from: 'now-6h', to: 'now', 'var-job': 'llm', 'var-instance': '127.0.0.1:8080' });
  });

  it('open one panel with viewPanel, and refuse a panel the dashboard does not have', () => {
    const url = new URL(grafanaPanelUrl(settings, 'system', 5, { from: 1_000, to: 2_000 })!);
    expect(url.pathname).toBe('/d/lookout-system');
    expect(url.searchParams.get('viewPanel')).toBe('5');
    expect(panelIds('system').get(5)).toBe('CPU by mode');
    expect(() => grafanaPanelUrl(settings, 'system', 999)).toThrow('dashboard system has no panel 999');
    // A row is not a panel one can view.
    expect(() => grafanaPanelUrl(settings, 'system', 1)).toThrow();
  });

  it('open Explore with a query on Lookout\'s Prometheus datasource', () => {
    const url = new URL(grafanaExploreUrl(settings, 'rate(http_requests_total{job="llm"}[5m])', { from: 'now-15m' })!);
    expect(url.pathname).toBe('/explore');
    const panes = JSON.parse(url.searchParams.get('panes')!) as Record<string, { datasource: string; queries: Array<{ expr: string; datasource: { uid: string } }>; range: unknown }>;
    const pane = Object.values(panes)[0]!;
    expect(pane.datasource).toBe('lookout-prometheus');
    expect(pane.queries[0]).toMatchObject({ refId: 'A', expr: 'rate(http_requests_total{job="llm"}[5m])', datasource: { type: 'prometheus', uid: 'lookout-prometheus' } });
    expect(pane.range).toEqual({ from: 'now-15m', to: 'now' });
  });

  it('are null when Grafana is disabled (the UI then opens Lookout itself)', () => {
    expect(grafanaDashboardUrl(off, 'system')).toBeNull();
    expect(grafanaPanelUrl(off, 'system', 5)).toBeNull();
    expect(grafanaExploreUrl(off, 'up')).toBeNull();
    expect(grafanaAlertUrl({ labels: { alertname: 'ServiceDown', job: 'llm' }, startsAt: 0 }, off)).toBeNull();
  });
});

describe('alert links', () => {
  const start = Date.UTC(2025, 0, 1, 12, 0);

  it('show the range around the start: 30 min either side once that is past, up to now while it is not', () => {
    const old = new URL(grafanaAlertUrl({ labels: { alertname: 'HostHighCPU', job: 'lookout' }, startsAt: start }, settings, start + 3 * 60 * MIN)!);
    expect(old.searchParams.get('from')).toBe(String(start - 30 * MIN));
    expect(old.searchParams.get('to')).toBe(String(start + 30 * MIN));
    const fresh = new URL(grafanaAlertUrl({ labels: { alertname: 'HostHighCPU', job: 'lookout' }, startsAt: start }, settings, start + 5 * MIN)!);
    expect(fresh.searchParams.get('from')).toBe(String(start - 30 * MIN));
    expect(fresh.searchParams.get('to')).toBe('now');
  });

  it.each([
    [{ alertname: 'ServiceDown', job: 'llm' }, '/d/lookout-service-llm', null, 'llm'],
    [{ alertname: 'ServiceDown', job: 'my-api' }, '/d/lookout-services', null, 'my-api'],
    [{ alertname: 'ServiceDown', job: 'alertmanager' }, '/d/lookout-stack', '3', null],
    [{ alertname: 'HighErrorRate', job: 'gui' }, '/d/lookout-service-gui', '3', 'gui'],
    [{ alertname: 'HighLatency', job: 'memory' }, '/d/lookout-service-memory', '4', 'memory'],
    [{ alertname: 'HighIPCLatency', job: 'llm', peer: 'memory' }, '/d/lookout-service-llm', '41', 'llm'],
    [{ alertname: 'HighIPCLatency', target: 'memory-socket', transport: 'unix' }, '/d/lookout-system', '51', null],
    [{ alertname: 'IPCErrors', job: 'lookout', target: 'memory-socket' }, '/d/lookout-system', '52', null],
    [{ alertname: 'HostMemoryPressure' }, '/d/lookout-system', '11', null],
    [{ alertname: 'HostGPUSaturated', gpu: '0' }, '/d/lookout-system', '21', null],
    [{ alertname: 'DiskAlmostFull', mountpoint: '/' }, '/d/lookout-system', '31', null],
    [{ alertname: 'TargetScrapeGaps', job: 'llm' }, '/d/lookout-stack', '5', null],
    [{ alertname: 'PrometheusRuleFailures', rule_group: 'lookout' }, '/d/lookout-stack', '14', null],
    [{ alertname: 'AlertmanagerNotificationsFailing', integration: 'slack' }, '/d/lookout-stack', '22', null],
    [{ alertname: 'Watchdog' }, '/d/lookout-alerts', null, null],
    [{ alertname: 'SomethingOfMine', job: 'my-api' }, '/d/lookout-alerts', null, 'my-api'],
  ])('%o → %s panel %s', (labels, path, panel, job) => {
    const url = new URL(grafanaAlertUrl({ labels, startsAt: start }, settings, start)!);
    expect(url.pathname).toBe(path);
    expect(url.searchParams.get('viewPanel')).toBe(panel);
    expect(url.searchParams.get('var-job')).toBe(job);
    expect(isAllowedExternalUrl(url.toString(), settings)).toBe(true);
  });

  it('only points at panels that exist (every alert name Lookout ships, every reference job)', () => {
    const names = ['ServiceDown', 'HighErrorRate', 'HighLatency', 'HighIPCLatency', 'IPCErrors', 'HostHighCPU', 'HostMemoryPressure', 'HostGPUSaturated', 'DiskAlmostFull', 'TargetScrapeGaps', 'PrometheusRuleFailures', 'AlertmanagerNotificationsFailing', 'Watchdog'];
    for (const alertname of names) {
      for (const job of [undefined, 'llm', 'memory', 'gui', 'lookout', 'prometheus', 'other']) {
        const view = alertView(job ? { alertname, job } : { alertname });
        if (view.panelId !== undefined) expect(panelIds(view.dashboard).has(view.panelId), `${alertname} ${job}: ${view.dashboard} ${view.panelId}`).toBe(true);
        expect(() => grafanaAlertUrl({ labels: job ? { alertname, job } : { alertname }, startsAt: start }, settings)).not.toThrow();
      }
    }
  });
});

describe('Prometheus and Alertmanager links', () => {
  const s = defaultSettings();
  it('point at their own UIs on loopback', () => {
    const q = new URL(prometheusQueryUrl(s, 'up == 0', '6h')!);
    expect(q.origin + q.pathname).toBe('http://127.0.0.1:9090/graph');
    expect(q.searchParams.get('g0.expr')).toBe('up == 0');
    expect(q.searchParams.get('g0.range_input')).toBe('6h');
    expect(prometheusPageUrl(s, 'targets')).toBe('http://127.0.0.1:9090/targets');
    expect(alertmanagerSilencesUrl(s)).toBe('http://127.0.0.1:9093/#/silences');
    const am = alertmanagerAlertsUrl(s, { alertname: 'ServiceDown', job: 'llm' })!;
    expect(decodeURIComponent(am)).toBe('http://127.0.0.1:9093/#/alerts?filter={alertname="ServiceDown",job="llm"}');
    expect(prometheusQueryUrl(settingsSchema.parse({ stack: { components: { prometheus: { enabled: false } } } }), 'up')).toBeNull();
  });
});

describe('isAllowedExternalUrl and the link builders', () => {
  it('allows every URL the builders make', () => {
    const urls = [
      ...(Object.keys(DASHBOARD_UIDS) as DashboardKey[]).flatMap((k) => [grafanaDashboardUrl(settings, k, { vars: { job: 'x' } }), ...[...panelIds(k).keys()].map((id) => grafanaPanelUrl(settings, k, id))]),
      grafanaExploreUrl(settings, 'sum(rate(http_requests_total[5m]))'),
      prometheusQueryUrl(settings, 'up'),
      prometheusPageUrl(settings, 'alerts'),
      prometheusPageUrl(settings, 'rules'),
      alertmanagerAlertsUrl(settings, { alertname: 'X' }),
      alertmanagerSilencesUrl(settings),
      'http://127.0.0.1:3300/login',
      'http://127.0.0.1:3300/d/lookout-system/lookout-system',
    ];
    for (const url of urls) expect(isAllowedExternalUrl(url!, settings), url!).toBe(true);
  });

  it.each([
    'http://127.0.0.1:3300/d/someone-elses-dashboard',
    'http://127.0.0.1:3300/api/admin/users',
    'http://127.0.0.1:3300/admin/users',
    'http://127.0.0.1:9090/api/v1/admin/tsdb/delete_series',
    'http://127.0.0.1:9093/api/v2/silences',
    'http://127.0.0.1:9469/api/v1/grafana/credentials',
    'http://localhost:3300/d/lookout-system',
    'https://127.0.0.1:3300/d/lookout-system',
  ])('refuses what no builder makes: %s', (url) => expect(isAllowedExternalUrl(url, settings)).toBe(false));
});
