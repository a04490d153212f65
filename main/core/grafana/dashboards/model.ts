/**
 * Lookout's dashboards are written as small tables of panels (this model) and turned into Grafana JSON by
 * the Grafana Foundation SDK (build.ts). The tables keep what matters reviewable in one place — the query,
 * its unit, what the panel answers — and give links (main/core/links) stable panel ids to point at.
 */

/** One PromQL query of a panel. */
export interface QueryDef {
  expr: string;
  /** Legend template, e.g. `{{job}}`. */
  legend?: string;
  /** An instant query (tables and "now" stats) instead of a range query. */
  instant?: boolean;
}

export type PanelKind = 'timeseries' | 'stat' | 'table' | 'state-timeline' | 'logs';

/** A data panel. `id` is part of links (`viewPanel=<id>`): never reuse or renumber one. */
export interface PanelDef {
  id: number;
  kind: PanelKind;
  title: string;
  /** What the panel answers and how to read it; Grafana shows it as the panel's (i) tooltip. */
  description: string;
  /** A Grafana unit id (percentunit, bytes, binBps, s, reqps, short, …). */
  unit: string;
  queries: QueryDef[];
  /**
   * Where the queries go. Unset: the dashboard's Prometheus variable (PromQL). `loki`: Lookout's Loki
   * datasource by its fixed uid (LogQL); only in the dashboards' Loki variant (log-panels.ts).
   */
  datasource?: 'loki';
  /** Grid width out of 24 (default 12) and height in rows (default 8). */
  w?: number;
  h?: number;
  min?: number;
  max?: number;
  /** Stack the series (time series panels). */
  stacked?: boolean;
  /** Threshold steps, lowest first (the first step's value is null). */
  thresholds?: Array<{ value: number | null; color: string }>;
  /** Draw the thresholds on a time series as a dashed line (an objective, a limit). */
  showThresholds?: boolean;
  /** Value → text for gauges that are really states (1 = up). */
  valueText?: Record<string, { text: string; color: string }>;
  decimals?: number;
}

/** A row header. Rows need ids too (Grafana keys panels by id). */
export interface RowDef {
  id: number;
  row: string;
}

export type DashboardItem = PanelDef | RowDef;

/** The job and instance variables every dashboard has. */
export interface JobVariableDef {
  /** Metric whose `job` label lists the choices. */
  metric: string;
  /** Selected job when the dashboard opens; omitted means "All". */
  default?: string;
  /** Allow several jobs (and All). */
  multi: boolean;
  /**
   * What "All" means in queries. Unset: Grafana's regex of the listed jobs (the services overview shows
   * just the services). `.*` also matches series without a job label (alerts from recording rules).
   */
  allValue?: string;
}

export interface DashboardDef {
  /** Stable uid: the URL of the dashboard (/d/<uid>) and the key links use. Never change one. */
  uid: string;
  title: string;
  description: string;
  tags: string[];
  job: JobVariableDef;
  /** Default time range, e.g. now-1h. */
  from?: string;
  items: DashboardItem[];
}

export const isRow = (item: DashboardItem): item is RowDef => 'row' in item;

/** Datasource variable name; panels and queries refer to `${datasource}`. */
export const DATASOURCE_VAR = 'datasource';

/** The label matchers every job-scoped query uses. `extra` adds matchers such as `mode="idle"`. */
export function sel(extra?: string): string {
  return `{job=~"$job",instance=~"$instance"${extra ? `,${extra}` : ''}}`;
}

/**
 * `part / total`, where a `part` series that was never created (no 5xx yet, no cache hit yet) counts as 0
 * rather than making the whole ratio disappear. The 0 is only produced where `total` has data, so a
 * service that is not scraped still shows nothing (never a made-up zero).
 */
export function ratioOrZero(part: string, total: string): string {
  return `(${part} or (${total}) * 0) / (${total})`;
}
