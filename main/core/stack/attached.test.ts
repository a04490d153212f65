import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock';
import { PROMETHEUS_SPEC } from '../prometheus/component';
import type { HealthProbe, ProbeResult } from '../ports';
import { AttachedComponent } from './attached';

function setup() {
  const clock = new FakeClock();
  let answer: ProbeResult = { ok: true, status: 200 };
  const urls: string[] = [];
  const health: HealthProbe = { check: async (url) => (urls.push(url), answer), post: async () => ({ ok: false, error: 'not used' }) };
  const c = new AttachedComponent({ spec: PROMETHEUS_SPEC, clock, health, logger: pino({ level: 'silent' }), url: () => 'https://prom.example.org/p', onChange: () => undefined, timings: { healthIntervalMs: 1_000, failuresToUnhealthy: 2, readyPollMs: 100 } });
  return { clock, c, urls, set: (r: ProbeResult) => (answer = r) };
}

describe('an attached component', () => {
  it('is stopped until watched, running once it answers, and never has a pid', async () => {
    const { clock, c, urls } = setup();
    expect(c.currentState).toBe('stopped');
    await c.adopt();
    await clock.advance(0);
    expect(c.currentState).toBe('running');
    expect(urls[0]).toBe('https://prom.example.org/p/-/ready');
    expect(c.status(9090, 'https://prom.example.org/p')).toMatchObject({ pid: null, port: 9090, detail: 'attached to https://prom.example.org/p', binary: null });
  });

  it('goes unhealthy after N misses and back when it answers; stop only stops the watching', async () => {
    const { clock, c, set, urls } = setup();
    await c.start();
    await clock.advance(0);
    set({ ok: false, error: 'ECONNREFUSED' });
    await clock.advance(1_000);
    expect(c.currentState).toBe('running');
    await clock.advance(1_000);
    expect(c.currentState).toBe('unhealthy');
    expect(c.status(1, 'https://prom.example.org/p').lastError).toMatch(/\/-\/ready is not answering: ECONNREFUSED/);
    set({ ok: true, status: 200 });
    await clock.advance(1_000);
    expect(c.currentState).toBe('running');
    await c.stop();
    const probes = urls.length;
    await clock.advance(10_000);
    expect(urls.length).toBe(probes);
    expect(c.status(1, 'x://y').detail).toMatch(/Lookout does not stop it; not watched/);
  });

  it('says at once when the credentials are refused, naming the setting', async () => {
    const { clock, c, set } = setup();
    set({ ok: false, status: 401, error: 'HTTP 401: Unauthorized' });
    await c.start();
    await clock.advance(0);
    expect(c.currentState).toBe('unhealthy');
    expect(c.status(1, 'x://y').lastError).toMatch(/check stack\.components\.prometheus\.attach credentials/);
  });
});
