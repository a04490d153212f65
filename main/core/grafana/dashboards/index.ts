import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildDashboard } from './build';
import { LOG_PANEL_PLACES, withLogPanels } from './log-panels';
import type { DashboardDef } from './model';
import { DASHBOARDS } from './registry';

export { DASHBOARD_UIDS, DASHBOARDS, panelIds, type DashboardKey } from './registry';

/** One dashboard as Grafana reads it from a file: `<uid>.json`, pretty-printed, ending in a newline. */
export interface DashboardFile {
  name: string;
  uid: string;
  content: string;
}

/**
 * Which dashboards: `loki: false` (default) every dashboard as Lookout provisions it without Loki, the set
 * committed in assets/grafana/dashboards/; `loki: true` only the ones that change when a Loki ship target
 * is configured (the service dashboards, with their log panels: log-panels.ts), committed in
 * assets/grafana/dashboards-loki/. Both sets are committed, so a running Lookout picks one without loading
 * the SDK, and both are checked byte for byte against this code.
 */
export interface DashboardVariant {
  loki?: boolean;
}

/** Build the dashboards' JSON. Pure and deterministic: the committed export must match it byte for byte. */
export function dashboardFiles(variant: DashboardVariant = {}): DashboardFile[] {
  const loki = variant.loki === true;
  // Built once: the definitions are constants, and every settings change re-renders the stack.
  const cached = built.get(loki);
  if (cached) return cached;
  const all: DashboardDef[] = Object.values(DASHBOARDS);
  const defs = loki ? all.filter((def) => def.uid in LOG_PANEL_PLACES).map(withLogPanels) : all;
  const files = defs.map((def) => ({ name: `${def.uid}.json`, uid: def.uid, content: `${JSON.stringify(buildDashboard(def), null, 2)}\n` }));
  built.set(loki, files);
  return files;
}
const built = new Map<boolean, DashboardFile[]>();

/** Write the dashboards into `dir` (created if missing); returns the paths written. `lookout dashboards export [--loki]`. */
export async function exportDashboards(dir: string, variant: DashboardVariant = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const file of dashboardFiles(variant)) {
    const target = path.join(dir, file.name);
    await writeFile(target, file.content);
    written.push(target);
  }
  return written;
}
