/**
 * Alerting in core, composed: the alert book (Alertmanager + Lookout's watchdog), the notification
 * policy (decide → dispatcher → Notifier), ack/snooze silences, history, and the receivers' secrets.
 *
 * Every `syncInterval` (5 s) one tick reads Alertmanager's alerts and silences (the reconcile that also
 * covers a restart of either side), probes Prometheus, re-evaluates Lookout's own alerts, and lets the
 * policy decide. Webhooks and stack changes trigger the same update at once, so a notification does
 * not wait for the next tick. Updates run one at a time.
 */
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Alert, AlertSeverity, AlertsSnapshot, ComponentStatus } from '../../../common/model';
import { BadRequestError, type Handlers } from '../api';
import { linkableFrom } from '../links/availability';
import { grafanaAlertUrl } from '../links/grafana';
import { alertTracesUrl } from '../links/jaeger';
import type { Paths } from '../paths';
import type { Clock, HealthProbe, Timer } from '../ports';
import type { PrometheusClient } from '../prometheus/client';
import type { Settings } from '../settings/schema';
import { componentUrl } from '../stack/component-spec';
import { createAlertmanagerClient, parseWebhook, type AlertmanagerClient } from './alertmanager-client';
import { AlertBook, type BookEntry } from './book';
import { decide, groupKey } from './decide';
import { NotificationDispatcher } from './dispatcher';
import { isHeartbeat } from './heartbeat';
import { alertHistory } from './history';
import { NotificationLog } from './notification-log';
import { NotifiedStore } from './notified-store';
import type { NotificationAction, Notifier, Secrets } from './ports';
import { secretsHandlers } from './secrets-handlers';
import { durationMs } from '../settings/prom-units';
import { Silencer } from './silences';
import { createSourceProbes, type SourceId } from './source-probes';
import { evaluateWatchdog } from './watchdog';

/** Timings of the alerting loop (tests shorten them). */
export interface AlertingTimings {
  /** Reconcile with Alertmanager, probe Prometheus, re-evaluate. */
  syncIntervalMs: number;
  /** An alert missing from Alertmanager's list this long is resolved (Prometheus re-sends every minute). */
  resolveGraceMs: number;
  /** Resolved alerts stay in the list this long. */
  keepResolvedMs: number;
  /** Lifetime of an ack silence between extensions. */
  ackTtlMs: number;
  /** How often ack silences are extended or ended. */
  maintainIntervalMs: number;
  /** Readiness probe timeout for Prometheus. */
  probeTimeoutMs: number;
  /** How long Prometheus or Alertmanager may be `starting` before Lookout's unreachable alert fires (create-core passes the supervisor's start timeout). */
  readinessGraceMs: number;
}

export const DEFAULT_ALERTING_TIMINGS: AlertingTimings = {
  syncIntervalMs: 5_000,
  resolveGraceMs: 90_000,
  keepResolvedMs: 10 * 60_000,
  ackTtlMs: 10 * 60_000,
  maintainIntervalMs: 30_000,
  probeTimeoutMs: 2_000,
  readinessGraceMs: 60_000,
};

export type AlertingChannels = 'alerts:get' | 'alerts:history' | 'alerts:ack' | 'alerts:snooze' | 'alerts:test' | 'silences:delete' | 'secrets:get' | 'secrets:set' | 'secrets:clear';

/** How long a test alert fires: long enough to pass group_wait, short enough to resolve by itself. */
const TEST_ALERT_MS = 60_000;

export interface AlertingDeps {
  paths: Paths;
  settings(): Settings;
  components(): ComponentStatus[];
  clock: Clock;
  health: HealthProbe;
  prometheus: PrometheusClient;
  notifier: Notifier | null;
  secrets: Secrets;
  logger: Logger;
  /** Push the list to the UI ('alerts:changed'). */
  emit(snapshot: AlertsSnapshot): void;
  /** Re-render and apply the configs (after a secret changed, receivers may work now, or no longer). */
  reapply(): Promise<void>;
  alertmanager?: AlertmanagerClient;
  timings?: Partial<AlertingTimings>;
}

export interface Alerting {
  handlers: Pick<Handlers, AlertingChannels>;
  /** A body from Alertmanager's webhook (already authenticated); throws BadRequestError when it is not one. */
  receiveWebhook(payload: unknown): Promise<void>;
  /** The supervisor changed something: re-evaluate Lookout's own alerts now. */
  onStackChange(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  snapshot(): AlertsSnapshot;
  /** Resolves once the updates queued so far are done (tests with a fake clock wait on it). */
  settled(): Promise<void>;
}

const RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };
const STATE_RANK: Record<Alert['state'], number> = { firing: 0, suppressed: 1, resolved: 2 };

const severityOf = (labels: Record<string, string>): AlertSeverity =>
  labels.severity === 'critical' || labels.severity === 'warning' ? labels.severity : 'info';


const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** An alert's identity across Prometheus and Alertmanager: its labels, without ALERTS' own. */
function labelKey(labels: Record<string, string>): string {
  const { __name__: _n, alertstate: _s, ...rest } = labels;
  return JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function createAlerting(deps: AlertingDeps): Alerting {
  const t: AlertingTimings = { ...DEFAULT_ALERTING_TIMINGS, ...deps.timings };
  const { clock, logger } = deps;
  const dir = path.join(deps.paths.home, 'alerts');
  const am = deps.alertmanager ?? createAlertmanagerClient(() => componentUrl(deps.settings(), 'alertmanager'));
  const book = new AlertBook({ resolveGraceMs: t.resolveGraceMs, keepResolvedMs: t.keepResolvedMs });
  const notified = new NotifiedStore(path.join(dir, 'notified.json'), logger);
  const log = new NotificationLog(path.join(dir, 'notifications.jsonl'));
  const silencer = new Silencer({ am, file: path.join(dir, 'local-silences.json'), logger, now: () => clock.now(), ackTtlMs: t.ackTtlMs });
  const user = (() => {
    try {
      return os.userInfo().username;
    } catch {
      return 'you';
    }
  })();

  let lastWatchdogAt: number | null = null;
  let pipelineUpSince: number | null = null;
  let ownReadySince: number | null = null;
  let lastMaintainAt = 0;
  let timer: Timer | null = null;
  let running = false;
  let lastEmitted = '';
  let current: Alert[] = [];
  let chain: Promise<void> = Promise.resolve();
  let stackChangeQueued = false;

  /** The alert's Grafana view, only while Grafana runs (links/availability.ts): no link to a closed port. */
  function grafanaLink(alert: { labels: Record<string, string>; startsAt: number }): string | null {
    return linkableFrom(deps.components())('grafana') ? grafanaAlertUrl(alert, deps.settings()) : null;
  }

  const sources = createSourceProbes({
    settings: deps.settings,
    components: deps.components,
    clock,
    health: deps.health,
    am,
    logger,
    probeTimeoutMs: t.probeTimeoutMs,
    refreshSilences: () => silencer.refresh(),
    onAlerts: (alerts, at) => book.sync(alerts, at),
  });

  const dispatcher = new NotificationDispatcher({
    notifier: deps.notifier,
    clock,
    log,
    logger,
    settings: () => deps.settings().alerts.notifications,
    linkFor: (d) => {
      const first = d.alerts[0];
      return grafanaLink(first ? { labels: first.labels, startsAt: first.startsAt } : { labels: d.job ? { job: d.job } : {}, startsAt: clock.now() });
    },
    onAction: (groups, action) => void onNotificationAction(groups, action),
  });

  /** Run updates one at a time: the book, the notified state and the log must not interleave. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn);
    chain = run.then(
      () => undefined,
      (err: unknown) => logger.error({ err }, 'alerting update failed'),
    );
    return run;
  }

  function toAlert(e: BookEntry, jaegerRunning: boolean): Alert {
    const severity = severityOf(e.labels);
    const name = e.labels.alertname ?? '(unnamed)';
    const silences = silencer.silencesFor(e);
    // Lookout's own alerts are silenced locally, Alertmanager's by Alertmanager (already in e.state).
    const state = e.state === 'firing' && e.source === 'lookout' && silences.length ? 'suppressed' : e.state;
    const base = { name, severity, labels: e.labels };
    return {
      id: e.id,
      source: e.source,
      name,
      severity,
      state,
      labels: e.labels,
      summary: e.annotations.summary ?? name,
      description: e.annotations.description ?? '',
      runbook: e.annotations.runbook ?? null,
      startsAt: e.startsAt,
      resolvedAt: e.resolvedAt,
      silences,
      inhibitedBy: e.inhibitedBy,
      grafanaUrl: grafanaLink({ labels: e.labels, startsAt: e.startsAt }),
      tracesUrl: alertTracesUrl({ labels: e.labels, startsAt: e.startsAt, resolvedAt: e.resolvedAt }, deps.settings(), jaegerRunning, clock.now()),
      group: groupKey(base),
    };
  }

  function build(): Alert[] {
    const jaegerRunning = deps.components().some((c) => c.id === 'jaeger' && c.state === 'running');
    return book
      .entries()
      .map((e) => toAlert(e, jaegerRunning))
      .sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || RANK[a.severity] - RANK[b.severity] || b.startsAt - a.startsAt || a.id.localeCompare(b.id));
  }

  function snapshot(): AlertsSnapshot {
    // Watchdog is the pipeline's heartbeat, shown as lastWatchdogAt rather than as an alert.
    return { alerts: current.filter((a) => !isHeartbeat(a.name, a.labels)), alertmanager: sources.status('alertmanager'), prometheus: sources.status('prometheus'), lastWatchdogAt };
  }

  /** Re-evaluate own alerts, decide notifications, push the list when it changed. */
  async function update(): Promise<void> {
    const now = clock.now();
    const settings = deps.settings();
    const components = deps.components();
    const byId = new Map(components.map((c) => [c.id as string, c]));
    // A stop or restart since the last probe shows at once, not at the next tick.
    sources.follow(components);
    const up = (id: SourceId) => byId.get(id)?.state === 'running' && sources.failures(id) === 0;
    pipelineUpSince = up('prometheus') && up('alertmanager') ? (pipelineUpSince ?? now) : null;

    book.setOwn(
      evaluateWatchdog({
        components,
        alertmanagerFailures: sources.failures('alertmanager'),
        alertmanagerError: sources.status('alertmanager').error,
        prometheusFailures: sources.failures('prometheus'),
        prometheusError: sources.status('prometheus').error,
        watchdogEnabled: settings.alerts.rules.Watchdog.enabled && settings.stack.components.alertmanager.enabled && settings.stack.components.prometheus.enabled,
        pipelineUpSince,
        lastWatchdogAt,
        missingAfterMs: durationMs(settings.alerts.watchdog.missingAfter),
        readinessGraceMs: t.readinessGraceMs,
        now,
      }),
      now,
    );
    ownReadySince ??= now;
    current = build();

    const result = decide(current, notified.current, {
      now,
      desktop: settings.alerts.receivers.desktop.severities,
      readySince: { alertmanager: book.syncedSince, lookout: ownReadySince },
      graceMs: t.resolveGraceMs,
    });
    if (result.changed) await notified.save(result.state);
    if (result.decisions.length) dispatcher.submit(result.decisions);

    const snap = snapshot();
    const text = JSON.stringify(snap);
    if (text !== lastEmitted) {
      lastEmitted = text;
      deps.emit(snap);
    }
  }

  /** Read Alertmanager and Prometheus (the reconcile), then update. */
  async function tick(): Promise<void> {
    const now = clock.now();
    await sources.probe();
    if (book.hasMissing() && sources.status('prometheus').reachable) {
      try {
        const firing = new Set((await deps.prometheus.query('ALERTS{alertstate="firing"}')).map((s) => labelKey(s.metric)));
        book.resolveMissing((labels) => firing.has(labelKey(labels)));
      } catch (err) {
        logger.debug({ err: message(err) }, 'cannot ask Prometheus which alerts fire; missing alerts wait for the grace period');
      }
    }
    if (sources.status('alertmanager').reachable && now - lastMaintainAt >= t.maintainIntervalMs) {
      lastMaintainAt = now;
      const settled = book.syncedSince !== null && now - book.syncedSince >= t.resolveGraceMs;
      try {
        await silencer.maintain(book.entries(), settled);
      } catch (err) {
        logger.warn({ err: message(err) }, 'keeping ack silences alive failed');
      }
    }
    await update();
  }

  function scheduleTick(ms: number): void {
    if (!running) return;
    timer = clock.setTimeout(() => {
      timer = null;
      void serial(tick).finally(() => scheduleTick(t.syncIntervalMs));
    }, ms);
  }

  function find(id: string): BookEntry {
    const entry = book.get(id);
    if (!entry || entry.state === 'resolved') throw new BadRequestError(`no firing alert with id ${id} (it may have resolved)`);
    return entry;
  }

  /** Re-read Alertmanager after a silence changed, so the answer shows it. */
  async function refreshAfterSilence(): Promise<AlertsSnapshot> {
    await serial(tick);
    return snapshot();
  }

  async function onNotificationAction(groups: string[], action: NotificationAction): Promise<void> {
    const targets = current.filter((a) => groups.includes(a.group) && a.state === 'firing');
    for (const a of targets) {
      try {
        const entry = find(a.id);
        if (action === 'ack') await silencer.ack(entry, user, 'from the notification');
        else await silencer.snooze(entry, 3_600_000, '1h', user, 'from the notification');
      } catch (err) {
        logger.warn({ err: message(err), alert: a.id, action }, 'notification action failed');
      }
    }
    await refreshAfterSilence();
  }

  const handlers: Alerting['handlers'] = {
    'alerts:get': async () => snapshot(),
    'alerts:test': async (req) => {
      // Through Alertmanager's real routes, so it proves the whole path: every channel enabled for
      // this severity (desktop, Slack, email, webhook) receives it; it resolves after a minute.
      const now = clock.now();
      await am.postAlert({
        labels: { alertname: 'LookoutTestNotification', severity: req.severity, job: 'lookout', test_id: String(now) },
        annotations: { summary: `Test notification (${req.severity}) from Lookout`, description: 'Sent from Lookout\'s settings to check the notification channels.' },
        startsAt: now,
        endsAt: now + TEST_ALERT_MS,
      });
      const s = deps.settings().alerts.receivers;
      const channels = (['desktop', 'slack', 'email', 'webhook'] as const).filter((c) => s[c].severities.includes(req.severity));
      return { channels: [...channels] };
    },
    'alerts:history': async (req) => {
      const settings = deps.settings();
      return alertHistory(settings.stack.components.prometheus.enabled ? deps.prometheus : null, log, req.range ?? '24h', clock.now());
    },
    'alerts:ack': async (req) => {
      const silenceId = await silencer.ack(find(req.id), req.by ?? user, req.comment ?? '');
      return { silenceId, alerts: await refreshAfterSilence() };
    },
    'alerts:snooze': async (req) => {
      const ms = durationMs(req.duration);
      if (ms <= 0) throw new BadRequestError('duration: must be longer than 0, such as 30m or 2h');
      const silenceId = await silencer.snooze(find(req.id), ms, req.duration, req.by ?? user, req.comment ?? '');
      return { silenceId, alerts: await refreshAfterSilence() };
    },
    'silences:delete': async (req) => {
      // An unknown id is a SilenceNotFoundError (a BadRequestError: 400), from Alertmanager or the local list.
      await silencer.remove(req.id);
      return refreshAfterSilence();
    },
    ...secretsHandlers({ secrets: deps.secrets, logger, reapply: deps.reapply }),
  };

  return {
    handlers,
    snapshot,
    async receiveWebhook(payload) {
      let parsed: ReturnType<typeof parseWebhook>;
      try {
        parsed = parseWebhook(payload);
      } catch (err) {
        throw new BadRequestError(message(err));
      }
      await serial(async () => {
        const now = clock.now();
        if (parsed.alerts.some((a) => a.status === 'firing' && a.alert.labels.alertname === 'Watchdog')) lastWatchdogAt = now;
        book.webhook(parsed.alerts, now);
        await update();
      });
    },
    onStackChange() {
      if (!running || stackChangeQueued) return;
      stackChangeQueued = true;
      queueMicrotask(() => {
        stackChangeQueued = false;
        void serial(update);
      });
    },
    async start() {
      await Promise.all([notified.load(), silencer.load()]);
      running = true;
      // The first tick is the reconcile at start: what fired while Lookout was not running is caught up now.
      await serial(tick);
      scheduleTick(t.syncIntervalMs);
    },
    settled: () => chain,
    async stop() {
      running = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      dispatcher.stop();
      await chain;
    },
  };
}
