import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommandRunner } from '../adapters/command-runner';
import type { CommandRunner } from '../ports';
import { findBinary, findTool, isExecutable, parseVersion, readVersion } from './binaries';

let root: string;
const dir = (name: string) => path.join(root, name);

/** A real executable shell script printing `output` on the given stream. */
async function script(file: string, output = 'ok', stream: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `#!/bin/sh\necho '${output}'${stream === 'stderr' ? ' >&2' : ''}\n`, { mode: 0o755 });
  return file;
}

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'lookout-bin-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('findBinary', () => {
  it('searches the search dirs before PATH, in order', async () => {
    await script(path.join(dir('brew'), 'prometheus'));
    await script(path.join(dir('local'), 'prometheus'));
    await script(path.join(dir('path'), 'prometheus'));
    const opts = { searchDirs: [dir('brew'), dir('local')], envPath: dir('path') };
    expect(await findBinary(['prometheus'], opts)).toBe(path.join(dir('brew'), 'prometheus'));
    await fs.rm(path.join(dir('brew'), 'prometheus'));
    expect(await findBinary(['prometheus'], opts)).toBe(path.join(dir('local'), 'prometheus'));
    await fs.rm(path.join(dir('local'), 'prometheus'));
    expect(await findBinary(['prometheus'], opts)).toBe(path.join(dir('path'), 'prometheus'));
  });

  it('walks every PATH entry and ignores relative ones', async () => {
    await script(path.join(dir('b'), 'amtool'));
    // A relative entry that does lead to an amtool from the current directory: it must still be ignored.
    const relative = path.relative(process.cwd(), dir('rel'));
    await script(path.join(dir('rel'), 'amtool'));
    const envPath = [relative, '', dir('a'), dir('b')].join(path.delimiter);
    expect(await findBinary(['amtool'], { searchDirs: [], envPath })).toBe(path.join(dir('b'), 'amtool'));
  });

  it('prefers the Homebrew name within a dir and falls back to the Debian name', async () => {
    await script(path.join(dir('d'), 'prometheus-alertmanager'));
    const opts = { searchDirs: [dir('d')], envPath: '' };
    expect(await findBinary(['alertmanager', 'prometheus-alertmanager'], opts)).toBe(path.join(dir('d'), 'prometheus-alertmanager'));
    await script(path.join(dir('d'), 'alertmanager'));
    expect(await findBinary(['alertmanager', 'prometheus-alertmanager'], opts)).toBe(path.join(dir('d'), 'alertmanager'));
  });

  it('dir order beats name order: a Debian name in an earlier dir wins over a Homebrew name in a later one', async () => {
    await script(path.join(dir('first'), 'prometheus-node-exporter'));
    await script(path.join(dir('second'), 'node_exporter'));
    expect(await findBinary(['node_exporter', 'prometheus-node-exporter'], { searchDirs: [dir('first'), dir('second')], envPath: '' }))
      .toBe(path.join(dir('first'), 'prometheus-node-exporter'));
  });

  it('uses the override first, and only when it is an executable file', async () => {
    const custom = await script(path.join(dir('custom'), 'my-prometheus'));
    await script(path.join(dir('brew'), 'prometheus'));
    const opts = { searchDirs: [dir('brew')], envPath: '' };
    expect(await findBinary(['prometheus'], { ...opts, override: custom })).toBe(custom);
    await fs.chmod(custom, 0o644);
    expect(await findBinary(['prometheus'], { ...opts, override: custom })).toBe(path.join(dir('brew'), 'prometheus'));
    expect(await findBinary(['prometheus'], { ...opts, override: dir('custom') })).toBe(path.join(dir('brew'), 'prometheus'));
  });

  it('skips non-executable files and directories, and returns null when nothing is found', async () => {
    await fs.mkdir(path.join(dir('x'), 'prometheus'), { recursive: true });
    await fs.writeFile(path.join(dir('x'), 'promtool'), 'not executable', { mode: 0o644 });
    expect(await isExecutable(path.join(dir('x'), 'prometheus'))).toBe(false);
    expect(await findBinary(['prometheus', 'promtool'], { searchDirs: [dir('x')], envPath: '' })).toBeNull();
  });

  it('finds the real Debian binaries through the default search (PATH holds /usr/bin)', async () => {
    const opts = { envPath: '/usr/bin' };
    expect(await findBinary(['alertmanager', 'prometheus-alertmanager'], opts)).toMatch(/\/(prometheus-)?alertmanager$/);
    expect(await findBinary(['node_exporter', 'prometheus-node-exporter'], opts)).toMatch(/node[-_]exporter$/);
    expect(await findBinary(['prometheus'], opts)).toMatch(/\/prometheus$/);
  });
});

describe('findTool', () => {
  it('prefers the tool beside the component binary over the search path', async () => {
    const prom = await script(path.join(dir('cellar'), 'prometheus'));
    await script(path.join(dir('cellar'), 'promtool'));
    await script(path.join(dir('path'), 'promtool'));
    expect(await findTool('promtool', prom, { searchDirs: [dir('path')], envPath: '' })).toBe(path.join(dir('cellar'), 'promtool'));
  });

  it('follows a symlinked binary to its real directory (Homebrew Cellar layout)', async () => {
    const real = await script(path.join(dir('Cellar/alertmanager/0.27/bin'), 'alertmanager'));
    await script(path.join(dir('Cellar/alertmanager/0.27/bin'), 'amtool'));
    await fs.mkdir(dir('bin'));
    await fs.symlink(real, path.join(dir('bin'), 'alertmanager'));
    expect(await findTool('amtool', path.join(dir('bin'), 'alertmanager'), { searchDirs: [], envPath: '' }))
      .toBe(path.join(dir('Cellar/alertmanager/0.27/bin'), 'amtool'));
  });

  it('falls back to the search path when nothing sits beside the binary, and to null', async () => {
    const prom = await script(path.join(dir('a'), 'prometheus'));
    await script(path.join(dir('b'), 'promtool'));
    expect(await findTool('promtool', prom, { searchDirs: [dir('b')], envPath: '' })).toBe(path.join(dir('b'), 'promtool'));
    expect(await findTool('amtool', prom, { searchDirs: [dir('b')], envPath: '' })).toBeNull();
    expect(await findTool('promtool', null, { searchDirs: [], envPath: '/usr/bin' })).toBe('/usr/bin/promtool');
  });
});

describe('parseVersion', () => {
  it.each([
    ['prometheus, version 2.42.0+ds (branch: debian/sid, revision: 2.42.0+ds-5+deb12u1)\n  build user: x', '2.42.0+ds'],
    ['alertmanager, version 0.25.0 (branch: debian/sid, revision: 0.25.0-1+b4)', '0.25.0'],
    ['node_exporter, version 1.5.0 (branch: HEAD, revision: 1b48970ffcf5630534fb00bb0687d73c66d1c959)', '1.5.0'],
    ['amtool, version 0.27.0 (branch: HEAD, revision: 0aa3c2aad14cff039931923ab16b26b7481783b5)', '0.27.0'],
    ['grafana version 10.4.2 (commit: 701c851be7, branch: HEAD)', '10.4.2'],
    ['loki, version 3.0.0-rc.1 (branch: HEAD)', '3.0.0-rc.1'],
  ])('%s', (output, version) => {
    expect(parseVersion(output)).toBe(version);
  });

  it('returns null when there is no version', () => {
    expect(parseVersion('usage: prometheus [<flags>]')).toBeNull();
    expect(parseVersion('')).toBeNull();
  });
});

describe('readVersion', () => {
  const runner = createCommandRunner();

  it.each([
    ['/usr/bin/prometheus', '2.42.0+ds'],
    ['/usr/bin/promtool', '2.42.0+ds'],
    ['/usr/bin/prometheus-alertmanager', '0.25.0'],
    ['/usr/bin/amtool', '0.25.0'],
    ['/usr/bin/prometheus-node-exporter', '1.5.0'],
  ])('reads the real %s', async (binary, version) => {
    const exists = await isExecutable(binary);
    expect(exists, `${binary} is required for this test (install the Debian package)`).toBe(true);
    expect(await readVersion(binary, runner)).toBe(version);
  });

  it('reads a version printed on stderr (older Go tools) and on stdout', async () => {
    const onStderr = await script(path.join(dir('s'), 'old-tool'), 'old-tool, version 0.16.2 (branch: HEAD)', 'stderr');
    const onStdout = await script(path.join(dir('s'), 'new-tool'), 'new-tool, version 2.53.1 (branch: HEAD)');
    expect(await readVersion(onStderr, runner)).toBe('0.16.2');
    expect(await readVersion(onStdout, runner)).toBe('2.53.1');
  });

  it('caches by path and mtime: a second call does not run the binary, a reinstall does', async () => {
    const bin = await script(path.join(dir('c'), 'prometheus'), 'prometheus, version 2.50.0 (branch: HEAD)');
    let runs = 0;
    const counting: CommandRunner = { run: (c, a, o) => { runs++; return runner.run(c, a, o); } };
    expect(await readVersion(bin, counting)).toBe('2.50.0');
    expect(await readVersion(bin, counting)).toBe('2.50.0');
    expect(runs).toBe(1);
    await script(bin, 'prometheus, version 2.51.0 (branch: HEAD)');
    const later = new Date(Date.now() + 5_000);
    await fs.utimes(bin, later, later);
    expect(await readVersion(bin, counting)).toBe('2.51.0');
    expect(runs).toBe(2);
  });

  it('returns null for a missing binary or one that prints no version', async () => {
    expect(await readVersion(dir('nope'), runner)).toBeNull();
    expect(await readVersion(await script(path.join(dir('n'), 'quiet'), 'usage: quiet'), runner)).toBeNull();
  });
});
