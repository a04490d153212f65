/**
 * The alert sources probed for real: the Alertmanager client and the readiness probe against ports
 * where nothing listens (a real ECONNREFUSED), judged by the component states the test sets.
 */
import { createServer } from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ComponentState } from '../../../common/model';
import { fakeComponent } from '../../../test/fakes/fake-core';
import { systemClock } from '../adapters/clock';
import { createHealthProbe } from '../adapters/health-probe';
import { settingsSchema } from '../settings/schema';
import { createAlertmanagerClient } from './alertmanager-client';
import { createSourceProbes } from './source-probes';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('createSourceProbes', () => {
  it('counts refusals only while the component runs, and reads stopped once it is stopped or disabled', async () => {
    const [am, prom] = [await closedPort(), await closedPort()];
    const settings = settingsSchema.parse({ stack: { components: { alertmanager: { port: am }, prometheus: { port: prom } } } });
    let states: Record<'alertmanager' | 'prometheus', ComponentState> = { alertmanager: 'starting', prometheus: 'starting' };
    const components = () => (['alertmanager', 'prometheus'] as const).map((id) => fakeComponent(id, { state: states[id] }));
    const probes = createSourceProbes({
      settings: () => settings,
      components,
      clock: systemClock,
      health: createHealthProbe(),
      am: createAlertmanagerClient(() => `http://127.0.0.1:${am}`, 1_000),
      logger: pino({ level: 'silent' }),
      probeTimeoutMs: 1_000,
      refreshSilences: async () => undefined,
      onAlerts: () => undefined,
    });

    await probes.probe();
    expect([probes.status('alertmanager').state, probes.failures('alertmanager'), probes.status('prometheus').state]).toEqual(['starting', 0, 'starting']);

    states = { alertmanager: 'running', prometheus: 'running' };
    await probes.probe();
    await probes.probe();
    expect(probes.status('alertmanager')).toMatchObject({ state: 'unreachable', reachable: false, error: expect.stringMatching(/ECONNREFUSED/) });
    expect([probes.failures('alertmanager'), probes.failures('prometheus')]).toEqual([2, 2]);

    states = { alertmanager: 'stopped', prometheus: 'running' };
    probes.follow(components());
    expect([probes.status('alertmanager').state, probes.failures('alertmanager'), probes.status('prometheus').state]).toEqual(['stopped', 0, 'unreachable']);
    // Prometheus disabled in settings: no longer in the component list.
    probes.follow(components().filter((c) => c.id !== 'prometheus'));
    expect([probes.status('prometheus').state, probes.failures('prometheus')]).toEqual(['stopped', 0]);
  });
});
