/**
 * "No noise" (issue 15) and the overall state (issue 16.5) against the real Prometheus, Alertmanager
 * and node_exporter. The stack starts from stopped while the alerts snapshot is sampled every 100 ms:
 * at no sample may one of Lookout's own watchdog alerts fire or a source read `unreachable`. The
 * alerting loop ticks every 500 ms here (10× the default) so it probes the components as often as
 * possible during the start; the readiness time stays the default.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertsSnapshot } from '../../common/model';
import type { Core } from '../../main/core/core';
import { OWN_ALERT_NAMES } from '../../main/core/alerts/watchdog';
import { createLookout } from '../../main/index';
import { makeHome, waitFor, type TestHome } from '../support/stack-env';

const OWN = new Set<string>(OWN_ALERT_NAMES);

/** What a sample shows that the user must not see during a start or after a stop. */
function noise(snap: AlertsSnapshot): string[] {
  const out = snap.alerts.filter((a) => OWN.has(a.name) && a.state === 'firing').map((a) => `alert ${a.name}: ${a.description}`);
  for (const id of ['alertmanager', 'prometheus'] as const) {
    const s = snap[id];
    if (s.reachable === false || s.state === 'unreachable') out.push(`${id} source ${s.state ?? 'unreachable'}: ${s.error}`);
  }
  return out;
}

/** Sample alerts:get every 100 ms while `during` runs and `afterMs` longer; return every noisy sample. */
async function sampleWhile(core: Core, during: () => Promise<unknown>, afterMs: number): Promise<{ samples: number; noisy: string[]; states: Set<string> }> {
  const noisy: string[] = [];
  const states = new Set<string>();
  let samples = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const snap = await core.handlers['alerts:get']({});
      samples++;
      states.add(`${snap.alertmanager.state}/${snap.prometheus.state}`);
      for (const n of noise(snap)) noisy.push(`#${samples}: ${n}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await during();
  await new Promise((r) => setTimeout(r, afterMs));
  done = true;
  await sampler;
  return { samples, noisy, states };
}

describe('a quiet start and stop of the real stack, and the overall state with a critical alert', () => {
  let env: TestHome;
  let core: Core;

  beforeAll(async () => {
    env = await makeHome();
    core = createLookout({ mode: 'serve', home: env.home, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), notifier: null, alertTimings: { syncIntervalMs: 500 } });
    await core.init();
  });
  afterAll(async () => {
    await core?.dispose({ stopStack: true });
    await env?.cleanup();
  });

  it('starts from stopped with no watchdog alert and no unreachable source at any 100 ms sample', async () => {
    const before = await core.handlers['stack:get']({});
    expect(before.components.every((c) => c.state === 'stopped')).toBe(true);
    const t0 = Date.now();
    const run = await sampleWhile(core, () => core.handlers['stack:start']({}), 3_000);
    console.log(`start from stopped: ${Date.now() - t0} ms, ${run.samples} samples, source states seen: ${[...run.states].join(', ')}`);
    expect(run.noisy).toEqual([]);
    expect(run.samples).toBeGreaterThan(20);
    const snap = await core.handlers['alerts:get']({});
    expect([snap.alertmanager.state, snap.prometheus.state]).toEqual(['reachable', 'reachable']);
  });

  it('raises the overall state to critical while a critical alert fires, though every component runs', async () => {
    const running = await core.handlers['stack:get']({});
    expect(running.components.map((c) => c.state)).toEqual(['running', 'running', 'running']);
    const overall: string[] = [];
    const off = core.on('app:overall', (o) => overall.push(o));
    await core.handlers['alerts:test']({ severity: 'critical' });
    const snap = await waitFor('overall critical', async () => {
      const s = await core.handlers['stack:get']({});
      return s.overall === 'critical' ? s : null;
    }, 15_000);
    off();
    expect(snap.components.every((c) => c.state === 'running')).toBe(true);
    // The tray gets the same value as the badge.
    expect(overall.at(-1)).toBe('critical');
  });

  it("leaves the always-firing Watchdog out of the history while Prometheus' ALERTS has it (issue 16.6)", async () => {
    const url = `http://127.0.0.1:${env.ports.prometheus}/api/v1/query?query=${encodeURIComponent('ALERTS{alertname="Watchdog",alertstate="firing"}')}`;
    await waitFor('Watchdog firing in Prometheus', async () => ((await (await fetch(url)).json()) as { data: { result: unknown[] } }).data.result.length > 0, 30_000, 500);
    // The range query needs the sample Prometheus just wrote: a few seconds for it to be queryable.
    await new Promise((r) => setTimeout(r, 2_000));
    const history = await core.handlers['alerts:history']({ range: '1h' });
    expect(history.prometheusError).toBeNull();
    expect(history.intervals.map((i) => i.name)).not.toContain('Watchdog');
  });

  it('stopping the stack is a state: no watchdog alert, sources read stopped', async () => {
    const run = await sampleWhile(core, () => core.handlers['stack:stop']({}), 2_000);
    expect(run.noisy).toEqual([]);
    const snap = await core.handlers['alerts:get']({});
    expect([snap.alertmanager.state, snap.prometheus.state]).toEqual(['stopped', 'stopped']);
  });
});
