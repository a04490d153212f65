/**
 * The built renderer (dist/renderer) in Chromium against a fake of main: the page is served from a
 * made-up origin by Playwright's router, and an init script puts a typed `api` on window — the same
 * global the Electron preload provides — answering each channel from canned data. The UI tests
 * (layout, keyboard, axe, overflow, screenshots) then see exactly the data they ask for, with no stack.
 */
import type { Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackupList, RemoteWriteStatusReport } from '../../common/backup';
import type { InstallStatus } from '../../common/install';
import type { LogErrorsResult, LogLine, LogPatternsResult, LogsStatus } from '../../common/logs';
import type { Alert, AlertsSnapshot, ComponentStatus, MetricsSample, MetricsSnapshot, QuickLink, SettingsView, StackSnapshot } from '../../common/model';
import type { TraceDetail, TraceList, TraceSpan, TraceSummary } from '../../common/traces';
import { defaultSettings } from '../../main/core/settings/schema';
import { fakeComponent } from '../fakes/fake-core';

const DIST = path.resolve(import.meta.dirname, '..', '..', 'dist', 'renderer');
export const ORIGIN = 'http://lookout.test';

export interface FakeData {
  stack: StackSnapshot;
  alerts: AlertsSnapshot;
  metrics: MetricsSnapshot;
  links: QuickLink[];
  settings: SettingsView;
  install: InstallStatus;
  backups: BackupList;
  remoteWrite: RemoteWriteStatusReport;
  lockdown: { enabled: boolean; checks: Array<{ name: string; ok: boolean; detail: string }> };
  logs: { status: LogsStatus; lines: LogLine[]; errors: LogErrorsResult; patterns: LogPatternsResult };
  traces: { list: TraceList; detail: TraceDetail };
}

const US = 1000;
/** The trace that failed in the memory hop (the one with a waterfall). */
export const FAKE_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE = FAKE_TRACE_ID;

/** Two traces (one failed in the memory hop) and the logs around them, as the store would answer. */
function signalsData(): Pick<FakeData, 'logs' | 'traces'> {
  const fromUs = (NOW - 3_600_000) * US;
  const toUs = NOW * US;
  const start = (NOW - 90_000) * US;
  const line = (i: number, level: LogLine['level'], message: string, traceId: string | null): LogLine => ({
    timeUs: start + i * 1_000_000, service: i % 2 ? 'llm' : 'gui', source: 'file', origin: '/Users/me/.lookout/logs/demo-gui.log',
    level, message, traceId, spanId: null, attributes: {}, templateId: level === 'error' ? 't-err' : 't-req', template: level === 'error' ? 'recall failed: <*>' : 'request completed in <*> ms',
    durationMs: 12, route: '/chat',
  });
  const span = (spanId: string, parentSpanId: string | null, service: string, name: string, offsetMs: number, durationMs: number, error: boolean): TraceSpan => ({
    traceId: TRACE, spanId: spanId.padEnd(16, '0'), parentSpanId: parentSpanId && parentSpanId.padEnd(16, '0'), service, name, kind: 'server', startUs: start + offsetMs * US, durationUs: durationMs * US,
    status: error ? 'error' : 'ok', statusMessage: error ? 'memory unavailable' : null, attributes: { 'http.route': name }, events: [], links: [], resource: {}, scope: null,
  });
  const summary: TraceSummary = { traceId: TRACE, rootService: 'gui', rootName: 'POST /chat', startUs: start, durationUs: 250_000, spanCount: 3, errorCount: 1, services: ['gui', 'llm', 'memory'] };
  return {
    logs: {
      status: { enabled: true, files: [{ path: '/Users/me/.lookout/logs/demo-gui.log', service: 'gui', source: 'file', offset: 20_480, problem: null }], ship: [], problems: [] },
      lines: [line(0, 'info', 'request completed in 12 ms', TRACE), line(1, 'error', 'recall failed: memory unavailable', TRACE), line(2, 'info', 'request completed in 9 ms', null)],
      errors: { groups: [{ templateId: 't-err', template: 'recall failed: <*>', count: 4, firstSeenUs: start, lastSeenUs: start + 3_000_000, services: ['llm'], exampleTraceId: TRACE, examples: ['recall failed: memory unavailable'] }], fromUs, toUs },
      patterns: {
        patterns: [
          { templateId: 't-req', template: 'request completed in <*> ms', count: 120, maxLevel: 'info', counts: Array.from({ length: 30 }, (_, i) => 3 + (i % 5)) },
          { templateId: 't-err', template: 'recall failed: <*>', count: 4, maxLevel: 'error', counts: Array.from({ length: 30 }, (_, i) => (i > 25 ? 1 : 0)) },
        ],
        fromUs, toUs, bucketUs: 120_000_000,
      },
    },
    traces: {
      list: {
        traces: [
          summary,
          { traceId: '0af7651916cd43dd8448eb211c80319c', rootService: 'gui', rootName: 'GET /', startUs: start + 5_000_000, durationUs: 8_000, spanCount: 1, errorCount: 0, services: ['gui'] },
        ],
        fromUs, toUs,
      },
      detail: {
        summary,
        spans: [span('a1', null, 'gui', 'POST /chat', 0, 250, false), span('b2', 'a1', 'llm', 'POST /v1/completions', 5, 230, false), span('c3', 'b2', 'memory', 'GET /recall', 10, 40, true)],
      },
    },
  };
}

const NOW = Date.now();

export function fakeAlert(name: string, patch: Partial<Alert> = {}): Alert {
  return {
    id: `fp-${name}-${patch.labels?.job ?? 'x'}`,
    source: 'alertmanager',
    name,
    severity: 'warning',
    state: 'firing',
    labels: { alertname: name, job: 'gui', ...patch.labels },
    summary: `${name} on gui`,
    description: '',
    runbook: null,
    startsAt: NOW - 5 * 60_000,
    resolvedAt: null,
    silences: [],
    inhibitedBy: [],
    grafanaUrl: 'http://127.0.0.1:3000/d/lookout',
    group: name,
    ...patch,
  };
}

function samples(): MetricsSample[] {
  return Array.from({ length: 120 }, (_, i) => ({
    at: NOW - (120 - i) * 1000,
    values: {
      'cpu.usage_ratio': 0.2 + 0.15 * Math.sin(i / 8),
      'cpu.load1': 1.4,
      'memory.used_bytes': (9 + Math.sin(i / 20)) * 2 ** 30,
      'memory.total_bytes': 32 * 2 ** 30,
      'gpu.utilization_ratio': 0.3 + 0.2 * Math.cos(i / 10),
      'gpu.memory_used_bytes': 2 * 2 ** 30,
      'net.rx_bytes_per_second': 120_000 + 1000 * i,
      'net.tx_bytes_per_second': 40_000,
      'ipc.gui.latency_seconds': 0.002 + 0.001 * Math.sin(i / 5),
    },
  }));
}

/** Four running components, three firing alerts, two minutes of samples, the quick links. */
export function defaultData(patch: Partial<FakeData> = {}): FakeData {
  const components: ComponentStatus[] = (['node_exporter', 'alertmanager', 'prometheus', 'grafana'] as const).map((id, i) =>
    fakeComponent(id, { state: 'running', pid: 4000 + i, since: NOW - 3_600_000, version: '2.55.1' }),
  );
  const alerts: Alert[] = [
    fakeAlert('HighErrorRate', { severity: 'critical', labels: { job: 'gui' }, summary: 'gui: 12.5 % of requests fail' }),
    fakeAlert('HighLatency', { labels: { job: 'llm' }, summary: 'llm: p95 latency 1.8 s' }),
    fakeAlert('HostHighCPU', { labels: { job: 'node' }, summary: 'CPU busy at 91.0 %' }),
  ];
  return {
    // As main computes it: all running, raised to critical by the critical alert.
    stack: { components, overall: 'critical', settingsError: null, configError: null },
    alerts: {
      alerts,
      alertmanager: { reachable: true, lastOkAt: NOW, error: null },
      prometheus: { reachable: true, lastOkAt: NOW, error: null },
      lastWatchdogAt: NOW,
    },
    metrics: {
      samples: samples(),
      collectors: [
        { id: 'cpu', up: true, reason: null, lastDurationMs: 1, lastSuccessAt: NOW },
        { id: 'memory', up: true, reason: null, lastDurationMs: 1, lastSuccessAt: NOW },
        { id: 'gpu', up: true, reason: null, lastDurationMs: 1, lastSuccessAt: NOW },
        { id: 'network', up: true, reason: null, lastDurationMs: 1, lastSuccessAt: NOW },
        { id: 'ipc', up: true, reason: null, lastDurationMs: 1, lastSuccessAt: NOW },
      ],
      machine: { cpu: 'Apple M2 Pro', cores: 12, os: 'macOS 15.2', gpus: ['Apple M2 Pro'], reason: null },
    },
    links: [
      { id: 'grafana', label: 'Grafana', url: 'http://127.0.0.1:3000/' },
      { id: 'prometheus', label: 'Prometheus', url: 'http://127.0.0.1:9090/' },
      { id: 'alertmanager', label: 'Alertmanager', url: 'http://127.0.0.1:9093/' },
    ],
    settings: { settings: defaultSettings() as unknown as SettingsView['settings'], error: null, file: '/Users/me/.lookout/settings.json' },
    install: {
      components: (['prometheus', 'alertmanager', 'node_exporter', 'grafana'] as const).map((component) => ({
        component, enabled: true, installed: true, version: '2.55.1', origin: 'brew' as const, binary: `/opt/homebrew/bin/${component}`, upgrade: null, installing: false, lastFailure: null,
      })),
      installers: { release: { ok: true }, brew: { ok: true, detail: 'Homebrew 4.6.3' }, docker: { ok: false, reason: 'docker not found in PATH', fix: 'install Docker Desktop, OrbStack or Colima' } },
    },
    backups: { dir: '/Users/me/.lookout/backups', backups: [], unreadable: [], nextScheduledAt: null },
    remoteWrite: { targets: [] },
    lockdown: { enabled: true, checks: [{ name: 'Prometheus refuses requests without the stack login', ok: true, detail: '401 without credentials' }] },
    ...signalsData(),
    ...patch,
  };
}

/** Runs in the page before its scripts: `window.lookout` answers from the data; `window.__fakeEmit` pushes an event. */
const PAGE_SCRIPT = (data: FakeData) => `(() => {
  const data = ${JSON.stringify(data)};
  const listeners = new Map();
  const answers = {
    'app:info': () => ({ version: '0.0.0-e2e', mode: 'electron', home: '/Users/me/.lookout', platform: 'darwin' }),
    'stack:get': () => data.stack, 'stack:start': () => data.stack, 'stack:stop': () => data.stack, 'stack:restart': () => data.stack,
    'metrics:get': () => data.metrics,
    'metrics:history': (req) => ({ range: req.range, samples: data.metrics.samples, error: null }),
    'metrics:ping': () => ({ at: Date.now() }),
    'links:get': () => ({ links: data.links }),
    'settings:get': () => data.settings,
    'settings:update': () => ({ ok: true, settings: data.settings.settings }),
    'alerts:get': () => data.alerts,
    'alerts:history': (req) => ({ range: req.range || '24h', from: Date.now() - 6 * 3600e3, to: Date.now(),
      intervals: data.alerts.alerts.map((a) => ({ name: a.name, severity: a.severity, labels: a.labels, state: 'firing', from: a.startsAt, to: null })),
      notifications: [], prometheusError: null }),
    'alerts:ack': () => ({ silenceId: 's1', alerts: data.alerts }), 'alerts:snooze': () => ({ silenceId: 's1', alerts: data.alerts }),
    'silences:delete': () => data.alerts, 'alerts:test': () => ({ channels: ['desktop'] }),
    'secrets:get': () => ({ slackUrl: false, smtpPassword: false, webhookToken: false }),
    'grafana:credentials': () => ({ user: 'admin', password: 'x', url: 'http://127.0.0.1:3000/login' }),
    'services:list': () => ({ services: [] }),
    'install:status': () => data.install,
    'backup:list': () => data.backups,
    'remoteWrite:status': () => data.remoteWrite,
    'lockdown:status': () => data.lockdown,
    'stack:credentials': () => ({ user: 'lookout', password: 'x' }),
    'logs:status': () => data.logs.status,
    'logs:search': () => ({ lines: data.logs.lines, fromUs: data.logs.patterns.fromUs, toUs: data.logs.patterns.toUs }),
    'logs:errors': () => data.logs.errors,
    'logs:patterns': () => data.logs.patterns,
    'traces:list': () => data.traces.list,
    'traces:get': (req) => ({ trace: req.traceId === data.traces.detail.summary.traceId ? data.traces.detail : null }),
  };
  const on = (event, listener) => {
    const set = listeners.get(event) || new Set();
    set.add(listener);
    listeners.set(event, set);
    return () => set.delete(listener);
  };
  const api = new Proxy({ on }, {
    get(target, area) {
      if (area in target) return target[area];
      return new Proxy({}, { get(_t, verb) { return (req) => {
        const answer = answers[String(area) + ':' + String(verb)];
        return answer ? Promise.resolve(JSON.parse(JSON.stringify(answer(req || {})))) : Promise.reject(new Error('fake ui: no answer for ' + String(area) + ':' + String(verb)));
      }; } });
    },
  });
  window.lookout = api;
  window.__fakeEmit = (event, payload) => { for (const l of listeners.get(event) || []) l(payload); };
})();`;

/** Serve dist/renderer at ORIGIN with the fake api, and open `hash` (e.g. '#/alerts'). */
export async function openFakeUi(page: Page, data: FakeData = defaultData(), hash = '#/'): Promise<void> {
  await page.addInitScript({ content: PAGE_SCRIPT(data) });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const file = path.join(DIST, rel);
    if (!file.startsWith(DIST)) return route.fulfill({ status: 404 });
    try {
      const body = await readFile(file);
      const type = rel.endsWith('.html') ? 'text/html' : rel.endsWith('.js') ? 'text/javascript' : rel.endsWith('.css') ? 'text/css' : 'application/octet-stream';
      await route.fulfill({ status: 200, body, headers: { 'Content-Type': `${type}; charset=utf-8` } });
    } catch {
      await route.fulfill({ status: 404 });
    }
  });
  await page.goto(`${ORIGIN}/${hash}`);
}
