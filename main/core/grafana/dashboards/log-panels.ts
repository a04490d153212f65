import type { LOKI_STREAM_LABELS } from '../../logs/settings-schema';
import { isRow, type DashboardDef, type PanelDef } from './model';

/**
 * Log panels for the service dashboards, shown only when a Loki ship target is configured (Grafana then has
 * the `lookout-loki` datasource, provisioning.ts): without Loki they would be two panels of "datasource not
 * found". They sit right after each dashboard's error panel, so a spike in the error ratio has its lines
 * next to it.
 *
 * The queries use only the stream labels the Loki shipper sets on every stream (ship/loki-encode.ts:
 * service, level, source); a unit test encodes a record with the shipper and checks every label here is
 * one of them. `service` is the record's service, which for a service from settings is its Prometheus job,
 * so the dashboards' `$job` variable selects both.
 */

const [SERVICE, LEVEL] = ['service', 'level'] as const satisfies ReadonlyArray<(typeof LOKI_STREAM_LABELS)[number]>;

/** Stable panel ids, the same on every service dashboard (free on all four). Never reuse or renumber. */
export const LOG_PANEL_IDS = { volume: 60, errors: 61 } as const;

/** The levels the parser gives errors and warnings (parse/level.ts normalises to these). */
export const ERROR_WARN_LEVELS = ['fatal', 'error', 'warn'] as const;

/**
 * The dashboards that get log panels, and the id of the error panel they follow. A service dashboard
 * missing here, or an error panel renamed away, fails the unit test rather than silently losing its logs.
 */
export const LOG_PANEL_PLACES: Record<string, number> = {
  'lookout-services': 12,
  'lookout-service-llm': 3,
  'lookout-service-memory': 3,
  'lookout-service-gui': 3,
};

export function logPanels(): PanelDef[] {
  return [
    {
      id: LOG_PANEL_IDS.volume,
      kind: 'timeseries',
      datasource: 'loki',
      title: 'Log lines by level',
      description: 'Log lines per interval by level, from Loki (what Lookout ships there). A rise in error or warn lines next to the error ratio shows where to look.',
      unit: 'short',
      min: 0,
      stacked: true,
      // $__auto is Grafana's step for Loki range queries; count_over_time over it gives lines per step.
      queries: [{ expr: `sum by (${LEVEL}) (count_over_time({${SERVICE}=~"$job"}[$__auto]))`, legend: `{{${LEVEL}}}` }],
    },
    {
      id: LOG_PANEL_IDS.errors,
      kind: 'logs',
      datasource: 'loki',
      title: 'Error and warning logs',
      description: 'The latest fatal, error and warn lines of the selected services, from Loki. A trace id in a line links to its trace.',
      unit: 'short',
      queries: [{ expr: `{${SERVICE}=~"$job", ${LEVEL}=~"${ERROR_WARN_LEVELS.join('|')}"} |= ""` }],
    },
  ];
}

/** The dashboard with its log panels inserted after its error panel; unchanged if it has no place. */
export function withLogPanels(def: DashboardDef): DashboardDef {
  const after = LOG_PANEL_PLACES[def.uid];
  if (after === undefined) return def;
  const at = def.items.findIndex((item) => !isRow(item) && item.id === after);
  if (at < 0) throw new Error(`dashboard ${def.uid} has no panel ${after} to put its log panels after`);
  return { ...def, items: [...def.items.slice(0, at + 1), ...logPanels(), ...def.items.slice(at + 1)] };
}
