import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { composeProject, containerAddress, renderCompose, type ComposeInput } from './compose-file';
import { parseComposePs } from './compose-output';

const STACK = '/Users/me/Library/Application Support/Lookout/stack';
const SECRET = '/Users/me/Library/Application Support/Lookout/secrets/webhook-token';
const input: ComposeInput = {
  stackDir: STACK,
  components: { prometheus: { port: 9090 }, alertmanager: { port: 9093 }, node_exporter: { port: 9100 }, grafana: { port: 3000 }, jaeger: { port: 16686 } },
  prometheus: { retentionTime: '15d', retentionSize: '2GB' },
  textfileDir: '/Users/me/Library/Application Support/Lookout/data/node_exporter',
  secretFiles: { alertmanager: [SECRET] },
};

type Service = { ports?: string[]; volumes?: Array<{ type: string; source: string; target: string; read_only?: boolean }>; network_mode?: string; healthcheck?: { test: string[] }; image: string; command?: string[]; depends_on?: Record<string, { condition: string }> };
const services = (doc: Record<string, unknown>) => doc.services as Record<string, Service>;

/** The checks a compose file must pass, as a function so a broken file can be shown to fail them. */
function problems(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(services(doc))) {
    if (s.network_mode) out.push(`${name}: network_mode ${s.network_mode}`);
    for (const p of s.ports ?? []) if (!/^127\.0\.0\.1:\d+:\d+$/.test(p)) out.push(`${name}: port ${p} is not bound to 127.0.0.1`);
    for (const v of s.volumes ?? []) {
      if (v.type === 'bind' && !v.read_only) out.push(`${name}: bind mount ${v.source} is writable`);
      if (v.type === 'bind' && v.source.includes('/secrets') && !v.source.endsWith('webhook-token')) out.push(`${name}: mounts ${v.source}`);
    }
    if (!s.healthcheck) out.push(`${name}: no health check`);
  }
  return out;
}

describe('composeProject', () => {
  const doc = parse(renderCompose(input)) as Record<string, unknown>;

  it('passes: loopback-only ports, read-only config mounts, health checks, no host network', () => {
    expect(problems(doc)).toEqual([]);
    expect(doc.name).toBe('lookout');
  });

  it('the check fails on a bare "9090:9090" (which Docker binds on 0.0.0.0) and on a writable config mount', () => {
    const broken = structuredClone(doc);
    services(broken).prometheus!.ports = ['9090:9090'];
    services(broken).alertmanager!.volumes![0]!.read_only = false;
    expect(problems(broken).sort()).toEqual([`alertmanager: bind mount ${STACK} is writable`, 'prometheus: port 9090:9090 is not bound to 127.0.0.1']);
  });

  it('keeps data in named volumes where each image keeps it, and declares them', () => {
    expect(doc.volumes).toEqual({ 'alertmanager-data': {}, 'prometheus-data': {}, 'grafana-data': {} });
    const s = services(doc);
    expect(s.prometheus!.volumes).toContainEqual({ type: 'volume', source: 'prometheus-data', target: '/prometheus' });
    expect(s.alertmanager!.volumes).toContainEqual({ type: 'volume', source: 'alertmanager-data', target: '/alertmanager' });
    expect(s.grafana!.volumes).toContainEqual({ type: 'volume', source: 'grafana-data', target: '/var/lib/grafana' });
    expect(s.prometheus!.command).toContain('--storage.tsdb.path=/prometheus');
  });

  it('mounts the stack dir read-only at the same path, and only the secret files a service needs', () => {
    const s = services(doc);
    expect(s.prometheus!.volumes![0]).toEqual({ type: 'bind', source: STACK, target: STACK, read_only: true });
    expect(s.prometheus!.command).toContain(`--config.file=${STACK}/prometheus.yml`);
    expect(s.alertmanager!.volumes).toContainEqual({ type: 'bind', source: SECRET, target: SECRET, read_only: true });
    expect(JSON.stringify(s.prometheus!.volumes)).not.toContain('/secrets');
  });

  it('pins official images by tag and checks health with wget (the images have no curl)', () => {
    const s = services(doc);
    expect(Object.values(s).map((x) => x.image)).toEqual(['prom/node-exporter:v1.12.1', 'prom/alertmanager:v0.34.0', 'prom/prometheus:v3.14.0', 'grafana/grafana:12.4.3', 'jaegertracing/jaeger:2.20.0']);
    expect(s.prometheus!.healthcheck!.test).toEqual(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9090/-/ready']);
    expect(s.grafana!.healthcheck!.test.at(-1)).toBe('http://127.0.0.1:3000/api/health');
    expect(s.jaeger!.ports).toEqual(['127.0.0.1:16686:16686', '127.0.0.1:4317:4317', '127.0.0.1:4318:4318']);
  });

  it('starts Prometheus after Alertmanager and node_exporter are healthy, and only renders what is enabled', () => {
    expect(services(doc).prometheus!.depends_on).toEqual({ alertmanager: { condition: 'service_healthy' }, 'node-exporter': { condition: 'service_healthy' } });
    const small = composeProject({ stackDir: STACK, components: { prometheus: { port: 19090 } } });
    expect(Object.keys(services(small))).toEqual(['prometheus']);
    expect(services(small).prometheus!.depends_on).toBeUndefined();
    expect(services(small).prometheus!.ports).toEqual(['127.0.0.1:19090:19090']);
    expect(small.volumes).toEqual({ 'prometheus-data': {} });
  });

  it('gives the addresses rendered configs must use between containers', () => {
    expect(containerAddress('node_exporter', 9100)).toBe('node-exporter:9100');
    expect(containerAddress('alertmanager', 9093)).toBe('alertmanager:9093');
  });
});

describe('parseComposePs', () => {
  const row = (service: string, extra = {}) => ({ ID: 'x', Name: `lookout-${service}-1`, Project: 'lookout', Service: service, State: 'running', Health: 'healthy', ExitCode: 0, Publishers: [{ URL: '127.0.0.1', TargetPort: 9090, PublishedPort: 9090, Protocol: 'tcp' }], ...extra });
  const want = { service: 'prometheus', state: 'running', health: 'healthy', exitCode: 0, ports: ['127.0.0.1:9090->9090/tcp'] };

  it('reads one object per line (Compose ≥ 2.21) and the older JSON array alike', () => {
    expect(parseComposePs(`${JSON.stringify(row('prometheus'))}\n${JSON.stringify(row('grafana', { Health: '', Publishers: null }))}\n`)).toEqual([want, { ...want, service: 'grafana', health: null, ports: [] }]);
    expect(parseComposePs(JSON.stringify([row('prometheus')]))).toEqual([want]);
    expect(parseComposePs('')).toEqual([]);
  });

  it('skips unpublished ports and names a line that is not JSON', () => {
    expect(parseComposePs(JSON.stringify(row('prometheus', { Publishers: [{ URL: '', TargetPort: 9090, PublishedPort: 0, Protocol: 'tcp' }] })))[0]!.ports).toEqual([]);
    expect(() => parseComposePs(`${JSON.stringify(row('a'))}\nWARN[0000] something`)).toThrow(/line 2 is not JSON/);
  });
});
