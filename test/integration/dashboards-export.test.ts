/** `lookout dashboards export --out DIR`, through the built CLI as a user runs it. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/serve';

const run = promisify(execFile);
const EXPORTED = path.resolve(import.meta.dirname, '..', '..', 'assets', 'grafana', 'dashboards');

describe('lookout dashboards export', () => {
  let dir: string;
  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`).toBe(true);
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-dashboards-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the 7 dashboards, identical to the committed export, and lists what it wrote', async () => {
    const out = path.join(dir, 'new', 'dir');
    const { stdout } = await run(process.execPath, [CLI, 'dashboards', 'export', '--out', out, '--home', path.join(dir, 'home')]);
    const files = (await readdir(out)).sort();
    expect(files).toEqual((await readdir(EXPORTED)).filter((f) => f.endsWith('.json')).sort());
    expect(files).toHaveLength(7);
    expect(stdout.trim().split('\n').sort()).toEqual(files.map((f) => path.join(out, f)));
    for (const f of files) expect(await readFile(path.join(out, f), 'utf8'), f).toBe(await readFile(path.join(EXPORTED, f), 'utf8'));
  });

  it('needs --out (exit 2 with usage)', async () => {
    const err = await run(process.execPath, [CLI, 'dashboards', 'export']).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stderr: string }).stderr).toContain('lookout dashboards export needs --out DIR');
  });
});
