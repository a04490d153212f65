import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { EventMap, EventName } from '../../common/ipc';
import type { MetricsSample, OverallState, StackSnapshot } from '../../common/model';
import type { Handlers } from './api';
import type { Core, CoreDeps } from './core';
import { paths as layout } from './paths';
import { ensureWebhookToken } from './secrets';
import { loadHistory } from './metrics/history';
import { RingBuffer } from './metrics/ring-buffer';
import { createPrometheusClient } from './prometheus/client';
import { updateSettingsFile } from './settings/editor';
import { createSettingsStore } from './settings/store';
import { overallState } from './stack/overall';
import { componentUrl } from './stack/catalog';
import { Stack } from './stack/stack';
import { createCoreMetrics } from './telemetry/metrics';

/** Build the core from its ports. Shells (Electron, `lookout serve`) only call what this returns. */
export function createCore(deps: CoreDeps): Core {
  const paths = layout(deps.home);
  const { logger } = deps;
  const settings = createSettingsStore(paths, logger);
  const events = new EventEmitter();
  let lastOverall: OverallState | null = null;
  let emitQueued = false;
  let unwatch: (() => void) | null = null;

  const stack = new Stack({
    paths,
    settings: () => settings.current(),
    clock: deps.clock,
    spawner: deps.spawner,
    health: deps.health,
    ports: deps.ports,
    runner: deps.runner,
    logger,
    search: { searchDirs: deps.binarySearchDirs, envPath: deps.envPath },
    timings: deps.timings,
    onChange: queueEmit,
    onUnexpectedExit: (id) => metrics.countUnexpectedExit(id),
  });
  const metrics = createCoreMetrics(() => stack.snapshot());
  const prometheus = createPrometheusClient(() => componentUrl(settings.current(), 'prometheus'));
  /** Live samples for sparklines: 15 minutes at the 1 s UI interval. */
  const live = new RingBuffer<MetricsSample>(900);

  function snapshot(): StackSnapshot {
    const snap = { components: stack.snapshot(), settingsError: settings.error(), configError: stack.lastConfigError };
    return { ...snap, overall: overallState(snap) };
  }

  // Supervisors change state in bursts (several per tick when the stack starts); push one snapshot per burst.
  function queueEmit(): void {
    if (emitQueued) return;
    emitQueued = true;
    queueMicrotask(() => {
      emitQueued = false;
      const snap = snapshot();
      events.emit('stack:changed', snap);
      const { overall } = snap;
      if (overall !== lastOverall) {
        lastOverall = overall;
        events.emit('app:overall', overall);
      }
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
    'metrics:get': async () => ({ samples: live.toArray(), collectors: [] }),
    'metrics:history': async (req) => loadHistory(prometheus, req.range, deps.clock.now()),
    'settings:get': async () => ({ settings: settings.current(), error: settings.error(), file: paths.settings }),
    'settings:update': async (req) => updateSettingsFile(paths, req.changes, settings.current()),
  } satisfies Handlers;

  return {
    paths,
    handlers,
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      events.on(event, listener);
      return () => void events.off(event, listener);
    },
    metrics: () => metrics.render(),
    async receiveAlertmanagerWebhook(payload) {
      // Alert handling arrives with the alerting issue; for now record that the route works end to end.
      const alerts = (payload as { alerts?: unknown[] } | null)?.alerts;
      logger.info({ alerts: Array.isArray(alerts) ? alerts.length : 0 }, 'alertmanager webhook received');
    },
    settings: () => settings.current(),
    async init() {
      await Promise.all([paths.stackDir, paths.logsDir, paths.runDir].map((d) => mkdir(d, { recursive: true })));
      await settings.load();
      // The rendered alertmanager.yml names this file; it must exist before Alertmanager reads the config.
      await ensureWebhookToken(paths);
      await stack.render();
      await stack.init();
      unwatch = settings.watch(
        () => {
          logger.info('settings changed; applying');
          stack.applySettings().catch((err: unknown) => logger.error({ err }, 'applying settings failed'));
        },
        (message) => {
          logger.warn({ message }, 'settings file rejected; the previous settings stay in force');
          queueEmit();
        },
      );
      queueEmit();
    },
    async dispose(opts) {
      unwatch?.();
      if (opts?.stopStack ?? settings.current().stack.stopOnExit) await stack.stop();
      else stack.detach();
      events.removeAllListeners();
    },
  };
}
