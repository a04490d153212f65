import { describe, expect, it } from 'vitest';
import { paths } from '../paths';
import { logsSettingsSchema, serviceLogsSchema } from './settings-schema';
import { sizeBytes } from '../settings/units';
import { followSpecs } from './sources';

const p = paths('/home/u/.lookout');

describe('followSpecs', () => {
  it('lists Lookout’s log, each component’s, the services’ declared files and the demo’s, each path once', () => {
    const demo = { version: 1 as const, pid: 1, startedAt: 'x', services: [{ name: 'llm', url: 'http://127.0.0.1:1', metricsPath: '/metrics', labels: {}, ipc: [], logFile: '/home/u/.lookout/logs/demo-llm.log' }, { name: 'gui', url: 'http://127.0.0.1:2', metricsPath: '/metrics', labels: {}, ipc: [] }] };
    const specs = followSpecs({ paths: p, components: ['prometheus', 'grafana'], services: [{ name: 'api', logs: ['/var/log/api/*.log'] }, { name: 'mine', logs: ['/home/u/.lookout/logs/demo-llm.log'] }], demo });
    expect(specs).toEqual([
      { path: '/home/u/.lookout/logs/lookout.log', service: 'lookout', source: 'lookout' },
      { path: '/home/u/.lookout/logs/prometheus.log', service: 'prometheus', source: 'stack' },
      { path: '/home/u/.lookout/logs/grafana.log', service: 'grafana', source: 'stack' },
      { path: '/var/log/api/*.log', service: 'api', source: 'file' },
      { path: '/home/u/.lookout/logs/demo-llm.log', service: 'mine', source: 'file' },
    ]);
  });
});

describe('logs settings', () => {
  it('defaults: follow from the beginning, 10MB / 30d / 500MB rotation, no ship targets', () => {
    const s = logsSettingsSchema.parse(undefined);
    expect(s).toMatchObject({ enabled: true, follow: { pollInterval: '500ms', maxLineSize: '1MB', startAt: 'beginning' }, rotation: { maxFileSize: '10MB', maxAge: '30d', maxTotalSize: '500MB' }, ship: [] });
    expect(sizeBytes('10MB')).toBe(10 * 1024 * 1024);
  });

  it('names the field of a bad value', () => {
    const r = logsSettingsSchema.safeParse({ rotation: { maxFileSize: '10 megs' }, ship: [{ type: 'loki', url: 'ftp://x', labels: { level: 'x', 'bad-name': 'y' } }] });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(expect.arrayContaining([
      'rotation.maxFileSize: must be a size such as 512KB, 10MB or 2GB (B, KB, MB, GB, TB; 1 KB = 1024 bytes)',
      'ship.0.url: must be an http:// or https:// URL such as http://127.0.0.1:3100',
      'ship.0.labels.level: level is set by Lookout from each record',
      'ship.0.labels.bad-name: label names are letters, digits and _, not starting with a digit',
    ]));
  });

  it('takes secrets only as file references: an inline token or Authorization header is refused', () => {
    expect(logsSettingsSchema.safeParse({ ship: [{ type: 'loki', url: 'http://127.0.0.1:3100', token: 'abc' }] }).success).toBe(false);
    const r = logsSettingsSchema.safeParse({ ship: [{ type: 'otlp', url: 'http://127.0.0.1:4318/v1/logs', headers: { Authorization: 'Bearer abc' } }] });
    expect(r.error!.issues[0]!.message).toMatch(/put it in a 0600 file and name it in headerFiles/);
    expect(logsSettingsSchema.safeParse({ ship: [{ type: 'loki', url: 'http://127.0.0.1:3100', bearerTokenFile: 'token.txt' }] }).error!.issues[0]!.path).toEqual(['ship', 0, 'bearerTokenFile']);
  });

  it('two targets need their own names', () => {
    const r = logsSettingsSchema.safeParse({ ship: [{ type: 'loki', url: 'http://127.0.0.1:3100' }, { type: 'loki', url: 'http://127.0.0.1:3101' }] });
    expect(r.error!.issues[0]).toMatchObject({ path: ['ship', 1, 'name'], message: 'duplicate target name "loki": give each target its own name' });
  });

  it('services[].logs: absolute paths or globs', () => {
    expect(serviceLogsSchema.parse(['/var/log/a.log', '/var/log/b/*.log'])).toHaveLength(2);
    expect(serviceLogsSchema.safeParse(['logs/a.log']).error!.issues[0]).toMatchObject({ path: [0], message: expect.stringMatching(/absolute path or glob/) });
  });
});
