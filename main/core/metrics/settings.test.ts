import { describe, expect, it } from 'vitest';
import { describeIssues, settingsSchema } from '../settings/schema';
import { NDJSON_PING, watchTargets, type DemoWatch } from './targets';

const errors = (input: unknown) => {
  const r = settingsSchema.safeParse(input);
  return r.success ? [] : describeIssues(r.error);
};

describe('metrics settings', () => {
  it('defaults: fast 2 s, slow 10 s, UI 1 s, every collector on', () => {
    const m = settingsSchema.parse({}).metrics;
    expect(m).toEqual({
      fastIntervalSeconds: 2,
      slowIntervalSeconds: 10,
      uiIntervalSeconds: 1,
      timeoutSeconds: 5,
      collectors: { cpu: true, memory: true, gpu: true, disk: true, filesystem: true, network: true, ipc: true, processes: true, lookout: true },
    });
  });

  it('bad input names the field: collector typo, slow shorter than fast, IPC endpoints off this machine, a process with nothing to find it by', () => {
    expect(
      errors({
        services: [
          {
            name: 'x',
            url: 'http://127.0.0.1:1',
            ipc: [{ name: 'a' }, { name: 'b', address: '10.0.0.1:80' }, { name: 'c', url: 'http://example.com/' }, { name: 'd', url: 'http://127.0.0.1/', send: 'x' }, { name: 'a', socketPath: 'relative.sock' }],
            process: {},
          },
        ],
        metrics: { fastIntervalSeconds: 20, slowIntervalSeconds: 10, collectors: { gpuu: true } },
      }),
    ).toEqual([
      'services[0].ipc[0]: give exactly one of socketPath, address or url',
      'services[0].ipc[1].address: must be a loopback address and port such as 127.0.0.1:8081',
      'services[0].ipc[2].url: must point at this machine (127.0.0.1, localhost or [::1])',
      'services[0].ipc[3].send: only applies to socketPath and address targets',
      'services[0].ipc[4].socketPath: must be an absolute path',
      'services[0].ipc[4].name: duplicate IPC endpoint name "a"',
      'services[0].process: give pidFile, port or name',
      'metrics.collectors: Unrecognized key: "gpuu"',
      'metrics.slowIntervalSeconds: must not be shorter than fastIntervalSeconds',
    ]);
  });

  it('accepts loopback addresses in every spelling', () => {
    for (const address of ['127.0.0.1:8081', 'localhost:8081', '[::1]:8081', '127.1.2.3:1']) {
      expect(errors({ services: [{ name: 'x', url: 'http://127.0.0.1:1', ipc: [{ name: 'a', address }] }] }), address).toEqual([]);
    }
  });
});

describe('watched targets', () => {
  const demo: DemoWatch = {
    services: [
      { name: 'memory', pid: 101, ipc: [{ transport: 'unix', path: '/h/run/demo/memory.sock', protocol: 'ndjson' }, { transport: 'http', url: 'http://127.0.0.1:5001/healthz' }] },
      { name: 'llm', pid: 102, ipc: [{ transport: 'http', url: 'http://127.0.0.1:5002/healthz' }] },
    ],
  };

  it('settings first, then the demo: its Unix socket is pinged over NDJSON, its processes watched by pid', () => {
    const settings = settingsSchema.parse({
      services: [{ name: 'mine', url: 'http://127.0.0.1:9000', process: { port: 9000 }, ipc: [{ name: 'api', address: 'localhost:9000' }, { name: 'sock', socketPath: '/tmp/mine.sock' }] }],
    });
    expect(watchTargets(settings, demo)).toEqual({
      ipc: [
        { target: 'mine/api', service: 'mine', transport: 'tcp', host: 'localhost', port: 9000 },
        { target: 'mine/sock', service: 'mine', transport: 'unix', socketPath: '/tmp/mine.sock' },
        { target: 'memory/unix', service: 'memory', transport: 'unix', socketPath: '/h/run/demo/memory.sock', send: NDJSON_PING },
        { target: 'memory/http', service: 'memory', transport: 'http', url: 'http://127.0.0.1:5001/healthz' },
        { target: 'llm/http', service: 'llm', transport: 'http', url: 'http://127.0.0.1:5002/healthz' },
      ],
      processes: [
        { service: 'mine', port: 9000 },
        { service: 'memory', pid: 101 },
        { service: 'llm', pid: 102 },
      ],
    });
  });

  it('a service the user describes wins over the demo’s entry of the same name', () => {
    const settings = settingsSchema.parse({ services: [{ name: 'memory', url: 'http://127.0.0.1:9000', process: { name: 'my-memory' } }] });
    const t = watchTargets(settings, demo);
    expect(t.processes).toEqual([{ service: 'memory', name: 'my-memory' }, { service: 'llm', pid: 102 }]);
    expect(t.ipc.map((i) => i.target)).toEqual(['llm/http']);
  });

  it('caps the number of targets (bounded label cardinality)', () => {
    const services = Array.from({ length: 40 }, (_, i) => ({ name: `s${i}`, url: 'http://127.0.0.1:1', process: { port: 1000 + i }, ipc: [{ name: 'a', address: `127.0.0.1:${1000 + i}` }] }));
    const t = watchTargets(settingsSchema.parse({ services }), null);
    expect(t.ipc).toHaveLength(32);
    expect(t.processes).toHaveLength(32);
  });
});
