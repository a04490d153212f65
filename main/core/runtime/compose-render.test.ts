import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { paths as makePaths } from '../paths';
import { settingsSchema, type SettingsInput } from '../settings/schema';
import { renderStack } from '../stack/render';
import { changedServices } from './compose-diff';
import { reach, reachUrl } from './addresses';

const paths = makePaths('/home/test/.lookout');
const settings = (input: SettingsInput) => settingsSchema.parse(input);
const docker = (ids: string[], extra: SettingsInput = {}): SettingsInput => ({
  ...extra,
  stack: { ...extra.stack, components: Object.fromEntries(ids.map((id) => [id, { ...(extra.stack?.components as Record<string, object> | undefined)?.[id], runtime: 'docker' }])) },
});
const files = (input: SettingsInput) => new Map(renderStack(settings(input), paths).map((f) => [f.path, f.content]));
type Compose = { services: Record<string, { command?: string[]; volumes: Array<{ source: string; target: string; type: string }>; healthcheck: { test: string[] } }> };

describe('addresses across runtimes', () => {
  it('native: everything on 127.0.0.1', () => {
    const s = settings({});
    expect(reach(s, 'prometheus', 'alertmanager')).toBe('127.0.0.1:9093');
    expect(reachUrl(s, 'prometheus', 'http://localhost:8080/x')).toBe('http://localhost:8080/x');
  });

  it('docker → docker by service name (Jaeger on its container port), docker → native and host services at host.docker.internal', () => {
    const s = settings(docker(['prometheus', 'grafana', 'jaeger'], { stack: { components: { jaeger: { enabled: true } } } }));
    expect(reach(s, 'prometheus', 'prometheus')).toBe('prometheus:9090');
    expect(reach(s, 'grafana', 'jaeger')).toBe('jaeger:16686');
    expect(reach(s, 'prometheus', 'alertmanager')).toBe('host.docker.internal:9093');
    expect(reach(s, 'alertmanager', 'prometheus')).toBe('127.0.0.1:9090');
    expect(reach(s, 'lookout', 'prometheus')).toBe('127.0.0.1:9090');
    expect(reachUrl(s, 'prometheus', 'http://127.0.0.1:8080/metrics')).toBe('http://host.docker.internal:8080/metrics');
    expect(reachUrl(s, 'prometheus', 'https://api.example/metrics')).toBe('https://api.example/metrics');
  });

  it('an attached Prometheus is never a container, whatever its runtime says', () => {
    const s = settings({ stack: { components: { prometheus: { runtime: 'docker', attach: { url: 'http://10.0.0.2:9090' } } } } });
    expect(reach(s, 'prometheus', 'alertmanager')).toBe('127.0.0.1:9093');
  });
});

describe('the compose project rendered with the stack', () => {
  it('is absent while every component is native', () => {
    expect(files({}).has('docker-compose.yml')).toBe(false);
  });

  it('holds only the docker components; a native Alertmanager is reached from the Prometheus container at host.docker.internal', () => {
    const f = files(docker(['prometheus']));
    const compose = parse(f.get('docker-compose.yml')!) as Compose;
    expect(Object.keys(compose.services)).toEqual(['prometheus']);
    const prom = parse(f.get('prometheus.yml')!) as { scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }> };
    const targets = Object.fromEntries(prom.scrape_configs.map((j) => [j.job_name, j.static_configs[0]!.targets[0]]));
    expect(targets).toMatchObject({ prometheus: 'prometheus:9090', alertmanager: 'host.docker.internal:9093', node_exporter: 'host.docker.internal:9100', lookout: 'host.docker.internal:9469' });
  });

  it('mounts exactly the secret files each service references, one by one; lock-down adds the web config and a 401-tolerant health check', () => {
    const compose = parse(files(docker(['prometheus', 'alertmanager', 'grafana'], { stack: { lockdown: { enabled: true } } })).get('docker-compose.yml')!) as Compose;
    const secrets = (svc: string) => compose.services[svc]!.volumes.filter((v) => v.source.startsWith(paths.secretsDir)).map((v) => v.source);
    expect(secrets('prometheus')).toEqual([`${paths.secretsDir}/stack-password`]);
    expect(secrets('alertmanager')).toContain(`${paths.secretsDir}/webhook-token`);
    expect(secrets('grafana').length).toBeGreaterThan(0);
    for (const svc of ['prometheus', 'alertmanager', 'grafana']) expect(compose.services[svc]!.volumes.some((v) => v.source === paths.secretsDir), svc).toBe(false);
    expect(compose.services.prometheus!.command).toContain(`--web.config.file=${paths.stackDir}/web-config.yml`);
    expect(compose.services.prometheus!.healthcheck.test.join(' ')).toContain('401 Unauthorized');
  });

  it('a settings change shows as a changed service exactly where the container must be recreated', () => {
    const a = files(docker(['prometheus', 'alertmanager'])).get('docker-compose.yml')!;
    const b = files(docker(['prometheus', 'alertmanager'], { stack: { retention: { time: '3d' } } })).get('docker-compose.yml')!;
    expect([...changedServices(a, b)]).toEqual(['prometheus']);
    expect([...changedServices(a, a)]).toEqual([]);
    expect([...changedServices(null, a)].sort()).toEqual(['alertmanager', 'prometheus']);
  });
});
