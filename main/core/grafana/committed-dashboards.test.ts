import { describe, expect, it } from 'vitest';
import { committedDashboards, committedLokiDashboards } from './committed-dashboards';
import { dashboardFiles } from './dashboards';

describe('committedDashboards', () => {
  it('provisions exactly what the code builds: every dashboard, byte for byte', () => {
    const built = dashboardFiles().map((f) => ({ name: f.name, content: f.content }));
    const sort = (xs: Array<{ name: string }>) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
    expect(sort(committedDashboards())).toEqual(sort(built));
  });

  it('with Loki: the service dashboards are the Loki variant, the others unchanged', () => {
    const lokiBuilt = dashboardFiles({ loki: true }).map((f) => ({ name: f.name, content: f.content }));
    const sort = (xs: Array<{ name: string }>) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
    expect(sort(committedLokiDashboards())).toEqual(sort(lokiBuilt));
    const plain = new Map(committedDashboards().map((f) => [f.name, f.content]));
    const lokiNames = new Set(lokiBuilt.map((f) => f.name));
    expect(lokiNames.size).toBe(4);
    for (const f of committedDashboards({ loki: true })) {
      if (lokiNames.has(f.name)) expect(f.content, f.name).toBe(lokiBuilt.find((b) => b.name === f.name)!.content);
      else expect(f.content, f.name).toBe(plain.get(f.name));
    }
  });
});
