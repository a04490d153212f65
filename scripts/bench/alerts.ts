/**
 * Crash → notification with the shipped defaults: a real `lookout serve` supervising the real stack,
 * the reference GUI server as a scrape target, and the real node-notifier path (a `notify-send`
 * stand-in on PATH records when it was run). Each run crashes the service, waits for the ServiceDown
 * notification, restarts it and waits for the resolved one. Goal: at most the rule's `for:` + 20 s.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { AlertsSnapshot } from '../../common/model';
import { durationMs } from '../../main/core/settings/prom-units';
import { defaultSettings } from '../../main/core/settings/schema';
import { crashService, notifySendStandIn, startGuiService } from '../../test/support/alerting';
import { startServe } from '../../test/support/serve';
import { getJson, stackAuthHeaders } from '../../test/support/stack-auth';
import { freePorts, makeHome, waitFor } from '../../test/support/stack-env';
import { met, quantile, type BenchSection } from './report';

const RUNS = Number(process.env.BENCH_ALERT_RUNS ?? 3);
const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function benchAlerts(): Promise<BenchSection> {
  const defaults = defaultSettings();
  const forMs = durationMs(defaults.alerts.rules.ServiceDown.for);
  const notify = await notifySendStandIn();
  const [guiPort] = (await freePorts(1)) as [number];
  const env = await makeHome();
  // Shipped defaults: only ports (so runs never collide), Grafana off (not installed here) and the service.
  await env.writeSettings({
    lookout: { port: env.ports.lookout },
    stack: {
      components: {
        prometheus: { port: env.ports.prometheus },
        alertmanager: { port: env.ports.alertmanager },
        node_exporter: { port: env.ports.node_exporter },
        grafana: { enabled: false, port: env.ports.grafana },
      },
    },
    services: [{ name: 'gui', url: `http://127.0.0.1:${guiPort}` }],
  });
  const serve = await startServe(env.home);
  let gui: ChildProcess | null = null;
  const toNotify: number[] = [];
  const toResolved: number[] = [];
  try {
    const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${serve.info.url}${route}`, {
        method,
        headers: { Authorization: `Bearer ${serve.info.token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.json()) as T;
    };
    await api('POST', '/api/v1/stack/start', {});
    gui = startGuiService(guiPort, path.join(env.home, 'logs', 'bench-gui.log'));
    // The stack is locked down by default: Prometheus answers only with the stack credential.
    const auth = await stackAuthHeaders(env.home);
    const up = async () => {
      const url = `http://127.0.0.1:${env.ports.prometheus}/api/v1/query?query=${encodeURIComponent('up{job="gui"} == 1')}`;
      return (await getJson<{ data: { result: unknown[] } }>(url, auth)).data.result.length > 0;
    };
    await waitFor('Prometheus to scrape the service', up, 60_000, 500);
    // The pipeline is up end to end once the Watchdog has come through (Prometheus re-sends it within a minute).
    await waitFor('the Watchdog alert through the webhook', async () => (await api<AlertsSnapshot>('GET', '/api/v1/alerts')).lastWatchdogAt, 120_000, 500);

    for (let i = 0; i < RUNS; i++) {
      const before = (await notify.matching(/ServiceDown \(gui\)/)).length;
      // A random phase against the scrape and evaluation cycles, as a real crash would have.
      await new Promise((r) => setTimeout(r, Math.random() * 5_000));
      const t0 = Date.now();
      await crashService(guiPort);
      const fired = await waitFor('the ServiceDown notification', async () => (await notify.matching(/^Critical: ServiceDown \(gui\)/))[i], forMs + 90_000, 100);
      toNotify.push(fired.at - t0);
      const t1 = Date.now();
      gui = startGuiService(guiPort, path.join(env.home, 'logs', 'bench-gui.log'));
      const resolved = await waitFor('the resolved notification', async () => (await notify.matching(/^Resolved: ServiceDown \(gui\)/))[i], 120_000, 100);
      toResolved.push(resolved.at - t1);
      const extra = (await notify.matching(/ServiceDown \(gui\)/)).length - before - 2;
      console.log(`alerts run ${i + 1}/${RUNS}: crash → notification ${fmt(toNotify[i]!)}, restart → resolved ${fmt(toResolved[i]!)}${extra ? `, ${extra} extra notifications` : ''}`);
      // Let Alertmanager drop the resolved group, so the next crash starts a new one (group_wait, not group_interval).
      await new Promise((r) => setTimeout(r, 15_000));
    }
  } finally {
    notify.restore();
    gui?.kill('SIGKILL');
    await serve.stop();
    await env.cleanup();
  }

  const a = defaults.alerts;
  const goal = forMs + 20_000;
  const total = toNotify.length;
  return {
    title: 'Alert latency: service crash to desktop notification',
    body: `Shipped defaults: scrape every ${defaults.stack.scrapeInterval}, Lookout's rules evaluated every ${a.evaluationInterval},
ServiceDown \`for: ${a.rules.ServiceDown.for}\`, Alertmanager \`group_wait: ${a.routing.groupWait}\` / \`group_interval: ${a.routing.groupInterval}\`,
storm window ${a.notifications.storm.window}. A real \`lookout serve\` with the real stack; the reference GUI server is crashed
through its admin endpoint (${total} runs, random phase) and the time is taken when node-notifier runs \`notify-send\`
(a stand-in on PATH). Resolved: from restarting the service to the resolved notification.

| figure | goal | median | worst | goal met |
| --- | --- | --- | --- | --- |
| crash → ServiceDown notification | ≤ for + 20 s = ${fmt(goal)} | ${fmt(quantile(toNotify, 0.5))} | ${fmt(Math.max(...toNotify))} | ${met(Math.max(...toNotify) <= goal)} |
| … of which beyond \`for:\` | ≤ 20 s | ${fmt(quantile(toNotify, 0.5) - forMs)} | ${fmt(Math.max(...toNotify) - forMs)} | ${met(Math.max(...toNotify) - forMs <= 20_000)} |
| restart → resolved notification | | ${fmt(quantile(toResolved, 0.5))} | ${fmt(Math.max(...toResolved))} | |`,
  };
}
