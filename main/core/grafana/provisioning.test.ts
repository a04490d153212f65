import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { paths as layout } from '../paths';
import { defaultSettings, settingsSchema, type Settings } from '../settings/schema';
import { renderStack } from '../stack/render';
import { DASHBOARD_FOLDER, DATASOURCES, renderDashboardProvider, renderDatasources } from './provisioning';

interface Datasource {
  uid: string;
  name: string;
  type: string;
  url: string;
  isDefault?: boolean;
  editable?: boolean;
  jsonData?: Record<string, unknown>;
  basicAuth?: boolean;
  basicAuthUser?: string;
  secureJsonData?: Record<string, string>;
}

const home = layout('/home/me/.local/share/lookout');
const datasources = (s: Settings) => (parse(renderDatasources(s, home)) as { datasources: Datasource[] }).datasources;

describe('datasource provisioning', () => {
  it('provisions Prometheus (the default) and Alertmanager with stable uids, on loopback, at the ports in settings', () => {
    const s = settingsSchema.parse({ stack: { scrapeInterval: '10s', components: { prometheus: { port: 9191 }, alertmanager: { port: 9194 } } } });
    const list = datasources(s);
    expect(list.map((d) => d.uid)).toEqual(['lookout-prometheus', 'lookout-alertmanager']);
    const [prom, am] = list as [Datasource, Datasource];
    expect(prom).toMatchObject({ type: 'prometheus', url: 'http://127.0.0.1:9191', isDefault: true, editable: false });
    // $__rate_interval is computed from this: it must be the real scrape interval.
    expect(prom.jsonData).toMatchObject({ timeInterval: '10s' });
    expect(am).toMatchObject({ type: 'alertmanager', url: 'http://127.0.0.1:9194', editable: false, jsonData: { implementation: 'prometheus' } });
    expect(list.filter((d) => d.isDefault)).toHaveLength(1);
    expect(DATASOURCES.prometheus.uid).toBe('lookout-prometheus');
  });

  it('adds Jaeger when it is enabled and Loki when logs ship to one; exemplars and log lines link to the trace', () => {
    const base = defaultSettings();
    expect(datasources(base).map((d) => d.type)).toEqual(['prometheus', 'alertmanager']);
    // Without Jaeger, an exemplar opens Lookout's own trace view ($ escaped for Grafana's expansion).
    expect(parse(renderDatasources(base, home)).datasources[0].jsonData.exemplarTraceIdDestinations).toEqual([
      { name: 'trace_id', url: 'http://127.0.0.1:9469/#/traces/$${__value.raw}', urlDisplayLabel: 'Open in Lookout' },
    ]);
    const s = settingsSchema.parse({
      stack: { components: { jaeger: { enabled: true, port: 16687 } } },
      logs: { ship: [{ type: 'loki', url: 'http://127.0.0.1:3100/loki/api/v1/push' }] },
    });
    const both = datasources(s);
    expect(both.find((d) => d.type === 'jaeger')).toMatchObject({ uid: 'lookout-jaeger', url: 'http://127.0.0.1:16687' });
    expect(both.find((d) => d.type === 'loki')).toMatchObject({ uid: 'lookout-loki', url: 'http://127.0.0.1:3100' });
    const rendered = parse(renderDatasources(s, home)) as { datasources: Array<{ type: string; jsonData: Record<string, unknown> }> };
    expect(rendered.datasources[0]!.jsonData.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'lookout-jaeger' }]);
    expect(rendered.datasources.find((d) => d.type === 'loki')!.jsonData.derivedFields).toEqual([
      { name: 'trace_id', matcherRegex: '"trace_id":"([0-9a-f]{32})"', datasourceUid: 'lookout-jaeger', url: '$${__value.raw}' },
    ]);
  });

  it('prunes datasources Lookout no longer renders, and holds no credentials with lock-down off', () => {
    const text = renderDatasources(settingsSchema.parse({ stack: { lockdown: { enabled: false } } }), home);
    expect(parse(text)).toMatchObject({ apiVersion: 1, prune: true });
    expect(text).not.toMatch(/password|secureJsonData|basicAuth/i);
  });

  it('with lock-down on (the default), logs in with the stack user and the password by $__file reference, unescaped', () => {
    const text = renderDatasources(defaultSettings(), home);
    for (const ds of datasources(defaultSettings())) {
      expect(ds).toMatchObject({
        basicAuth: true,
        basicAuthUser: 'lookout',
        secureJsonData: { basicAuthPassword: '$__file{/home/me/.local/share/lookout/secrets/stack-password}' },
      });
    }
    // Grafana would otherwise read `$$__file{…}` as a literal.
    expect(text).not.toContain('$$__file');
  });

  it('points at an attached Prometheus with its own credentials (basic auth or bearer token file)', () => {
    const s = settingsSchema.parse({
      stack: {
        components: {
          prometheus: { attach: { url: 'https://prom.example.org/prom/', username: 'me', passwordFile: '/etc/lookout/prom-pass' } },
          alertmanager: { attach: { url: 'http://127.0.0.1:19093', bearerTokenFile: '/etc/lookout/am-token' } },
        },
      },
    });
    const [prom, am] = datasources(s) as [Datasource, Datasource];
    expect(prom).toMatchObject({ url: 'https://prom.example.org/prom', basicAuth: true, basicAuthUser: 'me', secureJsonData: { basicAuthPassword: '$__file{/etc/lookout/prom-pass}' } });
    expect(prom.jsonData).toMatchObject({ timeInterval: '5s' });
    expect(am).toMatchObject({ url: 'http://127.0.0.1:19093', jsonData: { implementation: 'prometheus', httpHeaderName1: 'Authorization' }, secureJsonData: { httpHeaderValue1: 'Bearer $__file{/etc/lookout/am-token}' } });
    expect(am.basicAuth).toBeUndefined();
  });
});

describe('dashboard provisioning', () => {
  it('reads the dashboards Lookout renders under $LOOKOUT_HOME, read-only in the Lookout folder', () => {
    const paths = layout('/Users/me/Library/Application Support/Lookout');
    const provider = (parse(renderDashboardProvider(paths)) as { providers: Array<Record<string, unknown>> }).providers;
    expect(provider).toHaveLength(1);
    expect(provider[0]).toMatchObject({
      type: 'file',
      folder: DASHBOARD_FOLDER.title,
      folderUid: 'lookout',
      allowUiUpdates: false,
      disableDeletion: true,
      options: { path: '/Users/me/Library/Application Support/Lookout/stack/grafana/dashboards' },
    });
    const rendered = renderStack(defaultSettings(), paths).map((f) => f.path);
    expect(rendered).toContain('grafana/dashboards/lookout-system.json');
  });

  it('escapes $ so Grafana does not expand part of a path as an environment variable', () => {
    const provider = parse(renderDashboardProvider(layout('/tmp/$HOME/x'))) as { providers: Array<{ options: { path: string } }> };
    expect(provider.providers[0]!.options.path).toBe('/tmp/$$HOME/x/stack/grafana/dashboards');
  });
});
