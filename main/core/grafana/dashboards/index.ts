import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildDashboard } from './build';
import { DASHBOARDS } from './registry';

export { DASHBOARD_UIDS, DASHBOARDS, panelIds, type DashboardKey } from './registry';

/** One dashboard as Grafana reads it from a file: `<uid>.json`, pretty-printed, ending in a newline. */
export interface DashboardFile {
  name: string;
  uid: string;
  content: string;
}

/** Build every dashboard's JSON. Pure and deterministic: the committed export must match it byte for byte. */
export function dashboardFiles(): DashboardFile[] {
  // Built once: the definitions are constants, and every settings change re-renders the stack.
  built ??= Object.values(DASHBOARDS).map((def) => ({ name: `${def.uid}.json`, uid: def.uid, content: `${JSON.stringify(buildDashboard(def), null, 2)}\n` }));
  return built;
}
let built: DashboardFile[] | undefined;

/** Write every dashboard into `dir` (created if missing); returns the paths written. `lookout dashboards export`. */
export async function exportDashboards(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const file of dashboardFiles()) {
    const target = path.join(dir, file.name);
    await writeFile(target, file.content);
    written.push(target);
  }
  return written;
}
