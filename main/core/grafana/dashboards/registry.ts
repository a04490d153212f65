import { alertsDashboard } from './alerts';
import { isRow, type DashboardDef } from './model';
import { serviceDashboards, servicesOverviewDashboard } from './services';
import { stackHealthDashboard } from './stack-health';
import { systemDashboard } from './system';

/** Every dashboard Lookout provisions, by the key links use. (Definitions only: no SDK, cheap to import.) */
export const DASHBOARDS = {
  system: systemDashboard,
  services: servicesOverviewDashboard,
  llm: serviceDashboards.llm,
  memory: serviceDashboards.memory,
  gui: serviceDashboards.gui,
  alerts: alertsDashboard,
  stack: stackHealthDashboard,
} as const satisfies Record<string, DashboardDef>;

export type DashboardKey = keyof typeof DASHBOARDS;

/** Stable uids (the /d/<uid> URL) by dashboard key. */
export const DASHBOARD_UIDS = Object.fromEntries(Object.entries(DASHBOARDS).map(([k, d]) => [k, d.uid])) as Record<DashboardKey, string>;

/** Titles of a dashboard's data panels by id, for links that name a panel. */
export function panelIds(key: DashboardKey): Map<number, string> {
  return new Map(DASHBOARDS[key].items.flatMap((item) => (isRow(item) ? [] : [[item.id, item.title] as const])));
}
