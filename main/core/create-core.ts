import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { EventMap, EventName } from '../../common/ipc';
import type { AlertSeverity, MetricsSample, OverallState, SettingsView, StackSnapshot } from '../../common/model';
import type { Handlers } from './api';
import type { Core, CoreDeps } from './core';
import { paths as layout, prepareHome } from './paths';
import { createFileSecrets } from './adapters/file-secrets';
import { createAlerting } from './alerts/alerting';
import { worstFiring } from './alerts/tray-state';
import { appOverall } from './overall';
import { checkReceivers } from './alerts/receiver-check';
import { ensureWebhookToken } from './secrets';
import { ensureGrafanaSecrets, grafanaCredentials } from './grafana/credentials';
import { loadHistory } from './metrics/history';
import { createMachineInfo } from './metrics/machine-info';
import { createNativeMetrics } from './metrics/native-metrics';
import { RingBuffer } from './metrics/ring-buffer';
import { createPrometheusClient } from './prometheus/client';
import { createAlertmanagerClient } from './alerts/alertmanager-client';
import { createStackAccess } from './lockdown/access';
import { withStackAuth } from './lockdown/authorizing-probe';
import { ensureStackCredentialsFor } from './lockdown/ensure';
import { createBackup, listBackups, pruneBackups, type BackupDeps } from './backup/backups';
import { createBackupScheduler } from './backup/schedule';
import { restoreBackup, stackControlFrom } from './backup/restore';
import { stackLogin } from './lockdown/credentials';
import { lockdownChecks } from './lockdown/doctor-checks';
import { remoteWriteStatus } from './remote-write/status';
import { linkableFrom } from './links/availability';
import { quickLinks } from './links/quick-links';
import { createSettingsEditor } from './settings/editor';
import { createSettingsStore } from './settings/store';
import { createDemoTargets } from './settings/demo-targets';
import { componentUrl } from './stack/component-spec';
import { Stack } from './stack/stack';
import { DEFAULT_TIMINGS } from './stack/timings';
import { createCoreMetrics } from './telemetry/metrics';
import { traced } from './telemetry/traced';
import { runtimeLayout } from './install/layout';
import { createInstallService } from './install/service';
import { guardUpgrade } from './install/upgrade-guard';
import { listServices } from './services-list';
import { createSignals } from './signals/signals';

/** Build the core from its ports. Shells (Electron, `lookout serve`) only call what this returns. */
export function createCore(deps: CoreDeps): Core {
  const paths = layout(deps.home);
  const { logger } = deps;
  const settings = createSettingsStore(paths, logger);
  const editor = createSettingsEditor(paths);
  const events = new EventEmitter();
  let lastOverall: OverallState | null = null;
  let firingWorst: AlertSeverity | null = null;
  let emitQueued = false;
  let unwatch: (() => void) | null = null;
  // `lookout demo` publishes its services in demo.json: scrape targets next to settings.services.
  const demo = createDemoTargets(paths, logger);
  let unwatchDemo: (() => void) | null = null;

  // Lock-down and attach mode (main/core/lockdown): every call to a component gets its URL and credential here.
  const access = createStackAccess({ paths, settings: () => settings.current() });
  const health = withStackAuth(deps.health, access);

  const stack = new Stack({
    paths,
    settings: () => demo.apply(settings.current()),
    clock: deps.clock,
    spawner: deps.spawner,
    health,
    ports: deps.ports,
    runner: deps.runner,
    logger,
    search: { searchDirs: deps.binarySearchDirs, envPath: deps.envPath },
    timings: deps.timings,
    onChange: queueEmit,
    onUnexpectedExit: (id) => metrics.countUnexpectedExit(id),
    // Receivers' secrets present and the SMTP server reachable, before a config replaces the running one.
    checkSettings: (s) => checkReceivers(s, paths),
    trace: (name, fn, attributes) => traced(signals.tracing(), name, fn, attributes),
  });
  const metrics = createCoreMetrics(() => stack.snapshot());
  const prometheus = createPrometheusClient(() => componentUrl(settings.current(), 'prometheus'), 5_000, () => access.headers('prometheus'));
  // Alerting (main/core/alerts): Alertmanager's alerts and Lookout's own watchdog → one list → notifications.
  const alerting = createAlerting({
    paths,
    settings: () => settings.current(),
    components: () => stack.snapshot(),
    clock: deps.clock,
    health,
    prometheus,
    alertmanager: createAlertmanagerClient(() => componentUrl(settings.current(), 'alertmanager'), 3_000, () => access.headers('alertmanager')),
    notifier: deps.notifier ?? null,
    secrets: deps.secrets ?? createFileSecrets(paths.secretsDir),
    logger,
    emit: (snap) => {
      events.emit('alerts:changed', snap);
      firingWorst = worstFiring(snap);
      const stackSnap = snapshot();
      // The badge reads StackSnapshot.overall: it changed with the alerts, so the stack view gets it too.
      if (stackSnap.overall !== lastOverall) events.emit('stack:changed', stackSnap);
      emitTrayState(stackSnap.overall);
    },
    reapply: () => stack.applySettings(),
    // The readiness time Lookout's unreachable alerts allow a start is the supervisor's own start timeout.
    timings: { readinessGraceMs: deps.timings?.startTimeoutMs ?? DEFAULT_TIMINGS.startTimeoutMs, ...deps.alertTimings },
  });
  // Traces and logs (main/core/signals): the OTLP receiver, the telemetry store, log following and analysis.
  const signals = createSignals({
    paths,
    clock: deps.clock,
    registry: metrics.registry,
    logger,
    version: deps.version,
    settings: () => demo.apply(settings.current()),
    demo: () => demo.current(),
    components: () => stack.snapshot().map((c) => c.id),
    onTail: (lines) => events.emit('logs:tail', { lines }),
    receiverPort: deps.otlpPort,
  });
  // Installing missing components (main/core/install): release downloads and Homebrew, with progress.
  const installs = createInstallService({
    paths,
    runner: deps.runner,
    logger,
    settings: () => settings.current(),
    search: { searchDirs: deps.binarySearchDirs, envPath: deps.envPath },
    onProgress: (e) => events.emit('install:progress', e),
    onInstalled: (component, change) => {
      const settled = change.from
        ? guardUpgrade(
            {
              layout: runtimeLayout(paths.home),
              logger,
              keepPrevious: () => settings.current().install.keepPrevious,
              state: (id) => stack.state(id),
              apply: () => stack.applySettings(),
              settle: (id) => stack.settle(id),
              restart: (id) => stack.restart([id]),
              onProgress: (e) => events.emit('install:progress', e),
            },
            component,
            change.from,
            change.to,
          )
        : stack.init();
      void settled.catch((err: unknown) => logger.error({ err, component }, 'taking up the installed binary failed'));
    },
  });
  // Backups (main/core/backup): the daily schedule runs here; `lookout backup` and the contract call the same functions.
  const backupDeps: BackupDeps = { paths, settings: () => settings.current(), access, clock: deps.clock, logger, lookoutVersion: deps.version, snapshotStore: (dir) => signals.backupStore(dir) };
  const backupSchedule = createBackupScheduler({
    clock: deps.clock,
    settings: () => settings.current(),
    logger,
    newest: async () => {
      const newest = (await listBackups(backupDeps)).backups[0];
      return newest ? Date.parse(newest.created) : null;
    },
    create: (opts) => createBackup(backupDeps, opts),
    prune: (keep) => pruneBackups(backupDeps, keep),
  });
  const machineInfo = createMachineInfo();
  /** Live samples for sparklines: 15 minutes at the 1 s UI interval. */
  const live = new RingBuffer<MetricsSample>(900);
  // Native collectors (main/core/metrics): their series join this /metrics; each live sample goes to the ring buffer and the UI.
  const native = createNativeMetrics({
    registry: metrics.registry,
    settings: () => settings.current(),
    demo: () => demo.current(),
    runner: deps.runner,
    logger,
    clock: deps.clock,
    onSample: (sample) => {
      live.push(sample);
      events.emit('metrics:sample', sample);
    },
  });

  function settingsView(): SettingsView {
    return { settings: settings.current(), error: settings.error(), file: paths.settings };
  }

  function stackParts() {
    return { components: stack.snapshot(), settingsError: settings.error(), configError: stack.lastConfigError };
  }

  function snapshot(): StackSnapshot {
    const snap = stackParts();
    return { ...snap, overall: appOverall(snap, firingWorst) };
  }

  /** The tray shows the same overall state as the snapshot (appOverall); push only changes. */
  function emitTrayState(overall: OverallState): void {
    if (overall === lastOverall) return;
    lastOverall = overall;
    events.emit('app:overall', overall);
  }

  // Supervisors change state in bursts (several per tick when the stack starts); push one snapshot per burst.
  function queueEmit(): void {
    if (emitQueued) return;
    emitQueued = true;
    queueMicrotask(() => {
      emitQueued = false;
      const snap = snapshot();
      events.emit('stack:changed', snap);
      alerting.onStackChange();
      emitTrayState(snap.overall);
    });
  }

  const handlers = {
    'app:info': async () => ({ version: deps.version, mode: deps.mode, home: paths.home, platform: process.platform }),
    'stack:get': async () => snapshot(),
    'stack:start': async (req) => {
      await stack.start(req.components);
      return snapshot();
    },
    'stack:stop': async (req) => {
      await stack.stop(req.components);
      return snapshot();
    },
    'stack:restart': async (req) => {
      await stack.restart(req.components);
      return snapshot();
    },
    'metrics:get': async () => ({ samples: live.toArray(), collectors: native.statuses(), machine: await machineInfo() }),
    'grafana:credentials': async () => grafanaCredentials(paths, settings.current()),
    'metrics:history': async (req) => loadHistory(prometheus, req.range, deps.clock.now()),
    'metrics:ping': async (req) => {
      if (req.roundTripSeconds !== undefined) native.observeAppRoundTrip(req.roundTripSeconds);
      return { at: Date.now() };
    },
    'settings:get': async () => settingsView(),
    'links:get': async () => ({ links: quickLinks(settings.current(), linkableFrom(stack.snapshot())) }),
    'settings:update': async (req) => editor.update(req.changes, settings.current()),
    'services:list': () => listServices({ settings: settings.current(), scraped: demo.apply(settings.current()), demo: demo.current(), prometheus }),
    ...alerting.handlers,
    ...signals.handlers,
    ...installs.handlers,
    'backup:list': async () => ({ ...(await listBackups(backupDeps)), nextScheduledAt: backupSchedule.nextRunAt() }),
    'backup:create': (req) => createBackup(backupDeps, req),
    'backup:restore': (req) =>
      restoreBackup(
        {
          ...backupDeps,
          stack: stackControlFrom({ get: async () => snapshot(), start: async (r) => (await stack.start(r.components), snapshot()), stop: async (r) => (await stack.stop(r.components), snapshot()) }),
          restoreStore: (dir, files) => signals.restoreStore(dir, files),
        },
        req.id,
        { passphrase: req.passphrase },
      ),
    'backup:prune': (req) => pruneBackups(backupDeps, req.keep),
    'remoteWrite:status': () => remoteWriteStatus({ access, targets: settings.current().stack.remoteWrite }),
    'lockdown:status': async () => ({ enabled: settings.current().stack.lockdown.enabled, checks: await lockdownChecks(settings.current(), paths) }),
    'stack:credentials': async () => {
      const login = await stackLogin(paths);
      if (!login) throw Object.assign(new Error('lock-down is off (stack.lockdown.enabled): the stack asks for no login'), { code: 'not_found', status: 404 });
      return login;
    },
  } satisfies Handlers;

  return {
    paths,
    handlers,
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      events.on(event, listener);
      return () => void events.off(event, listener);
    },
    metrics: () => metrics.render(),
    receiveAlertmanagerWebhook: (payload) => alerting.receiveWebhook(payload),
    settings: () => settings.current(),
    async init() {
      prepareHome(paths.home);
      await Promise.all([paths.stackDir, paths.logsDir, paths.runDir].map((d) => mkdir(d, { recursive: true })));
      await settings.load();
      // The rendered alertmanager.yml names this file; it must exist before Alertmanager reads the config.
      await ensureWebhookToken(paths);
      // grafana.ini names Grafana's admin password and secret_key files ($__file{…}); they must exist first.
      await ensureGrafanaSecrets(paths);
      // The stack password and the web config with its hash: scrape configs, Grafana and --web.config.file name them.
      await ensureStackCredentialsFor({ paths, settings: settings.current(), runner: deps.runner, search: { searchDirs: deps.binarySearchDirs, envPath: deps.envPath } }).catch((err: unknown) =>
        logger.error({ err: (err as Error).message }, 'the stack credential could not be prepared; locked-down components will refuse Lookout'),
      );
      await demo.load();
      await stack.render();
      await stack.init();
      // Settings may have changed while Lookout was away (a new flag, lock-down turned on): adopted
      // processes started with other flags restart now, the rest keep running.
      await stack.applySettings();
      native.start();
      await alerting.start();
      // The store is the default that needs nothing installed, but Lookout runs without it too: a store
      // that cannot open (locked by another process) costs the traces and logs views, not the stack.
      await signals.start().catch((err: unknown) => logger.error({ err: (err as Error).message }, 'traces and logs are off: the telemetry store did not open'));
      await backupSchedule.reschedule();
      unwatch = settings.watch(
        () => {
          logger.info('settings changed; applying');
          events.emit('settings:changed', settingsView());
          native.applySettings();
          backupSchedule.reschedule().catch((err: unknown) => logger.error({ err }, 'rescheduling backups failed'));
          stack.applySettings().catch((err: unknown) => logger.error({ err }, 'applying settings failed'));
          signals.applySettings().catch((err: unknown) => logger.error({ err: (err as Error).message }, 'applying traces and logs settings failed'));
        },
        (message) => {
          logger.warn({ message }, 'settings file rejected; the previous settings stay in force');
          events.emit('settings:changed', settingsView());
          queueEmit();
        },
      );
      unwatchDemo = demo.watch(() => {
        logger.info('demo targets changed; applying');
        stack.applySettings().catch((err: unknown) => logger.error({ err }, 'applying demo targets failed'));
        signals.applySettings().catch((err: unknown) => logger.error({ err: (err as Error).message }, 'following the demo logs failed'));
      });
      queueEmit();
    },
    async dispose(opts) {
      backupSchedule.stop();
      await alerting.stop();
      unwatch?.();
      unwatchDemo?.();
      native.stop();
      installs.dispose();
      await signals.dispose();
      // A render or apply in flight finishes first, so the stop below sees the components it left.
      stack.dispose();
      await stack.idle();
      if (opts?.stopStack ?? settings.current().stack.stopOnExit) await stack.stop();
      else stack.detach();
      events.removeAllListeners();
    },
  };
}
