import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_UIDS, dashboardFiles } from '.';
import { DATASOURCES } from '../provisioning';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..', '..');
const EXPORTED = path.join(ROOT, 'assets', 'grafana', 'dashboards');
const EXPORTED_LOKI = path.join(ROOT, 'assets', 'grafana', 'dashboards-loki');

interface Target {
  expr: string;
  refId: string;
  datasource?: { type?: string; uid?: string };
  instant?: boolean;
}
interface Panel {
  id: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  fieldConfig?: { defaults?: { unit?: string } };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Variable {
  name: string;
  type: string;
  query?: unknown;
  current?: { value?: unknown };
}
interface Dashboard {
  uid: string;
  title: string;
  description?: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

const dashboards = dashboardFiles().map((f) => ({ file: f.name, d: JSON.parse(f.content) as Dashboard }));
/** Both variants (without and with Loki): every panel rule holds in each. The Loki variant's own tests are in log-panels.test.ts. */
const withLoki = dashboardFiles({ loki: true }).map((f) => ({ file: `loki/${f.name}`, d: JSON.parse(f.content) as Dashboard }));
const bothVariants = [...dashboards, ...withLoki];
const dataPanels = (d: Dashboard) => d.panels.filter((p) => p.type !== 'row');
const isLoki = (p: Panel) => p.datasource?.type === 'loki';
/** PromQL targets (Loki panels' LogQL is checked in log-panels.test.ts). */
const allTargets = () =>
  bothVariants.flatMap(({ d }) => dataPanels(d).filter((p) => !isLoki(p)).flatMap((p) => (p.targets ?? []).map((t) => ({ where: `${d.uid} / ${p.title} / ${t.refId}`, t }))));

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, label names or strings. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset']);
  return [...stripped.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]!).filter((n) => !keywords.has(n) && !/^(Inf|NaN)$/i.test(n));
}

/** Names documented in docs/metrics.md: backticked names, `prefix_*` wildcards and `..._suffix` siblings. */
async function documentedMetrics(): Promise<{ exact: Set<string>; prefixes: string[] }> {
  const text = await readFile(path.join(ROOT, 'docs', 'metrics.md'), 'utf8');
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const line of text.split('\n')) {
    let previous: string | null = null;
    for (const [, token] of line.matchAll(/`([^`]+)`/g)) {
      if (token!.endsWith('*')) prefixes.push(token!.slice(0, -1));
      else if (token!.startsWith('...') && previous) {
        const suffix = token!.replace(/^\.+_?/, '');
        exact.add([...previous.split('_').slice(0, -suffix.split('_').length), suffix].join('_'));
      } else if (/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(token!)) {
        exact.add(token!);
        previous = token!;
      }
    }
  }
  return { exact, prefixes };
}

/** Series Prometheus and Alertmanager expose about themselves (not Lookout's to name). */
const UPSTREAM = [/^prometheus_/, /^alertmanager_/, /^up$/, /^scrape_(duration_seconds|samples_scraped)$/, /^ALERTS(_FOR_STATE)?$/];

describe('dashboard hygiene', () => {
  it('has the stable uids links rely on, each unique', () => {
    expect(DASHBOARD_UIDS).toEqual({
      system: 'lookout-system',
      services: 'lookout-services',
      llm: 'lookout-service-llm',
      memory: 'lookout-service-memory',
      gui: 'lookout-service-gui',
      alerts: 'lookout-alerts',
      stack: 'lookout-stack',
    });
    const uids = dashboards.map(({ d }) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const { file, d } of dashboards) {
      expect(file).toBe(`${d.uid}.json`);
      expect(d.uid.length).toBeLessThanOrEqual(40);
      expect(d.description, d.uid).toBeTruthy();
    }
  });

  it('gives every dashboard a datasource variable (Lookout Prometheus) and job and instance variables', () => {
    for (const { d } of dashboards) {
      const vars = Object.fromEntries(d.templating.list.map((v) => [v.name, v]));
      expect(vars.datasource, d.uid).toMatchObject({ type: 'datasource', query: 'prometheus', current: { value: DATASOURCES.prometheus.uid } });
      expect(vars.job, d.uid).toMatchObject({ type: 'query' });
      expect(vars.instance, d.uid).toMatchObject({ type: 'query' });
      expect(String(vars.instance!.query)).toContain('job=~"$job"');
    }
  });

  it('gives every panel a unique id, a title, a description, a unit and the datasource variable (Loki panels: Lookout Loki by uid)', () => {
    for (const { d } of bothVariants) {
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size, `${d.uid} panel ids`).toBe(ids.length);
      for (const p of d.panels) expect(p.gridPos.x + p.gridPos.w, `${d.uid} / ${p.title}`).toBeLessThanOrEqual(24);
      for (const p of dataPanels(d)) {
        const where = `${d.uid} / ${p.title ?? p.id}`;
        expect(p.title, where).toBeTruthy();
        expect(p.description, where).toBeTruthy();
        expect(p.fieldConfig?.defaults?.unit, where).toBeTruthy();
        const ds = isLoki(p) ? { type: 'loki', uid: DATASOURCES.loki.uid } : { type: 'prometheus', uid: '${datasource}' };
        expect(p.datasource, where).toEqual(ds);
        expect(p.targets?.length, where).toBeGreaterThan(0);
        for (const t of p.targets!) expect(t.datasource, `${where} / ${t.refId}`).toEqual(ds);
        expect(new Set(p.targets!.map((t) => t.refId)).size, where).toBe(p.targets!.length);
      }
    }
  });

  it('uses $__rate_interval for every rate window ($__range only for totals over the selected range)', () => {
    const targets = allTargets();
    expect(targets.length).toBeGreaterThan(100);
    for (const { where, t } of targets) {
      for (const m of t.expr.matchAll(/\b(rate|irate|increase|avg_over_time|count_over_time)\(([^[]*)\[([^\]]*)\]/g)) {
        const [, fn, , window] = m;
        const allowed = fn === 'increase' || fn === 'count_over_time' ? ['$__rate_interval', '$__range'] : ['$__rate_interval'];
        expect(allowed, `${where}: ${fn}(…[${window}])`).toContain(window);
      }
      // No hard-coded windows anywhere.
      for (const [, window] of t.expr.matchAll(/\[([^\]]*)\]/g)) expect(['$__rate_interval', '$__range'], `${where}: [${window}]`).toContain(window);
    }
  });

  it('scopes job-level queries with the job and instance variables', () => {
    let scoped = 0;
    for (const { t } of allTargets()) if (t.expr.includes('job=~"$job",instance=~"$instance"')) scoped++;
    expect(scoped / allTargets().length).toBeGreaterThan(0.85);
  });

  it('queries only metric names from docs/metrics.md (or Prometheus and Alertmanager\'s own)', async () => {
    const docs = await documentedMetrics();
    expect(docs.exact.has('lookout_service_process_mach_messages_received_total')).toBe(true);
    const unknown: string[] = [];
    for (const { where, t } of allTargets()) {
      for (const name of metricNames(t.expr)) {
        const base = name.replace(/_(bucket|count|sum)$/, '');
        const ok = docs.exact.has(name) || docs.exact.has(base) || docs.prefixes.some((p) => name.startsWith(p)) || UPSTREAM.some((r) => r.test(name));
        if (!ok) unknown.push(`${where}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});

describe('exported dashboards (assets/grafana/dashboards)', () => {
  it('match the code byte for byte: run `lookout dashboards export --out assets/grafana/dashboards` after changing a dashboard', async () => {
    const files = dashboardFiles();
    expect((await readdir(EXPORTED)).filter((f) => f.endsWith('.json')).sort()).toEqual(files.map((f) => f.name).sort());
    for (const f of files) expect(await readFile(path.join(EXPORTED, f.name), 'utf8'), f.name).toBe(f.content);
  });

  it('and the Loki variant (assets/grafana/dashboards-loki) too: run `lookout dashboards export --loki --out assets/grafana/dashboards-loki`', async () => {
    const files = dashboardFiles({ loki: true });
    expect((await readdir(EXPORTED_LOKI)).filter((f) => f.endsWith('.json')).sort()).toEqual(files.map((f) => f.name).sort());
    for (const f of files) expect(await readFile(path.join(EXPORTED_LOKI, f.name), 'utf8'), f.name).toBe(f.content);
  });
});

describe('metricNames', () => {
  it('finds metric names and skips functions, keywords, labels and strings', () => {
    expect(metricNames('sum by (job, le) (rate(http_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])) / on (job) group_left () up or vector(0)')).toEqual([
      'http_request_duration_seconds_bucket',
      'up',
    ]);
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))')).toEqual(['x_bucket']);
  });
});

describe('exemplars', () => {
  it("every time series over the kit's request and IPC histograms shows its exemplars (trace ids), and nothing else asks for them", () => {
    let withExemplars = 0;
    for (const f of [...dashboardFiles(), ...dashboardFiles({ loki: true })]) {
      const panels = (JSON.parse(f.content) as { panels: Array<{ type: string; targets?: Array<{ expr: string; exemplar?: boolean; instant?: boolean }> }> }).panels;
      for (const p of panels) {
        for (const t of p.targets ?? []) {
          const kit = /\b(http|ipc)_request_duration_seconds_bucket\b/.test(t.expr) && p.type === 'timeseries' && !t.instant;
          expect(t.exemplar === true, `${f.name}: ${t.expr}`).toBe(kit);
          if (kit) withExemplars++;
        }
      }
    }
    expect(withExemplars).toBeGreaterThan(10);
  });
});
