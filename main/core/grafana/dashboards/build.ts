import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as stateTimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCES } from '../provisioning';
import { DATASOURCE_VAR, isRow, type DashboardDef, type PanelDef } from './model';

/** Every panel and query names its datasource through the variable, which defaults to Lookout's Prometheus. */
const DS: common.DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VAR}}` };

/** Log panels name Lookout's Loki by its fixed uid: there is one Loki (the ship target), and no variable to pick another. */
const LOKI_DS: common.DataSourceRef = { type: DATASOURCES.loki.type, uid: DATASOURCES.loki.uid };

const DEFAULT_THRESHOLDS = [{ value: null, color: 'green' }];

type AnyPanelBuilder = timeseries.PanelBuilder | stat.PanelBuilder | table.PanelBuilder | stateTimeline.PanelBuilder | logs.PanelBuilder;

function lokiTarget(q: PanelDef['queries'][number], refId: string, kind: PanelDef['kind']): loki.DataqueryBuilder {
  const b = new loki.DataqueryBuilder().datasource(LOKI_DS).refId(refId).expr(q.expr).editorMode(loki.QueryEditorMode.Code).queryType(loki.LokiQueryType.Range);
  if (kind === 'logs') b.maxLines(200).direction(loki.LokiQueryDirection.Backward);
  else b.legendFormat(q.legend ?? '__auto');
  return b;
}

function target(q: PanelDef['queries'][number], refId: string, kind: PanelDef['kind']): prometheus.DataqueryBuilder {
  const b = new prometheus.DataqueryBuilder().datasource(DS).refId(refId).expr(q.expr).legendFormat(q.legend ?? '__auto');
  if (q.instant || kind === 'table') b.instant().format(kind === 'table' ? prometheus.PromQueryFormat.Table : prometheus.PromQueryFormat.TimeSeries);
  else b.range();
  // The kit's request and IPC histograms carry trace ids as exemplars: show them, each linking to its trace.
  if (!q.instant && kind === 'timeseries' && /\b(http|ipc)_request_duration_seconds_bucket\b/.test(q.expr)) b.exemplar(true);
  return b;
}

function basePanel(def: PanelDef): AnyPanelBuilder {
  switch (def.kind) {
    case 'timeseries': {
      const p = new timeseries.PanelBuilder()
        .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
        .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
        .fillOpacity(def.stacked ? 30 : 10)
        .lineWidth(1)
        .spanNulls(false);
      if (def.stacked) p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
      if (def.showThresholds) p.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
      return p;
    }
    case 'stat':
      return new stat.PanelBuilder()
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .graphMode(common.BigValueGraphMode.Area)
        .colorMode(common.BigValueColorMode.Value);
    case 'table':
      return new table.PanelBuilder().showHeader(true);
    case 'state-timeline':
      return new stateTimeline.PanelBuilder().showValue(common.VisibilityMode.Never).mergeValues(true);
    case 'logs':
      return new logs.PanelBuilder()
        .showTime(true)
        .showLabels(false)
        .showCommonLabels(false)
        .wrapLogMessage(true)
        .enableLogDetails(true)
        .sortOrder(common.LogsSortOrder.Descending)
        .dedupStrategy(common.LogsDedupStrategy.None);
  }
}

function panel(def: PanelDef): AnyPanelBuilder {
  const p = basePanel(def)
    .id(def.id)
    .title(def.title)
    .description(def.description)
    .datasource(def.datasource === 'loki' ? LOKI_DS : DS)
    .unit(def.unit)
    .span(def.w ?? 12)
    .height(def.h ?? 8)
    .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(def.thresholds ?? DEFAULT_THRESHOLDS))
    .targets(def.queries.map((q, i) => (def.datasource === 'loki' ? lokiTarget : target)(q, String.fromCharCode(65 + i), def.kind)));
  if (def.min !== undefined) p.min(def.min);
  if (def.max !== undefined) p.max(def.max);
  if (def.decimals !== undefined) p.decimals(def.decimals);
  if (def.valueText) {
    p.mappings([{ type: dashboard.MappingType.ValueToText, options: Object.fromEntries(Object.entries(def.valueText).map(([v, r], index) => [v, { ...r, index }])) }]);
  }
  return p;
}

function variables(def: DashboardDef): Array<dashboard.DatasourceVariableBuilder | dashboard.QueryVariableBuilder> {
  const prom = DATASOURCES.prometheus;
  const datasource = new dashboard.DatasourceVariableBuilder(DATASOURCE_VAR)
    .label('Data source')
    .type('prometheus')
    .current({ selected: true, text: prom.name, value: prom.uid });
  const all = { selected: true, text: 'All', value: '$__all' };
  const jobQuery = `label_values(${def.job.metric}, job)`;
  const job: dashboard.QueryVariableBuilder = new dashboard.QueryVariableBuilder('job')
    .label('Job')
    .description('Prometheus scrape job (a service from settings, or lookout for the machine)')
    .datasource(DS)
    .query(jobQuery)
    .definition(jobQuery)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(def.job.multi)
    .includeAll(def.job.multi)
    .current(def.job.default ? { selected: true, text: def.job.default, value: def.job.default } : all);
  if (def.job.allValue !== undefined) job.allValue(def.job.allValue);
  const instanceQuery = `label_values(${def.job.metric}{job=~"$job"}, instance)`;
  const instance = new dashboard.QueryVariableBuilder('instance')
    .label('Instance')
    .description('Scrape target (host:port); All unless one service runs several times')
    .datasource(DS)
    .query(instanceQuery)
    .definition(instanceQuery)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current(all);
  return [datasource, job, instance];
}

/** Build one dashboard's Grafana JSON model from its definition. */
export function buildDashboard(def: DashboardDef): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder(def.title)
    .uid(def.uid)
    .description(def.description)
    .tags(['lookout', ...def.tags])
    .readonly()
    .timezone('browser')
    .refresh('30s')
    .time({ from: def.from ?? 'now-1h', to: 'now' })
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .variables(variables(def));
  for (const item of def.items) {
    if (isRow(item)) b.withRow(new dashboard.RowBuilder(item.row).id(item.id).collapsed(false));
    else b.withPanel(panel(item));
  }
  return b.build();
}
