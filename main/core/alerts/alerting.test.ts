/**
 * The alerting core with fakes at its edges: a fake Alertmanager (answers shaped like the recorded real
 * ones in test/fixtures/alertmanager), a fake clock, a fake readiness probe and a recording notifier.
 * The real-binary version of these flows is test/integration/alerting-e2e.test.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertsSnapshot, ComponentState } from '../../../common/model';
import { FakeClock } from '../../../test/fakes/fake-clock';
import { fakeComponent } from '../../../test/fakes/fake-core';
import { paths as makePaths } from '../paths';
import type { HealthProbe } from '../ports';
import type { PrometheusClient } from '../prometheus/client';
import { settingsSchema, type SettingsInput } from '../settings/schema';
import { createAlerting, type Alerting } from './alerting';
import { SilenceNotFoundError } from './errors';
import type { AlertmanagerClient, AmAlert, AmSilence, NewSilence } from './alertmanager-client';
import type { DesktopNotification, NotificationAction, Notifier, Secrets } from './ports';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/alertmanager');

/** A fake Alertmanager: holds alerts and silences in memory, applies exact-match silences like the real one. */
class FakeAlertmanager implements AlertmanagerClient {
  list: AmAlert[] = [];
  silenceList: AmSilence[] = [];
  down = false;
  created: NewSilence[] = [];
  expired: string[] = [];
  private seq = 0;
  async alerts(): Promise<AmAlert[]> {
    if (this.down) throw new Error('Alertmanager is not answering at http://127.0.0.1:9093 (ECONNREFUSED)');
    return this.list.map((a) => {
      const by = this.silenceList.filter((s) => s.state === 'active' && s.matchers.every((m) => a.labels[m.name] === m.value)).map((s) => s.id);
      return { ...a, state: by.length ? 'suppressed' : 'active', silencedBy: by };
    });
  }
  async silences(): Promise<AmSilence[]> {
    if (this.down) throw new Error('Alertmanager is not answering');
    return this.silenceList;
  }
  async createSilence(s: NewSilence): Promise<string> {
    this.created.push(s);
    const id = s.id ?? `silence-${++this.seq}`;
    this.silenceList = [...this.silenceList.filter((x) => x.id !== id), { id, matchers: s.matchers, startsAt: s.startsAt, endsAt: s.endsAt, createdBy: s.createdBy, comment: s.comment, state: 'active' }];
    return id;
  }
  async expireSilence(id: string): Promise<void> {
    // What the real client throws for Alertmanager's 404 (alertmanager-client.test.ts).
    if (!this.silenceList.some((s) => s.id === id)) throw new SilenceNotFoundError(id);
    this.expired.push(id);
    this.silenceList = this.silenceList.map((s) => (s.id === id ? { ...s, state: 'expired' } : s));
  }
  posted: Array<{ labels: Record<string, string> }> = [];
  async postAlert(a: { labels: Record<string, string> }): Promise<void> {
    if (this.down) throw new Error('Alertmanager is not answering at http://127.0.0.1:9093 (ECONNREFUSED)');
    this.posted.push(a);
  }
}

class RecordingNotifier implements Notifier {
  shown: DesktopNotification[] = [];
  async notify(n: DesktopNotification, _onAction: (a: NotificationAction) => void): Promise<void> {
    this.shown.push(n);
  }
}

const noSecrets: Secrets = { set: async () => undefined, clear: async () => undefined, status: async () => ({ slackUrl: false, smtpPassword: false, webhookToken: false }) };
/** Labels of the alerts the fake Prometheus fires (its ALERTS{alertstate="firing"} series). */
let promFiring: Array<Record<string, string>> = [];
const fakePrometheus: PrometheusClient = {
  queryRange: async () => {
    throw new Error('Prometheus is not answering');
  },
  query: async () => promFiring.map((labels) => ({ metric: { __name__: 'ALERTS', alertstate: 'firing', ...labels }, value: 1 })),
};

describe('createAlerting (fake Alertmanager from recorded answers, fake clock)', () => {
  let home: string;
  let clock: FakeClock;
  let am: FakeAlertmanager;
  let notifier: RecordingNotifier;
  let states: Record<'prometheus' | 'alertmanager' | 'node_exporter', ComponentState> & { grafana?: ComponentState };
  let promReady: boolean;
  let settingsInput: SettingsInput;
  let emitted: AlertsSnapshot[];
  let alerting: Alerting | null;
  let firingBody: unknown;
  let resolvedBody: unknown;

  const health: HealthProbe = {
    check: async () => (promReady ? { ok: true, status: 200 } : { ok: false, error: 'ECONNREFUSED' }),
    post: async () => ({ ok: true, status: 200 }),
  };

  function make(): Alerting {
    const a = createAlerting({
      paths: makePaths(home),
      settings: () => settingsSchema.parse(settingsInput),
      components: () => (Object.keys(states) as Array<keyof typeof states>).map((id) => fakeComponent(id, { state: states[id]! })),
      clock,
      health,
      prometheus: fakePrometheus,
      notifier,
      secrets: noSecrets,
      logger: pino({ level: 'silent' }),
      emit: (s) => emitted.push(s),
      reapply: async () => undefined,
      alertmanager: am,
    });
    alerting = a;
    return a;
  }

  /**
   * Move time in 1 s steps, letting every update finish before the next step: updates write files
   * (real I/O), which a fake clock cannot hurry.
   */
  async function run(ms: number): Promise<void> {
    for (let left = ms; left > 0; left -= 1_000) {
      await clock.advance(Math.min(1_000, left));
      await alerting?.settled();
    }
  }
  /** Let the storm window (1 s) pass and the notifier run. */
  const flush = () => run(1_100);

  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'lookout-alerting-'));
    clock = new FakeClock();
    await clock.advance(Date.parse('2026-01-05T12:00:30Z') - clock.now());
    am = new FakeAlertmanager();
    notifier = new RecordingNotifier();
    states = { prometheus: 'running', alertmanager: 'running', node_exporter: 'running' };
    promReady = true;
    settingsInput = {};
    promFiring = [];
    emitted = [];
    alerting = null;
    firingBody = JSON.parse(await readFile(path.join(FIXTURES, 'webhook-firing.json'), 'utf8'));
    resolvedBody = JSON.parse(await readFile(path.join(FIXTURES, 'webhook-resolved.json'), 'utf8'));
  });
  afterEach(async () => {
    await alerting?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const recordedAlert = (): AmAlert => ({
    fingerprint: '20fd71bdd01009df',
    labels: { alertname: 'ServiceDown', instance: '127.0.0.1:8080', job: 'llm', severity: 'critical' },
    annotations: { summary: 'llm is down', description: 'Prometheus has not been able to scrape 127.0.0.1:8080 (job llm) for 30s.', runbook: 'docs/runbooks.md#servicedown' },
    startsAt: Date.parse('2026-01-05T12:00:00Z'),
    endsAt: null,
    state: 'active',
    silencedBy: [],
    inhibitedBy: [],
    generatorURL: null,
  });

  it("offers an alert's Grafana link only while Grafana runs (issue 16.2)", async () => {
    states.grafana = 'not-installed';
    am.list = [recordedAlert()];
    const a = make();
    await a.start();
    expect(a.snapshot().alerts.map((x) => [x.name, x.grafanaUrl])).toEqual([['ServiceDown', null]]);
    states.grafana = 'running';
    a.onStackChange();
    await flush();
    expect(a.snapshot().alerts[0]!.grafanaUrl).toMatch(/^http:\/\/127\.0\.0\.1:3000\/d\//);
    // The notification's link follows the same rule: shown while Grafana ran, so it carries the link.
    expect(notifier.shown.at(-1)?.url ?? null).toMatch(/^http:\/\/127\.0\.0\.1:3000\//);
  });

  it('send test posts a short-lived test alert to Alertmanager and names the channels enabled for its severity', async () => {
    settingsInput = { alerts: { receivers: { desktop: { severities: ['critical'] }, webhook: { severities: ['critical', 'warning'], url: 'http://127.0.0.1:1/hook' } } } };
    const a = make();
    expect(await a.handlers['alerts:test']({ severity: 'critical' })).toEqual({ channels: ['desktop', 'webhook'] });
    expect(await a.handlers['alerts:test']({ severity: 'info' })).toEqual({ channels: [] });
    expect(am.posted[0]!.labels).toMatchObject({ alertname: 'LookoutTestNotification', severity: 'critical' });
    am.down = true;
    await expect(a.handlers['alerts:test']({ severity: 'warning' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a webhook makes exactly one notification; repeats of it and the reconcile add none; resolve makes one more', async () => {
    const a = make();
    await a.start();
    await a.receiveWebhook(firingBody);
    am.list = [recordedAlert()];
    await a.receiveWebhook(firingBody);
    await flush();
    await run(30_000); // several reconcile ticks
    expect(notifier.shown.map((n) => n.title)).toEqual(['Critical: ServiceDown (llm)']);
    expect(notifier.shown[0]!.body).toBe('llm is down');
    expect(a.snapshot().alerts.map((x) => [x.name, x.state, x.group])).toEqual([['ServiceDown', 'firing', 'ServiceDown|llm|critical']]);

    am.list = [];
    await a.receiveWebhook(resolvedBody);
    await flush();
    expect(notifier.shown.map((n) => n.title)).toEqual(['Critical: ServiceDown (llm)', 'Resolved: ServiceDown (llm)']);
    expect(emitted.at(-1)!.alerts[0]).toMatchObject({ state: 'resolved', resolvedAt: Date.parse('2026-01-05T12:05:00Z') });
  });

  it('a restarted Lookout reconciles the firing alert without notifying it again', async () => {
    const first = make();
    await first.start();
    await first.receiveWebhook(firingBody);
    await flush();
    await first.stop();
    expect(notifier.shown).toHaveLength(1);

    am.list = [recordedAlert()];
    const second = make();
    await second.start();
    await second.receiveWebhook(firingBody);
    await flush();
    await run(20_000);
    expect(notifier.shown).toHaveLength(1);
    expect(second.snapshot().alerts.map((x) => x.name)).toEqual(['ServiceDown']);
  });

  it('an alert that fired while Lookout was away is notified by the reconcile at start', async () => {
    am.list = [recordedAlert()];
    await make().start();
    await flush();
    expect(notifier.shown.map((n) => n.title)).toEqual(['Critical: ServiceDown (llm)']);
  });

  it('ack silences exactly the alert\'s labels, says who and why, stops repeats; undo expires it', async () => {
    settingsInput = { alerts: { rules: { Watchdog: { enabled: false } } } };
    am.list = [recordedAlert()];
    const a = make();
    await a.start();
    await flush();
    const result = await a.handlers['alerts:ack']({ id: '20fd71bdd01009df', by: 'alice', comment: 'on it' });
    expect(am.created[0]).toMatchObject({
      matchers: [
        { name: 'alertname', value: 'ServiceDown', isRegex: false, isEqual: true },
        { name: 'instance', value: '127.0.0.1:8080', isRegex: false, isEqual: true },
        { name: 'job', value: 'llm', isRegex: false, isEqual: true },
        { name: 'severity', value: 'critical', isRegex: false, isEqual: true },
      ],
      createdBy: 'alice',
      comment: '[lookout ack] Acknowledged by alice: on it',
    });
    expect(am.created[0]!.endsAt - am.created[0]!.startsAt).toBe(10 * 60_000);
    expect(result.alerts.alerts[0]).toMatchObject({ state: 'suppressed', silences: [{ id: result.silenceId, kind: 'ack', createdBy: 'alice', comment: 'Acknowledged by alice: on it' }] });

    // Kept alive while it fires: extended before it runs out.
    await run(6 * 60_000);
    expect(am.created.length).toBeGreaterThan(1);
    expect(am.created.at(-1)).toMatchObject({ id: result.silenceId });
    expect(notifier.shown).toHaveLength(1);

    await a.handlers['silences:delete']({ id: result.silenceId });
    expect(am.expired).toEqual([result.silenceId]);
    await expect(a.handlers['silences:delete']({ id: 'nope' })).rejects.toThrow(/no silence with id nope/);
  });

  it('an ack ends once its alert resolves', async () => {
    am.list = [recordedAlert()];
    const a = make();
    await a.start();
    const { silenceId } = await a.handlers['alerts:ack']({ id: '20fd71bdd01009df' });
    am.list = [];
    await a.receiveWebhook(resolvedBody);
    await run(31_000);
    expect(am.expired).toEqual([silenceId]);
  });

  it('an acked alert that resolves (no webhook: Alertmanager mutes it) resolves once Prometheus no longer fires it', async () => {
    am.list = [recordedAlert()];
    promFiring = [recordedAlert().labels];
    const a = make();
    await a.start();
    await flush();
    await a.handlers['alerts:ack']({ id: '20fd71bdd01009df' });
    // Alertmanager restarted: its list is empty but Prometheus still fires the alert, so it stays.
    am.list = [];
    await run(20_000);
    expect(a.snapshot().alerts[0]!.state).not.toBe('resolved');
    // Now Prometheus resolved it too.
    promFiring = [];
    await run(6_000);
    expect(a.snapshot().alerts[0]!.state).toBe('resolved');
    expect(notifier.shown.map((n) => n.title)).toEqual(['Critical: ServiceDown (llm)', 'Resolved: ServiceDown (llm)']);
  });

  it('snooze makes a silence for the chosen time; unknown alerts are refused by name', async () => {
    am.list = [recordedAlert()];
    const a = make();
    await a.start();
    await a.handlers['alerts:snooze']({ id: '20fd71bdd01009df', duration: '2h', by: 'bob', comment: 'deploying' });
    expect(am.created[0]).toMatchObject({ comment: '[lookout snooze] Snoozed for 2h by bob: deploying' });
    expect(am.created[0]!.endsAt - am.created[0]!.startsAt).toBe(2 * 3_600_000);
    await expect(a.handlers['alerts:ack']({ id: 'nope' })).rejects.toThrow(/no firing alert with id nope/);
  });

  it("raises Lookout's own alert when Alertmanager stops answering, notifies it, and resolves it when it is back", async () => {
    const a = make();
    await a.start();
    am.down = true;
    await run(10_000);
    await flush();
    const own = a.snapshot().alerts.find((x) => x.name === 'LookoutAlertmanagerUnreachable');
    expect(own).toMatchObject({ source: 'lookout', severity: 'critical', state: 'firing', labels: { component: 'alertmanager' } });
    expect(own!.description).toMatch(/does not answer: Alertmanager is not answering/);
    expect(notifier.shown.map((n) => n.title)).toEqual(['Critical: LookoutAlertmanagerUnreachable (alertmanager)']);
    am.down = false;
    await run(5_000);
    await flush();
    expect(notifier.shown.map((n) => n.title)).toContain('Resolved: LookoutAlertmanagerUnreachable (alertmanager)');
  });

  it('a failed component and a missing Watchdog raise their own alerts; a stopped stack raises none', async () => {
    settingsInput = { alerts: { watchdog: { missingAfter: '1m' } } };
    const a = make();
    await a.start();
    await run(65_000);
    expect(a.snapshot().alerts.map((x) => x.name)).toEqual(['LookoutWatchdogMissing']);
    await a.receiveWebhook({ ...(firingBody as object), alerts: [{ ...(firingBody as { alerts: object[] }).alerts[0], labels: { alertname: 'Watchdog', severity: 'info' }, fingerprint: 'w1' }] });
    const live = () => a.snapshot().alerts.filter((x) => x.state !== 'resolved').map((x) => x.name);
    expect(live()).toEqual([]);
    expect(a.snapshot().lastWatchdogAt).toBe(clock.now());

    states = { prometheus: 'failed', alertmanager: 'running', node_exporter: 'running' };
    a.onStackChange();
    await run(10);
    expect(live()).toEqual(['LookoutComponentFailed']);

    states = { prometheus: 'stopped', alertmanager: 'stopped', node_exporter: 'stopped' };
    am.down = true;
    promReady = false;
    await run(11_000);
    expect(live()).toEqual([]);
  });

  it("gives a service's alert a traces link: Lookout's own view, Jaeger's search once Jaeger runs", async () => {
    settingsInput = { stack: { components: { jaeger: { enabled: true } } } };
    const a = make();
    await a.start();
    am.list = [recordedAlert()];
    await a.receiveWebhook(firingBody);
    await flush();
    expect(a.snapshot().alerts[0]!.tracesUrl).toMatch(/^#\/traces\?service=llm&errors=1&from=\d+$/);

    (states as Record<string, ComponentState>).jaeger = 'running';
    a.onStackChange();
    await run(10);
    const url = new URL(a.snapshot().alerts[0]!.tracesUrl!);
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:16686/search');
    expect(url.searchParams.get('service')).toBe('llm');
  });

  it("acks Lookout's own alerts locally (Alertmanager may be what is down)", async () => {
    const a = make();
    await a.start();
    am.down = true;
    await run(10_000);
    const own = a.snapshot().alerts[0]!;
    const { silenceId, alerts } = await a.handlers['alerts:ack']({ id: own.id, by: 'alice' });
    expect(silenceId).toMatch(/^lookout-/);
    expect(alerts.alerts[0]).toMatchObject({ id: own.id, state: 'suppressed', silences: [{ kind: 'ack', createdBy: 'alice' }] });
    expect(am.created).toEqual([]);
    await a.handlers['silences:delete']({ id: silenceId });
    expect(a.snapshot().alerts[0]!.state).toBe('firing');
  });

  it('rejects a webhook body that is not one', async () => {
    const a = make();
    await a.start();
    await expect(a.receiveWebhook({ hello: 1 })).rejects.toThrow(/not an Alertmanager webhook payload/);
  });
});
