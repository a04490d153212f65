import type { EventMap, EventName } from '../../common/ipc';
import type { InstallStatus } from '../../common/install';
import type { LogLine } from '../../common/logs';
import type { TraceDetail } from '../../common/traces';
import { COMPONENT_IDS, type ServiceView, type AlertsSnapshot, type ComponentId, type ComponentStatus, type SecretsStatus, type StackSnapshot } from '../../common/model';
import type { Handlers } from '../../main/core/api';
import type { Core } from '../../main/core/core';
import { paths as homePaths, type Paths } from '../../main/core/paths';
import { defaultSettings, type Settings } from '../../main/core/settings/schema';

const NAMES: Record<ComponentId, string> = { prometheus: 'Prometheus', alertmanager: 'Alertmanager', node_exporter: 'node_exporter', grafana: 'Grafana', jaeger: 'Jaeger' };
const PORTS: Record<ComponentId, number> = { prometheus: 9090, alertmanager: 9093, node_exporter: 9100, grafana: 3000, jaeger: 16686 };

/** A plausible component row; tests override what they care about. */
export function fakeComponent(id: ComponentId, patch: Partial<ComponentStatus> = {}): ComponentStatus {
  return {
    id,
    name: NAMES[id],
    state: 'stopped',
    pid: null,
    port: PORTS[id],
    version: '1.0.0',
    binary: `/usr/bin/${id}`,
    lastError: null,
    fix: null,
    detail: null,
    warning: null,
    since: 1_700_000_000_000,
    restarts: 0,
    adopted: false,
    lastExit: null,
    url: `http://127.0.0.1:${PORTS[id]}/`,
    ...patch,
  };
}

/**
 * FakeCore: a fake of the core used to test transports only (the HTTP API, SSE, the CLI client).
 * It runs no processes: its handlers return canned StackSnapshots, `start`/`stop` flip states and emit
 * 'stack:changed', and tests can emit any event and inspect what the transport handed over.
 * Requests reach it only after the transport's own parseRequest, so `calls` shows what the gate let through.
 */
export class FakeCore implements Core {
  readonly paths: Paths;
  snapshot: StackSnapshot;
  /** Every handler call, in order, with the request as the handler received it. */
  readonly calls: Array<{ channel: string; req: unknown }> = [];
  /** Bodies received by the Alertmanager webhook. */
  readonly webhooks: unknown[] = [];
  /** When set, the next handler call throws it (then it is cleared). */
  failNext: Error | null = null;
  disposed = false;
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  constructor(home = '/tmp/lookout-fake-core') {
    this.paths = homePaths(home);
    // What default settings enable: every component but Jaeger.
    this.snapshot = { components: COMPONENT_IDS.filter((id) => id !== 'jaeger').map((id) => fakeComponent(id)), overall: 'stopped', settingsError: null, configError: null };
  }

  readonly handlers: Handlers = {
    'app:info': async (req) => {
      this.record('app:info', req);
      return { version: '0.0.0-fake', mode: 'serve', home: this.paths.home, platform: process.platform };
    },
    'stack:get': async (req) => {
      this.record('stack:get', req);
      return this.snapshot;
    },
    'stack:start': async (req) => {
      this.record('stack:start', req);
      return this.setStates(req.components, 'running');
    },
    'stack:stop': async (req) => {
      this.record('stack:stop', req);
      return this.setStates(req.components, 'stopped');
    },
    'stack:restart': async (req) => {
      this.record('stack:restart', req);
      return this.setStates(req.components, 'running');
    },
    'metrics:get': async (req) => {
      this.record('metrics:get', req);
      return { samples: [], collectors: [] };
    },
    'grafana:credentials': async (req) => {
      this.record('grafana:credentials', req);
      return { user: 'admin', password: 'fake-grafana-password', url: 'http://127.0.0.1:3000/login' };
    },
    'links:get': async (req) => {
      this.record('links:get', req);
      return { links: [] };
    },
    'settings:get': async (req) => {
      this.record('settings:get', req);
      return { settings: {}, error: null, file: `${this.paths.settings}` };
    },
    'settings:update': async (req) => {
      this.record('settings:update', req);
      return { ok: false, issues: [{ path: 'lookout.port', message: 'the fake core does not save settings' }] };
    },
    'metrics:history': async (req) => {
      this.record('metrics:history', req);
      return { range: req.range, samples: [], error: 'no Prometheus in the fake core' };
    },
    'metrics:ping': async (req) => {
      this.record('metrics:ping', req);
      return { at: 0 };
    },
    'alerts:get': async (req) => {
      this.record('alerts:get', req);
      return this.alerts;
    },
    'alerts:history': async (req) => {
      this.record('alerts:history', req);
      return { range: req.range ?? '24h', from: 0, to: 0, intervals: [], notifications: [], prometheusError: 'the fake core has no Prometheus' };
    },
    'alerts:ack': async (req) => {
      this.record('alerts:ack', req);
      return { silenceId: `fake-ack-${req.id}`, alerts: this.alerts };
    },
    'alerts:snooze': async (req) => {
      this.record('alerts:snooze', req);
      return { silenceId: `fake-snooze-${req.id}`, alerts: this.alerts };
    },
    'alerts:test': async (req) => {
      this.record('alerts:test', req);
      return { channels: ['desktop'] };
    },
    'silences:delete': async (req) => {
      this.record('silences:delete', req);
      return this.alerts;
    },
    'secrets:get': async (req) => {
      this.record('secrets:get', req);
      return { ...this.secretsSet };
    },
    'secrets:set': async (req) => {
      this.record('secrets:set', { name: req.name, value: '(redacted)' });
      this.secretsSet[req.name] = true;
      return { ...this.secretsSet };
    },
    'secrets:clear': async (req) => {
      this.record('secrets:clear', req);
      this.secretsSet[req.name] = false;
      return { ...this.secretsSet };
    },
    'services:list': async (req) => {
      this.record('services:list', req);
      return { services: this.services };
    },
    'traces:list': async (req) => {
      this.record('traces:list', req);
      return { traces: this.traces.map((t) => t.summary).filter((t) => (!req.service || t.services.includes(req.service)) && (!req.errorsOnly || t.errorCount > 0)), fromUs: req.fromUs ?? 0, toUs: req.toUs ?? 0 };
    },
    'traces:get': async (req) => {
      this.record('traces:get', req);
      return { trace: this.traces.find((t) => t.summary.traceId === req.traceId) ?? null };
    },
    'logs:search': async (req) => {
      this.record('logs:search', req);
      const lines = this.logLines.filter((l) => (!req.service || l.service === req.service) && (!req.text || l.message.toLowerCase().includes(req.text.toLowerCase())) && (!req.traceId || l.traceId === req.traceId));
      return { lines, fromUs: req.fromUs ?? 0, toUs: req.toUs ?? 0 };
    },
    'logs:errors': async (req) => {
      this.record('logs:errors', req);
      return { groups: [], fromUs: req.fromUs ?? 0, toUs: req.toUs ?? 0 };
    },
    'logs:patterns': async (req) => {
      this.record('logs:patterns', req);
      return { patterns: [], fromUs: req.fromUs ?? 0, toUs: req.toUs ?? 0, bucketUs: 60_000_000 };
    },
    'logs:latency': async (req) => {
      this.record('logs:latency', req);
      return { rows: [], by: req.by ?? 'route', fromUs: req.fromUs ?? 0, toUs: req.toUs ?? 0 };
    },
    'logs:status': async (req) => {
      this.record('logs:status', req);
      return { enabled: true, files: [], ship: [], problems: [] };
    },
    'install:status': async (req) => {
      this.record('install:status', req);
      return this.install;
    },
    'install:start': async (req) => {
      this.record('install:start', req);
      return { started: req.components ?? [], skipped: [] };
    },
    'install:cancel': async (req) => {
      this.record('install:cancel', req);
      return this.install;
    },
    'backup:list': async (req) => {
      this.record('backup:list', req);
      return { dir: `${this.paths.home}/backups`, backups: [], unreadable: [], nextScheduledAt: null };
    },
    'backup:create': async (req) => {
      this.record('backup:create', req);
      throw new Error('the fake core makes no backups');
    },
    'backup:restore': async (req) => {
      this.record('backup:restore', req);
      throw new Error('the fake core restores nothing');
    },
    'backup:prune': async (req) => {
      this.record('backup:prune', req);
      return { kept: [], deleted: [] };
    },
    'remoteWrite:status': async (req) => {
      this.record('remoteWrite:status', req);
      return { targets: [] };
    },
    'lockdown:status': async (req) => {
      this.record('lockdown:status', req);
      return { enabled: true, checks: [] };
    },
    'stack:credentials': async (req) => {
      this.record('stack:credentials', req);
      return { user: 'lookout', password: 'fake-stack-password' };
    },
  };

  /** What services:list answers; tests set it. */
  services: ServiceView[] = [];
  /** What traces:list and traces:get answer from; tests set it. */
  traces: TraceDetail[] = [];
  /** What logs:search filters; tests set it. */
  logLines: LogLine[] = [];
  install: InstallStatus = {
    components: [],
    installers: { release: { ok: true, detail: 'fake' }, brew: { ok: false, reason: 'no brew in the fake core', fix: 'install Homebrew' }, docker: { ok: false, reason: 'no docker in the fake core' } },
  };

  /** What 'alerts:get' answers; tests replace it. */
  alerts: AlertsSnapshot = { alerts: [], alertmanager: { reachable: null, lastOkAt: null, error: null }, prometheus: { reachable: null, lastOkAt: null, error: null }, lastWatchdogAt: null };
  /** Which secrets the fake holds (never their values). */
  readonly secretsSet: SecretsStatus = { slackUrl: false, smtpPassword: false, webhookToken: false };

  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** Push an event to every subscriber, as the real core does on a change. */
  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) (listener as (p: EventMap[E]) => void)(payload);
  }

  /** Subscribers of an event (lets tests see that a closed stream unsubscribed). */
  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** Replace the snapshot and emit 'stack:changed'. */
  change(patch: (s: StackSnapshot) => StackSnapshot): StackSnapshot {
    this.snapshot = patch(this.snapshot);
    this.emit('stack:changed', this.snapshot);
    return this.snapshot;
  }

  async metrics(): Promise<{ contentType: string; body: string }> {
    return { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '# HELP lookout_up Fake.\n# TYPE lookout_up gauge\nlookout_up 1\n' };
  }

  async receiveAlertmanagerWebhook(payload: unknown): Promise<void> {
    this.webhooks.push(payload);
  }

  settings(): Settings {
    return defaultSettings();
  }

  async init(): Promise<void> {}

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  private record(channel: string, req: unknown): void {
    this.calls.push({ channel, req });
    const failure = this.failNext;
    if (failure) {
      this.failNext = null;
      throw failure;
    }
  }

  private setStates(ids: ComponentId[] | undefined, state: 'running' | 'stopped'): StackSnapshot {
    const targets = new Set(ids ?? COMPONENT_IDS);
    return this.change((s) => ({
      ...s,
      components: s.components.map((c) =>
        // As the real supervisor: a component with no binary stays not-installed whatever is asked.
        targets.has(c.id) && c.state !== 'not-installed' ? { ...c, state, pid: state === 'running' ? 40_000 + COMPONENT_IDS.indexOf(c.id) : null } : c,
      ),
    }));
  }
}
