import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { paths as makePaths } from '../paths';
import { settingsSchema, type SettingsInput } from '../settings/schema';
import type { RenderedFile } from './component-spec';
import { componentOf, renderStack, renderedHash } from './render';

const paths = makePaths('/home/test/.lookout');

interface Job {
  job_name: string;
  scheme?: string;
  metrics_path?: string;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
}

function render(input: SettingsInput = {}) {
  const files = renderStack(settingsSchema.parse(input), paths);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const doc = (p: string) => {
    const f = byPath.get(p);
    if (!f) throw new Error(`${p} was not rendered`);
    return parse(f.content) as Record<string, unknown>;
  };
  const prom = doc('prometheus.yml') as { global: Record<string, string>; rule_files: string[]; alerting?: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> }; scrape_configs: Job[] };
  return { files, prom, am: doc('alertmanager.yml') as { route: Record<string, unknown>; receivers: unknown[] }, rules: doc('rules/lookout.yml'), job: (n: string) => prom.scrape_configs.find((j) => j.job_name === n) };
}

describe('renderStack', () => {
  it('renders exactly the stack files with relative paths: Prometheus, Alertmanager, Grafana and its dashboards, Jaeger', () => {
    expect(render().files.map((f) => f.path).sort()).toEqual([
      'alertmanager.yml',
      'grafana/dashboards/lookout-alerts.json',
      'grafana/dashboards/lookout-service-gui.json',
      'grafana/dashboards/lookout-service-llm.json',
      'grafana/dashboards/lookout-service-memory.json',
      'grafana/dashboards/lookout-services.json',
      'grafana/dashboards/lookout-stack.json',
      'grafana/dashboards/lookout-system.json',
      'grafana/grafana.ini',
      'grafana/provisioning/alerting/lookout.yaml',
      'grafana/provisioning/dashboards/lookout.yaml',
      'grafana/provisioning/datasources/lookout.yaml',
      'grafana/provisioning/plugins/lookout.yaml',
      'jaeger/config.yaml',
      'prometheus.yml',
      'rules/lookout.yml',
    ]);
  });

  it('prometheus.yml: intervals from settings, relative rule_files, alerting to the local Alertmanager', () => {
    const { prom } = render({ stack: { scrapeInterval: '5s', evaluationInterval: '1m', components: { alertmanager: { port: 19093 } } } });
    expect(prom.global).toEqual({ scrape_interval: '5s', evaluation_interval: '1m' });
    expect(prom.rule_files).toEqual(['rules/*.yml']);
    expect(prom.alerting?.alertmanagers).toEqual([{ basic_auth: { username: 'lookout', password_file: '/home/test/.lookout/secrets/stack-password' }, static_configs: [{ targets: ['127.0.0.1:19093'] }] }]);
  });

  it('scrapes our own components and Lookout on 127.0.0.1 at their configured ports', () => {
    const { prom, job } = render({ lookout: { port: 19469 }, stack: { components: { prometheus: { port: 19090 }, node_exporter: { port: 19100 } } } });
    expect(prom.scrape_configs.map((j) => j.job_name)).toEqual(['prometheus', 'alertmanager', 'node_exporter', 'lookout']);
    expect(job('prometheus')?.static_configs).toEqual([{ targets: ['127.0.0.1:19090'] }]);
    expect(job('alertmanager')?.static_configs).toEqual([{ targets: ['127.0.0.1:9093'] }]);
    expect(job('node_exporter')?.static_configs).toEqual([{ targets: ['127.0.0.1:19100'] }]);
    expect(job('lookout')).toEqual({ job_name: 'lookout', metrics_path: '/metrics', static_configs: [{ targets: ['127.0.0.1:19469'] }] });
    for (const j of prom.scrape_configs) for (const sc of j.static_configs) for (const t of sc.targets) expect(t).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('leaves out disabled components: no scrape job and no alerting block without Alertmanager', () => {
    const { prom } = render({ stack: { components: { alertmanager: { enabled: false }, node_exporter: { enabled: false } } } });
    expect(prom.scrape_configs.map((j) => j.job_name)).toEqual(['prometheus', 'lookout']);
    expect(prom.alerting).toBeUndefined();
    const noProm = render({ stack: { components: { prometheus: { enabled: false } } } }).prom;
    expect(noProm.scrape_configs.map((j) => j.job_name)).toEqual(['alertmanager', 'node_exporter', 'lookout']);
  });

  it('renders one job per service: scheme, host:port, metrics path and labels from settings', () => {
    const { job } = render({
      services: [
        { name: 'api', url: 'https://[::1]:8443', metricsPath: '/internal/metrics', labels: { team: 'payments', note: 'a: b # not a comment' } },
        { name: 'web-1', url: 'http://localhost:3001/ignored/path' },
        { name: 'plain', url: 'http://127.0.0.1' },
      ],
    });
    expect(job('api')).toEqual({
      job_name: 'api',
      scheme: 'https',
      metrics_path: '/internal/metrics',
      static_configs: [{ targets: ['[::1]:8443'], labels: { team: 'payments', note: 'a: b # not a comment' } }],
    });
    expect(job('web-1')).toEqual({ job_name: 'web-1', scheme: 'http', metrics_path: '/metrics', static_configs: [{ targets: ['localhost:3001'] }] });
    expect(job('plain')?.static_configs).toEqual([{ targets: ['127.0.0.1'] }]);
  });

  it('rules/lookout.yml: one group of recording and alert rules at the alerts evaluation interval (main/core/alerts/rules.test.ts covers them)', () => {
    const groups = (render({ alerts: { evaluationInterval: '7s' } }).rules as { groups: Array<{ name: string; interval: string; rules: Array<{ alert?: string }> }> }).groups;
    expect(groups.map((g) => [g.name, g.interval])).toEqual([['lookout', '7s']]);
    expect(groups[0]!.rules.some((r) => r.alert === 'ServiceDown')).toBe(true);
  });

  it('alertmanager.yml: routes everything to the Lookout webhook, token by file only (main/core/alerts/routing.test.ts covers routing)', () => {
    const { am, files } = render({ lookout: { port: 19469 } });
    expect(am.route).toMatchObject({ receiver: 'lookout', group_wait: '3s', group_interval: '10s', repeat_interval: '4h' });
    expect((am.receivers as Array<{ name: string }>).map((r) => r.name)).toEqual(['lookout', 'desktop']);
    expect(am.receivers.slice(0, 1)).toEqual([
      {
        name: 'lookout',
        webhook_configs: [
          {
            url: 'http://127.0.0.1:19469/api/v1/alertmanager/webhook',
            send_resolved: true,
            http_config: { authorization: { type: 'Bearer', credentials_file: '/home/test/.lookout/secrets/webhook-token' } },
          },
        ],
      },
    ]);
    const text = files.find((f) => f.path === 'alertmanager.yml')!.content;
    // Only the file reference: an inline secret would end up in a world-readable config.
    expect(text).not.toMatch(/^\s*(credentials|bearer_token|password):/m);
  });

  it('is deterministic', () => {
    const input = { services: [{ name: 'svc', url: 'http://127.0.0.1:8080', labels: { b: '2', a: '1' } }] };
    expect(render(input).files).toEqual(render(input).files);
  });
});

describe('componentOf', () => {
  it('maps files to the component that reads them', () => {
    expect(componentOf('prometheus.yml')).toBe('prometheus');
    expect(componentOf('rules/lookout.yml')).toBe('prometheus');
    expect(componentOf('alertmanager.yml')).toBe('alertmanager');
    expect(componentOf('other.yml')).toBeNull();
  });
});

describe('renderedHash', () => {
  it('ignores order and changes with any content or path change', () => {
    const a: RenderedFile[] = [{ path: 'a.yml', content: 'x' }, { path: 'b.yml', content: 'y' }];
    expect(renderedHash(a)).toBe(renderedHash([...a].reverse()));
    expect(renderedHash(a)).not.toBe(renderedHash([{ path: 'a.yml', content: 'x' }, { path: 'b.yml', content: 'z' }]));
    expect(renderedHash(a)).not.toBe(renderedHash([{ path: 'a.yml', content: 'x' }, { path: 'c.yml', content: 'y' }]));
    // The separator keeps "ab"+"c" and "a"+"bc" apart.
    expect(renderedHash([{ path: 'ab', content: 'c' }])).not.toBe(renderedHash([{ path: 'a', content: 'bc' }]));
  });
});
