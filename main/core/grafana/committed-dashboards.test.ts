import { describe, expect, it } from 'vitest';
import { committedDashboards } from './committed-dashboards';
import { dashboardFiles } from './dashboards';

describe('committedDashboards', () => {
  it('provisions exactly what the code builds: every dashboard, byte for byte', () => {
    const built = dashboardFiles().map((f) => ({ name: f.name, content: f.content }));
    const sort = (xs: Array<{ name: string }>) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
    expect(sort(committedDashboards())).toEqual(sort(built));
  });
});
