/**
 * Every panel query of every provisioned dashboard, run against the REAL Prometheus while Lookout (its native
 * collectors, job `lookout`), the real Alertmanager and node_exporter, and the reference services from
 * `lookout demo --traffic` (jobs llm, memory, gui) are running. Grafana itself cannot run here; this runs the
 * queries Grafana would send, with its template variables and $__rate_interval substituted the way Grafana does.
 *
 * A query must succeed and return at least one series with a finite value. The only exceptions are series
 * this machine cannot have (macOS-only sources, no GPU, no Electron), each with a reason the test checks.
 * The report (one line per query) is printed for the record.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../main/core/grafana/dashboards';
import { buildDashboard } from '../../main/core/grafana/dashboards/build';
import type { DashboardDef } from '../../main/core/grafana/dashboards/model';
import { startLookout, type RunningLookout } from '../../main/index';
import { makeHome, waitFor, type TestHome } from '../support/stack-env';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCRAPE_S = 2;
/** A rule that always fires (like issue 5's Watchdog), so ALERTS and the notification pipeline have data. */
const ALWAYS_FIRING = `groups:
  - name: dashboard-check
    rules:
      - alert: DashboardCheckAlwaysFiring
        expr: vector(1)
        for: 2s
        labels: { severity: info, job: lookout }
        annotations: { summary: Keeps ALERTS non-empty for the dashboard query test }
`;

interface Outcome {
  dashboard: string;
  panel: string;
  refId: string;
  series: number;
  error: string | null;
  expr: string;
}

/**
 * Series that cannot exist on this machine, by metric name prefix, with the check that proves the reason.
 * A query is excused only when every metric it reads is excused.
 */
function absentHere(prom: (q: string) => Promise<PromVector>, mode: () => Promise<string>): Array<{ prefix: string; reason: string; holds: () => Promise<boolean> }> {
  const notMac = async () => process.platform !== 'darwin';
  return [
    { prefix: 'lookout_memory_wired_bytes', reason: 'macOS only (vm_stat)', holds: notMac },
    { prefix: 'lookout_memory_compressed_bytes', reason: 'macOS only (vm_stat)', holds: notMac },
    { prefix: 'lookout_memory_pressure_level', reason: 'macOS only (kern.memorystatus_vm_pressure_level)', holds: notMac },
    { prefix: 'lookout_service_process_mach_messages_', reason: 'macOS only (Mach messages)', holds: notMac },
    {
      prefix: 'lookout_gpu_',
      reason: 'no readable GPU on this machine (lookout_collector_up{collector="gpu"} is 0)',
      holds: async () => (await prom('lookout_collector_up{collector="gpu"} == 0')).length === 1,
    },
    { prefix: 'lookout_app_ipc_roundtrip_seconds', reason: 'Electron only: browser mode has no main↔renderer IPC', holds: async () => (await mode()) === 'serve' },
  ];
}

type PromVector = Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }>;

async function promQuery(base: string, params: Record<string, string>, range: boolean): Promise<{ result: PromVector } | { error: string }> {
  const res = await fetch(`${base}/api/v1/${range ? 'query_range' : 'query'}`, { method: 'POST', body: new URLSearchParams(params) });
  const body = (await res.json()) as { status: string; error?: string; data?: { result: PromVector } };
  if (body.status !== 'success') return { error: body.error ?? `HTTP ${res.status}` };
  return { result: body.data!.result };
}

const finite = (s: string) => Number.isFinite(Number(s));
const hasFinite = (r: PromVector[number]) => (r.value ? finite(r.value[1]) : (r.values ?? []).some(([, v]) => finite(v)));

describe('every dashboard panel query against the real Prometheus, collectors and reference services', () => {
  let env: TestHome;
  let lookout: RunningLookout;
  let demo: ChildProcess | null = null;
  let demoOutput = '';
  let prom: string;
  let startedAt: number;

  beforeAll(async () => {
    env = await makeHome();
    const rules = path.join(env.home, 'dashboard-check-rules.yml');
    await writeFile(rules, ALWAYS_FIRING);
    env.settings = {
      ...env.settings,
      stack: { ...env.settings.stack, scrapeInterval: `${SCRAPE_S}s`, evaluationInterval: `${SCRAPE_S}s`, ruleFiles: [rules], stopOnExit: true },
    };
    await env.writeSettings(env.settings);
    lookout = await startLookout({ mode: 'serve', home: env.home, staticDir: null, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
    prom = `http://127.0.0.1:${env.ports.prometheus}`;
    const snap = await lookout.core.handlers['stack:start']({});
    expect(snap.components.filter((c) => c.state !== 'running').map((c) => `${c.id}: ${c.state} ${c.lastError ?? ''}`)).toEqual([]);
    startedAt = Date.now();

    // The reference services, as a user starts them: `lookout demo --traffic 20` against this home.
    demo = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'main', 'cli.ts'), 'demo', '--traffic', '20', '--home', env.home], {
      cwd: ROOT,
      env: { ...process.env, LOOKOUT_HOME: env.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout?.on('data', (c: Buffer) => (demoOutput += c.toString()));
    demo.stderr?.on('data', (c: Buffer) => (demoOutput += c.toString()));

    const up = async (q: string) => {
      const r = await promQuery(prom, { query: q }, false);
      return 'result' in r ? r.result : [];
    };
    await waitFor(`jobs llm, memory and gui up in Prometheus (demo output: ${demoOutput})`, async () => {
      if (demo?.exitCode !== null) throw new Error(`lookout demo exited: ${demoOutput}`);
      return (await up('up{job=~"llm|memory|gui"} == 1')).length === 3;
    }, 90_000, 500);
    await waitFor('the always-firing alert in ALERTS', async () => (await up('ALERTS{alertstate="firing"}')).length > 0, 60_000, 500);
    await waitFor('a webhook notification sent by Alertmanager', async () => (await up('sum(alertmanager_notifications_total) > 0')).length > 0, 60_000, 500);
    // Enough scrapes of the services for every rate window ($__rate_interval = 4 scrapes) to hold several samples.
    await new Promise((r) => setTimeout(r, 6 * SCRAPE_S * 1000));
  }, 240_000);

  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      const exited = new Promise((r) => demo!.once('exit', r));
      demo.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    // stopOnExit is on in this home: stopping Lookout stops the stack.
    await lookout?.stop();
    await env?.cleanup();
  }, 60_000);

  it('runs every query without error, and every query returns data unless this machine cannot have it', async () => {
    const end = Date.now() / 1000;
    const rangeS = Math.max(60, Math.ceil(end - startedAt / 1000));
    const stepS = SCRAPE_S;
    // Grafana: $__rate_interval = max($__interval + scrape interval, 4 × scrape interval).
    const rateInterval = `${Math.max(stepS + SCRAPE_S, 4 * SCRAPE_S)}s`;
    const query = async (q: string) => {
      const r = await promQuery(prom, { query: q }, false);
      return 'result' in r ? r.result : [];
    };
    const absent = absentHere(query, async () => (await lookout.core.handlers['app:info']({})).mode);

    const outcomes: Outcome[] = [];
    for (const def of Object.values(DASHBOARDS) as DashboardDef[]) {
      // The job variable as Grafana resolves it: its default, its allValue, or the regex of every value it lists.
      let job = def.job.default ?? def.job.allValue;
      if (job === undefined) {
        const res = await fetch(`${prom}/api/v1/label/job/values?${new URLSearchParams({ 'match[]': def.job.metric })}`);
        const values = ((await res.json()) as { data: string[] }).data;
        job = `(${values.join('|')})`;
      }
      const dashboard = buildDashboard(def);
      for (const panel of dashboard.panels ?? []) {
        if (!('targets' in panel) || !panel.targets) continue;
        // LogQL panels (the Loki variant's log panels) cannot run here: Loki is not on these machines. log-panels.test.ts checks them.
        if ((panel as { datasource?: { type?: string } }).datasource?.type === 'loki') continue;
        for (const target of panel.targets as unknown as Array<{ expr: string; refId: string; instant?: boolean }>) {
          const expr = target.expr
            .replaceAll('$__rate_interval', rateInterval)
            .replaceAll('$__range', `${rangeS}s`)
            .replaceAll('$__interval', `${stepS}s`)
            .replaceAll('$job', job)
            .replaceAll('$instance', '.*');
          const r = target.instant
            ? await promQuery(prom, { query: expr, time: String(end) }, false)
            : await promQuery(prom, { query: expr, start: String(end - rangeS), end: String(end), step: String(stepS) }, true);
          outcomes.push({
            dashboard: def.uid,
            panel: `${panel.id} ${panel.title}`,
            refId: target.refId,
            series: 'result' in r ? r.result.filter(hasFinite).length : 0,
            error: 'error' in r ? r.error : null,
            expr,
          });
        }
      }
    }

    const excused = new Map<Outcome, string>();
    const missing: Outcome[] = [];
    for (const o of outcomes.filter((x) => !x.error && x.series === 0)) {
      const reasons = absent.filter((a) => o.expr.includes(a.prefix));
      const proven = reasons.length ? (await Promise.all(reasons.map((a) => a.holds()))).every(Boolean) : false;
      if (proven) excused.set(o, reasons.map((a) => a.reason).join('; '));
      else missing.push(o);
    }

    const line = (o: Outcome) =>
      `${o.dashboard.padEnd(23)} ${o.panel.slice(0, 44).padEnd(44)} ${o.refId} ${o.error ? `ERROR ${o.error}` : o.series ? `${o.series} series` : `no data${excused.has(o) ? ` (expected here: ${excused.get(o)})` : ''}`}`;
    console.log(`dashboard queries: ${outcomes.length} queries, range ${rangeS}s, step ${stepS}s, $__rate_interval ${rateInterval}\n${outcomes.map(line).join('\n')}`);
    console.log(
      `with data: ${outcomes.filter((o) => o.series > 0).length}; no data but expected on this machine: ${excused.size}; no data: ${missing.length}; errors: ${outcomes.filter((o) => o.error).length}`,
    );

    expect(outcomes.length).toBeGreaterThan(100);
    expect(outcomes.filter((o) => o.error).map((o) => `${line(o)}\n    ${o.expr}`)).toEqual([]);
    expect(missing.map((o) => `${line(o)}\n    ${o.expr}`)).toEqual([]);
  }, 120_000);
});
