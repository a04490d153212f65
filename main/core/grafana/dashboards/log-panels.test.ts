import { describe, expect, it } from 'vitest';
import { dashboardFiles } from '.';
import { normalizeLevel } from '../../logs/parse/level';
import { encodeLokiPush } from '../../logs/ship/loki-encode';
import { paths as layout } from '../../paths';
import { defaultSettings, settingsSchema } from '../../settings/schema';
import { DATASOURCES } from '../provisioning';
import { renderGrafana } from '../render';
import { LOG_PANEL_IDS, LOG_PANEL_PLACES } from './log-panels';

interface Panel {
  id: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Array<{ expr: string; refId: string; datasource?: { type?: string; uid?: string } }>;
}
const parse = (content: string) => JSON.parse(content) as { uid: string; panels: Panel[] };
const plain = new Map(dashboardFiles().map((f) => [f.uid, parse(f.content)]));
const loki = new Map(dashboardFiles({ loki: true }).map((f) => [f.uid, parse(f.content)]));
const SERVICE_DASHBOARDS = ['lookout-services', 'lookout-service-llm', 'lookout-service-memory', 'lookout-service-gui'];

/** Label names in the stream selectors of a LogQL expression (`{a="x", b=~"y"}`). */
function selectorLabels(expr: string): string[] {
  return [...expr.matchAll(/\{([^}]*)\}/g)].flatMap(([, inner]) => [...inner!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((m) => m[1]!));
}

describe('log panels (Loki variant of the service dashboards)', () => {
  it('are in the Loki variant of exactly the service dashboards, and in no dashboard without Loki', () => {
    expect([...loki.keys()].sort()).toEqual([...SERVICE_DASHBOARDS].sort());
    expect(Object.keys(LOG_PANEL_PLACES).sort()).toEqual([...SERVICE_DASHBOARDS].sort());
    for (const [uid, d] of plain) {
      expect(d.panels.filter((p) => p.datasource?.type === 'loki' || p.type === 'logs'), uid).toEqual([]);
      // Ids are per dashboard (the system dashboard has its own 61); on the service dashboards 60 and 61 are free without Loki.
      if (SERVICE_DASHBOARDS.includes(uid)) expect(d.panels.map((p) => p.id), uid).not.toEqual(expect.arrayContaining([LOG_PANEL_IDS.volume]));
      if (SERVICE_DASHBOARDS.includes(uid)) expect(d.panels.map((p) => p.id), uid).not.toContain(LOG_PANEL_IDS.errors);
    }
  });

  it('have stable ids (60 log volume, 61 error logs) and name Lookout Loki by its provisioned uid', () => {
    expect(LOG_PANEL_IDS).toEqual({ volume: 60, errors: 61 });
    expect(DATASOURCES.loki.uid).toBe('lookout-loki');
    for (const [uid, d] of loki) {
      const volume = d.panels.find((p) => p.id === 60);
      const errors = d.panels.find((p) => p.id === 61);
      expect(volume, uid).toMatchObject({ type: 'timeseries', datasource: { type: 'loki', uid: 'lookout-loki' } });
      expect(errors, uid).toMatchObject({ type: 'logs', datasource: { type: 'loki', uid: 'lookout-loki' } });
      for (const p of [volume!, errors!]) for (const t of p.targets!) expect(t.datasource, `${uid} ${p.id}`).toEqual({ type: 'loki', uid: 'lookout-loki' });
      expect(volume!.targets!.map((t) => t.expr)).toEqual(['sum by (level) (count_over_time({service=~"$job"}[$__auto]))']);
      expect(errors!.targets!.map((t) => t.expr)).toEqual(['{service=~"$job", level=~"fatal|error|warn"} |= ""']);
    }
  });

  it('sit beside the error panel: the error logs right under it, the rest of the dashboard unchanged but moved down', () => {
    for (const [uid, d] of loki) {
      const before = plain.get(uid)!;
      const errorPanel = d.panels.find((p) => p.id === LOG_PANEL_PLACES[uid])!;
      expect(errorPanel.title, uid).toMatch(/error/i);
      const errors = d.panels.find((p) => p.id === 61)!;
      expect(errors.gridPos, uid).toMatchObject({ x: errorPanel.gridPos.x, y: errorPanel.gridPos.y + errorPanel.gridPos.h });
      // Every other panel is still there, with the same type and queries, at the same x; ids are not renumbered.
      expect(d.panels.filter((p) => p.id !== 60 && p.id !== 61).map((p) => [p.id, p.type, p.title, p.gridPos.x, p.targets])).toEqual(
        before.panels.map((p) => [p.id, p.type, p.title, p.gridPos.x, p.targets]),
      );
    }
  });

  it('select only on the stream labels the Loki shipper sets, and the level values the parser produces', () => {
    const push = encodeLokiPush(
      [{ timeUs: 1, service: 'llm', source: 'file', origin: '/x.log', level: 'error', message: 'boom', traceId: null, spanId: null, attributes: {} }],
      { labels: {}, lineFormat: 'json', structuredMetadata: false },
    );
    const shipped = Object.keys(push.streams[0]!.stream);
    expect(shipped.sort()).toEqual(['level', 'service', 'source']);
    const used = new Set<string>();
    for (const d of loki.values()) {
      for (const p of d.panels.filter((x) => x.datasource?.type === 'loki')) for (const t of p.targets!) for (const l of selectorLabels(t.expr)) used.add(l);
    }
    expect([...used].sort()).toEqual(['level', 'service']);
    for (const l of used) expect(shipped).toContain(l);
    // The level regex of the error logs panel matches what the parser calls errors and warnings, and not info.
    const errorsExpr = loki.get('lookout-services')!.panels.find((p) => p.id === 61)!.targets![0]!.expr;
    const levelRe = new RegExp(`^(?:${/level=~"([^"]+)"/.exec(errorsExpr)![1]})$`);
    for (const word of ['ERROR', 'err', 'warning', 'WARN', 'fatal', 'panic']) expect(levelRe.test(normalizeLevel(word)!), word).toBe(true);
    for (const word of ['info', 'debug']) expect(levelRe.test(normalizeLevel(word)!), word).toBe(false);
  });

  it('are provisioned exactly when the lookout-loki datasource is (a Loki ship target)', () => {
    const home = layout('/home/me/.local/share/lookout');
    const files = (s: ReturnType<typeof defaultSettings>) => new Map(renderGrafana(s, home).map((f) => [f.path, f.content]));
    const withoutLoki = files(defaultSettings());
    const withLoki = files(settingsSchema.parse({ logs: { ship: [{ type: 'loki', url: 'http://127.0.0.1:3100' }] } }));
    const otlpOnly = files(settingsSchema.parse({ logs: { ship: [{ type: 'otlp', url: 'http://127.0.0.1:4318/v1/logs' }] } }));
    const dash = (m: Map<string, string>, uid: string) => parse([...m.entries()].find(([p]) => p.endsWith(`/dashboards/${uid}.json`))![1]);
    const datasourcesFile = (m: Map<string, string>) => [...m.entries()].find(([p]) => p.includes('datasources'))![1];
    for (const uid of SERVICE_DASHBOARDS) {
      expect(dash(withLoki, uid).panels.map((p) => p.id), uid).toContain(61);
      expect(dash(withoutLoki, uid).panels.map((p) => p.id), uid).not.toContain(61);
      expect(dash(otlpOnly, uid).panels.map((p) => p.id), uid).not.toContain(61);
    }
    expect(dash(withLoki, 'lookout-system')).toEqual(dash(withoutLoki, 'lookout-system'));
    expect(datasourcesFile(withLoki)).toContain('uid: lookout-loki');
    expect(datasourcesFile(withoutLoki)).not.toContain('lookout-loki');
    expect(datasourcesFile(otlpOnly)).not.toContain('lookout-loki');
  });
});
