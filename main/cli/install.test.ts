import { mkdir, mkdtemp, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installCommand } from './install';

// The upgrade protocol's second half from the CLI: a release home with two complete versions of Prometheus
// (as an upgrade leaves it: current → new, previous → old), switched by the real activation code.
let home: string;
let out: string[];
let err: string[];
const before = process.env.LOOKOUT_HOME;

async function version(id: string, v: string): Promise<void> {
  const dir = path.join(home, 'runtimes', id, v);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, '.lookout-install.json'), JSON.stringify({ component: id, version: v, archive: `${id}-${v}.tar.gz`, sha256: '0', binaries: { [id]: id }, installedAt: '2026-12-01T00:00:00Z' }));
}

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'lookout-cli-install-'));
  process.env.LOOKOUT_HOME = home;
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  await version('prometheus', '3.13.2');
  await version('prometheus', '3.14.0');
  await symlink('3.14.0', path.join(home, 'runtimes', 'prometheus', 'current'));
  await symlink('3.13.2', path.join(home, 'runtimes', 'prometheus', 'previous'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  if (before === undefined) delete process.env.LOOKOUT_HOME;
  else process.env.LOOKOUT_HOME = before;
  await rm(home, { recursive: true, force: true });
});

const base = () => path.join(home, 'runtimes', 'prometheus');

describe('lookout install --rollback / --confirm', () => {
  it('--rollback points current back at the previous version and keeps both', async () => {
    expect(await installCommand.run(['prometheus'], { rollback: true })).toBe(0);
    expect(await readlink(path.join(base(), 'current'))).toBe('3.13.2');
    expect(await readlink(path.join(base(), 'previous'))).toBe('3.14.0');
    expect(out.join('')).toContain('prometheus    rolled back to 3.13.2; restart it to run it (lookout stack restart prometheus)');
  });

  it('--confirm keeps the current version and deletes the others', async () => {
    expect(await installCommand.run(['prometheus'], { confirm: true })).toBe(0);
    expect((await readdir(base())).sort()).toEqual(['3.14.0', 'current']);
    expect(out.join('')).toContain('prometheus    keeping 3.14.0; removed 3.13.2');
  });

  it('a rollback with nothing to go back to fails with the fix (exit 1); bad use is a usage error (exit 2)', async () => {
    await version('alertmanager', '0.34.0');
    await symlink('0.34.0', path.join(home, 'runtimes', 'alertmanager', 'current'));
    expect(await installCommand.run(['alertmanager'], { rollback: true })).toBe(1);
    expect(err.join('')).toContain('alertmanager has no previous version to roll back to');
    expect(err.join('')).toContain('fix: install a known-good version of alertmanager again');

    await expect(installCommand.run([], { rollback: true })).rejects.toMatchObject({ exitCode: 2 });
    await expect(installCommand.run(['prometheus'], { rollback: true, confirm: true })).rejects.toMatchObject({ exitCode: 2 });
    await expect(installCommand.run(['grafana'], { confirm: true })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('grafana: not installed by release download') });
    // Nothing was switched by the refused calls.
    expect(await readlink(path.join(base(), 'current'))).toBe('3.14.0');
  });
});
