import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFakeGrafana } from '../../../test/fakes/grafana/install';
import { createCommandRunner } from '../adapters/command-runner';
import { runDoctor } from '../doctor';
import { paths as layout } from '../paths';
import type { PortProbe } from '../ports';
import { settingsSchema } from '../settings/schema';

const noPorts: PortProbe = { holder: async () => null };

describe('lookout doctor on Grafana (stand-in binaries: no real Grafana here)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-doctor-grafana-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const check = async (binary: string) => {
    const settings = settingsSchema.parse({ stack: { components: { grafana: { binary } } } });
    const checks = await runDoctor({ settings, paths: layout(path.join(dir, 'home')), runner: createCommandRunner(), ports: noPorts, searchDirs: [], envPath: '' });
    return checks.find((c) => c.name === 'Grafana binary')!;
  };

  it('reports the binary and the version it prints', async () => {
    const fake = await installFakeGrafana(path.join(dir, 'ok'));
    expect(await check(fake.binary)).toEqual({ name: 'Grafana binary', ok: true, detail: `${fake.binary} (version 10.2.0-pre)` });
  });

  it('fails a binary whose homepath is missing, and names the setting that fixes it', async () => {
    const fake = await installFakeGrafana(path.join(dir, 'no-home'), { withHomepath: false });
    const c = await check(fake.binary);
    expect(c.ok).toBe(false);
    expect(c.detail).toContain("but Grafana's homepath (the directory with conf/defaults.ini) was not found");
    expect(c.fix).toContain('stack.components.grafana.homepath');
  });
});
