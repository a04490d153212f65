/**
 * Alerting end to end with real processes: the built `lookout serve`, the real Prometheus, Alertmanager
 * and node_exporter it supervises, and a reference service (`lookout demo-service gui`) as the scrape
 * target. Notifications go through the real node-notifier, which on Linux runs `notify-send` from PATH:
 * a stand-in script there records each call's arguments. (Run `node scripts/build.mjs` first.)
 *
 * crash the service → one ServiceDown notification; restart Lookout while it fires → no second one;
 * ack → a silence in Alertmanager, nothing repeats; restart the service → one resolved notification
 * and the ack's silence ends; Alertmanager hangs → Lookout's own alert appears and is notified, while
 * stopping it on purpose raises none.
 */
import type { ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertsSnapshot, StackSnapshot } from '../../common/model';
import { crashService, notifySendStandIn, startGuiService, type NotifySendStandIn } from '../support/alerting';
import { startServe, type RunningServe } from '../support/serve';
import { freePorts, makeHome, waitFor, type TestHome } from '../support/stack-env';

describe('alerting end to end (real stack, real lookout serve, reference gui service, notify-send stand-in)', () => {
  let env: TestHome;
  let serve: RunningServe;
  let notify: NotifySendStandIn;
  let guiPort: number;
  let gui: ChildProcess | null = null;

  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${serve.info.url}${route}`, {
      method,
      headers: { Authorization: `Bearer ${serve.info.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const alerts = () => api<AlertsSnapshot>('GET', '/api/v1/alerts');
  const notifications = (title: RegExp) => notify.matching(title);
  const guiLog = () => path.join(env.home, 'logs', 'e2e-gui.log');
  const promQuery = async (expr: string) => {
    const res = await fetch(`http://127.0.0.1:${env.ports.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return ((await res.json()) as { data: { result: Array<{ value: [number, string] }> } }).data.result;
  };

  beforeAll(async () => {
    notify = await notifySendStandIn();
    [guiPort] = (await freePorts(1)) as [number];
    env = await makeHome(() => ({
      services: [{ name: 'gui', url: `http://127.0.0.1:${guiPort}` }],
      // A short for: keeps the test short; the bench measures the shipped 30 s.
      alerts: { rules: { ServiceDown: { for: '5s' } } },
    }));
    serve = await startServe(env.home);
    const snap = await api<StackSnapshot>('POST', '/api/v1/stack/start', {});
    expect(snap.components.filter((c) => ['prometheus', 'alertmanager', 'node_exporter'].includes(c.id)).map((c) => c.state)).toEqual(['running', 'running', 'running']);
    gui = startGuiService(guiPort, guiLog());
    await waitFor('Prometheus to scrape the gui service', async () => (await promQuery('up{job="gui"} == 1')).length > 0, 30_000, 500);
    // The whole pipeline works before the test starts: the Watchdog went Prometheus → Alertmanager → Lookout.
    // (Prometheus drops what fires before it has found Alertmanager and re-sends firing alerts once a minute.)
    await waitFor('the Watchdog to arrive through the webhook', async () => (await alerts()).lastWatchdogAt, 90_000, 500);
  }, 180_000);

  afterAll(async () => {
    notify?.restore();
    gui?.kill('SIGKILL');
    await serve?.stop();
    await env?.cleanup();
    await rm(notify.dir, { recursive: true, force: true });
  });

  let alertId = '';

  it('crash the service → exactly one ServiceDown notification through notify-send', async () => {
    const t0 = Date.now();
    await crashService(guiPort);
    const [first] = await waitFor('the ServiceDown notification', async () => {
      const n = await notifications(/ServiceDown \(gui\)/);
      return n.length ? n : null;
    }, 60_000, 200);
    console.log(`crash → notification: ${((first!.at - t0) / 1000).toFixed(1)} s (ServiceDown for: 5s, scrape and rule evaluation every 5 s, group_wait 3 s)`);
    expect(first!.args.slice(0, 2)).toEqual(['Critical: ServiceDown (gui)', 'gui is down']);
    expect(first!.args[first!.args.indexOf('--urgency') + 1]).toBe('critical');

    const list = await alerts();
    const down = list.alerts.find((a) => a.name === 'ServiceDown' && a.labels.job === 'gui');
    expect(down).toMatchObject({ source: 'alertmanager', severity: 'critical', state: 'firing', group: 'ServiceDown|gui|critical' });
    alertId = down!.id;
    // A few reconcile ticks and Alertmanager group intervals later, still one.
    await new Promise((r) => setTimeout(r, 12_000));
    expect(await notifications(/ServiceDown/)).toHaveLength(1);
  }, 120_000);

  it('restart Lookout while the alert fires → no second notification', async () => {
    expect(await serve.stop()).toBe(0);
    serve = await startServe(env.home);
    await waitFor('the restarted Lookout to list ServiceDown again', async () => (await alerts()).alerts.some((a) => a.id === alertId && a.state === 'firing'), 30_000, 500);
    await new Promise((r) => setTimeout(r, 8_000));
    expect(await notifications(/ServiceDown/)).toHaveLength(1);
    const log = await readFile(path.join(env.home, 'alerts', 'notifications.jsonl'), 'utf8');
    expect(log.trim().split('\n').filter((l) => l.includes('ServiceDown'))).toHaveLength(1);
  }, 120_000);

  it('ack → a silence in Alertmanager matching the alert, the alert suppressed, nothing repeats', async () => {
    const { silenceId, alerts: after } = await api<{ silenceId: string; alerts: AlertsSnapshot }>('POST', '/api/v1/alerts/ack', { id: alertId, comment: 'looking into it', by: 'e2e' });
    const silences = (await (await fetch(`http://127.0.0.1:${env.ports.alertmanager}/api/v2/silences`)).json()) as Array<{ id: string; status: { state: string }; comment: string; createdBy: string; matchers: Array<{ name: string; value: string }> }>;
    const s = silences.find((x) => x.id === silenceId);
    expect(s).toMatchObject({ status: { state: 'active' }, createdBy: 'e2e', comment: '[lookout ack] Acknowledged by e2e: looking into it' });
    expect(Object.fromEntries(s!.matchers.map((m) => [m.name, m.value]))).toMatchObject({ alertname: 'ServiceDown', job: 'gui', severity: 'critical' });
    expect(after.alerts.find((a) => a.id === alertId)).toMatchObject({ state: 'suppressed', silences: [{ id: silenceId, kind: 'ack', createdBy: 'e2e' }] });
    await new Promise((r) => setTimeout(r, 12_000));
    expect(await notifications(/ServiceDown/)).toHaveLength(1);
  }, 60_000);

  it('restart the service → one resolved notification; the ack silence ends with the alert', async () => {
    gui = startGuiService(guiPort, guiLog());
    const resolved = await waitFor('the resolved notification', async () => {
      const n = await notifications(/^Resolved: ServiceDown \(gui\)/);
      return n.length ? n : null;
    }, 60_000, 500);
    expect(resolved).toHaveLength(1);
    await waitFor('the ack silence to expire', async () => {
      const silences = (await (await fetch(`http://127.0.0.1:${env.ports.alertmanager}/api/v2/silences`)).json()) as Array<{ comment: string; status: { state: string } }>;
      return silences.filter((x) => x.comment.startsWith('[lookout ack]')).every((x) => x.status.state === 'expired');
    }, 60_000, 1_000);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await notifications(/ServiceDown/)).toHaveLength(2);
    // History: Prometheus' ALERTS series has the interval, the log has both notifications.
    const history = await api<{ intervals: Array<{ name: string; labels: Record<string, string>; to: number | null }>; notifications: Array<{ title: string }>; prometheusError: string | null }>('GET', '/api/v1/alerts/history?range=1h');
    expect(history.prometheusError).toBeNull();
    expect(history.intervals.some((i) => i.name === 'ServiceDown' && i.labels.job === 'gui')).toBe(true);
    expect(history.notifications.map((n) => n.title).filter((t) => t.includes('ServiceDown'))).toEqual(['Resolved: ServiceDown (gui)', 'Critical: ServiceDown (gui)']);
  }, 120_000);

  it("Alertmanager hangs (SIGSTOP) → Lookout's own alert appears and is notified; the user stopping it raises none (issue 15)", async () => {
    const am = (await api<StackSnapshot>('GET', '/api/v1/stack')).components.find((c) => c.id === 'alertmanager')!;
    process.kill(am.pid!, 'SIGSTOP');
    try {
      const own = await waitFor('LookoutComponentUnhealthy for Alertmanager', async () => (await alerts()).alerts.find((a) => a.name === 'LookoutComponentUnhealthy' && a.state === 'firing'), 30_000, 500);
      expect(own).toMatchObject({ source: 'lookout', severity: 'warning', labels: { component: 'alertmanager' } });
      await waitFor('its notification', async () => (await notifications(/LookoutComponentUnhealthy/)).length === 1, 15_000, 500);
      await waitFor('the Alertmanager source reads unreachable', async () => (await alerts()).alertmanager.state === 'unreachable', 15_000, 500);
    } finally {
      process.kill(am.pid!, 'SIGCONT');
    }
    // Lookout ends the hang (kill and respawn, or it answers again after SIGCONT): running once more.
    await waitFor('Alertmanager running again', async () => (await api<StackSnapshot>('GET', '/api/v1/stack')).components.find((c) => c.id === 'alertmanager')?.state === 'running', 40_000, 500);

    await api('POST', '/api/v1/stack/stop', { components: ['alertmanager'] });
    // Two alerting ticks (5 s each) with Alertmanager stopped: a state, so no unreachable alert and no warning.
    const seen: string[] = [];
    const until = Date.now() + 12_000;
    while (Date.now() < until) {
      const snap = await alerts();
      for (const a of snap.alerts) if (a.name === 'LookoutAlertmanagerUnreachable' && a.state === 'firing') seen.push(a.description);
      if (snap.alertmanager.state === 'unreachable') seen.push(`source unreachable: ${snap.alertmanager.error}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen).toEqual([]);
    expect((await alerts()).alertmanager).toMatchObject({ state: 'stopped', reachable: null });
    expect(await notifications(/LookoutAlertmanagerUnreachable/)).toEqual([]);
  }, 120_000);
});
