/** `lookout dashboards export --loki --out DIR`, through the built CLI: the Loki variant committed in assets/grafana/dashboards-loki. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/serve';

const run = promisify(execFile);
const EXPORTED_LOKI = path.resolve(import.meta.dirname, '..', '..', 'assets', 'grafana', 'dashboards-loki');

describe('lookout dashboards export --loki', () => {
  let dir: string;
  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`).toBe(true);
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-dashboards-loki-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the 4 service dashboards with their log panels, identical to the committed Loki variant', async () => {
    const out = path.join(dir, 'loki');
    const { stdout } = await run(process.execPath, [CLI, 'dashboards', 'export', '--loki', '--out', out, '--home', path.join(dir, 'home')]);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['lookout-service-gui.json', 'lookout-service-llm.json', 'lookout-service-memory.json', 'lookout-services.json']);
    expect(files).toEqual((await readdir(EXPORTED_LOKI)).filter((f) => f.endsWith('.json')).sort());
    expect(stdout.trim().split('\n').sort()).toEqual(files.map((f) => path.join(out, f)));
    for (const f of files) {
      const content = await readFile(path.join(out, f), 'utf8');
      expect(content, f).toBe(await readFile(path.join(EXPORTED_LOKI, f), 'utf8'));
      const panels = (JSON.parse(content) as { panels: Array<{ id: number; type: string; datasource?: { uid?: string } }> }).panels;
      expect(panels.filter((p) => p.datasource?.uid === 'lookout-loki').map((p) => [p.id, p.type])).toEqual([
        [60, 'timeseries'],
        [61, 'logs'],
      ]);
    }
  });
});
